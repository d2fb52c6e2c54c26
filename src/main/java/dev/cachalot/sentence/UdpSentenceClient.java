package dev.cachalot.sentence;

import dev.cachalot.UserFacingException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Arrays;
import dev.cachalot.trace.WireTrace;

/**
 * Sends sentences as datagrams to one server. UDP may lose a datagram, so each send waits
 * {@code timeout} for the reply and tries again, {@code attempts} times in all.
 */
public final class UdpSentenceClient implements SentenceClient {

  private final String host;
  private final int port;
  private final Duration timeout;
  private final int attempts;
  private final DatagramChannel channel;
  private final Selector selector;
  // Replies can grow past the request (ß becomes SS), so read up to the datagram maximum.
  private final ByteBuffer replyBuffer = ByteBuffer.allocate(UdpSentenceServer.MAX_DATAGRAM + 1);

  private UdpSentenceClient(
      String host, InetSocketAddress server, Duration timeout, int attempts, DatagramChannel channel, Selector selector) {
    this.host = host;
    this.port = server.getPort();
    this.timeout = timeout;
    this.attempts = attempts;
    this.channel = channel;
    this.selector = selector;
  }

  public static UdpSentenceClient open(String host, int port, Duration timeout, int attempts) {
    Hosts.checkPort(port);
    Hosts.checkPositive("timeout", timeout);
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    InetSocketAddress server = new InetSocketAddress(Hosts.resolve(host), port);
    DatagramChannel channel = null;
    try {
      channel = DatagramChannel.open();
      // Connected, so the kernel hands us ICMP "port unreachable" as PortUnreachableException
      // and drops datagrams from anyone but the server.
      channel.connect(server);
      channel.configureBlocking(false);
      if (WireTrace.on()) {
        WireTrace.event("UDP: socket {} -> {}: no handshake — the first datagram is the first packet",
            WireTrace.address(channel.getLocalAddress()), WireTrace.address(server));
      }
      Selector selector = Selector.open();
      channel.register(selector, SelectionKey.OP_READ);
      return new UdpSentenceClient(host, server, timeout, attempts, channel, selector);
    } catch (IOException e) {
      if (channel != null) {
        try {
          channel.close();
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw new UserFacingException("cannot open a UDP socket to " + host + ":" + port + ": " + e.getMessage(), Failures.UNAVAILABLE, e);
    }
  }

  @Override
  public String send(String sentence) {
    if (sentence.isEmpty()) {
      // Netty, like many stacks, never sends a zero-length datagram, so no reply would come.
      throw new UserFacingException(
          "an empty sentence cannot be sent over UDP: there would be no reply; type at least one character",
          Failures.DATA_ERROR,
          null);
    }
    byte[] request = Uppercase.encode(sentence);
    if (request.length > UdpSentenceServer.MAX_DATAGRAM) {
      throw new UserFacingException(
          "the sentence is " + request.length + " bytes in UTF-8; one UDP datagram carries at most "
              + UdpSentenceServer.MAX_DATAGRAM,
          Failures.DATA_ERROR,
          null);
    }
    try {
      discardLateReplies();
      for (int attempt = 1; attempt <= attempts; attempt++) {
        long start = System.nanoTime();
        channel.write(ByteBuffer.wrap(request));
        if (WireTrace.on()) {
          WireTrace.event("UDP: sent datagram of {} bytes to {} (attempt {} of {}): {}", request.length,
              WireTrace.address(channel.getRemoteAddress()), attempt, attempts, WireTrace.preview(sentence));
        }
        byte[] reply = awaitReply();
        if (reply != null) {
          String text = Uppercase.decode(reply);
          if (WireTrace.on()) {
            WireTrace.event("UDP: received datagram of {} bytes from {}, round trip {} ms: {}", reply.length,
                WireTrace.address(channel.getRemoteAddress()), WireTrace.millisSince(start), WireTrace.preview(text));
          }
          return checked(text);
        }
        if (WireTrace.on()) {
          WireTrace.event("UDP: no reply within {} (attempt {} of {}){}", Hosts.human(timeout), attempt, attempts,
              attempt < attempts ? "; sending again" : "; giving up");
        }
      }
    } catch (PortUnreachableException e) {
      if (WireTrace.on()) {
        WireTrace.event("UDP: ICMP port unreachable from {}:{}: nothing listens there", host, port);
      }
      throw Failures.noUdpServer(host, port, e);
    } catch (IOException e) {
      throw new UserFacingException("UDP exchange with " + host + ":" + port + " failed: " + e.getMessage(), Failures.UNAVAILABLE, e);
    }
    throw Failures.noUdpReply(host, port, attempts, Hosts.human(timeout));
  }

  private byte[] awaitReply() throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); left > 0; left = deadline - System.nanoTime()) {
      // select(0) would block forever: wait at least one millisecond.
      selector.select(Math.max(1, left / 1_000_000));
      selector.selectedKeys().clear();
      byte[] reply = receive();
      if (reply != null) {
        return reply;
      }
    }
    return null;
  }

  /** receive(), unlike read(), tells an empty datagram from none. */
  private byte[] receive() throws IOException {
    replyBuffer.clear();
    if (channel.receive(replyBuffer) == null) {
      return null;
    }
    replyBuffer.flip();
    return Arrays.copyOf(replyBuffer.array(), replyBuffer.limit());
  }

  /** A reply to an earlier attempt that arrived after we gave up on it must not answer this one. */
  private void discardLateReplies() throws IOException {
    for (int i = 0; i < 1000 && receive() != null; i++) {
      // drained
    }
  }

  private String checked(String reply) {
    if (reply.startsWith(Failures.ERROR_PREFIX)) {
      throw new UserFacingException(
          "the server at " + host + ":" + port + " refused the sentence: "
              + reply.substring(Failures.ERROR_PREFIX.length()),
          Failures.DATA_ERROR,
          null);
    }
    return reply;
  }

  @Override
  public void close() {
    try (channel) {
      selector.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
