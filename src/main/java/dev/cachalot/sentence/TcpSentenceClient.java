package dev.cachalot.sentence;

import dev.cachalot.UserFacingException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import dev.cachalot.trace.WireTrace;

/**
 * One TCP connection to a sentence server; {@link #send} writes a line and waits for its reply.
 * Plain blocking sockets: a client has one conversation and nothing else to do meanwhile.
 */
public final class TcpSentenceClient implements SentenceClient {

  private static final Duration RETRY_PAUSE = Duration.ofMillis(100);

  private final String host;
  private final int port;
  private final Socket socket;
  private final BufferedReader in;
  private final OutputStream out;

  private TcpSentenceClient(String host, int port, Socket socket) throws IOException {
    this.host = host;
    this.port = port;
    this.socket = socket;
    // InputStreamReader replaces malformed UTF-8 rather than failing.
    this.in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
    this.out = socket.getOutputStream();
  }

  /**
   * Connects, retrying refused connections until {@code retryFor} has passed (zero: one try), so a
   * client started just before its server can wait for it. {@code timeout} bounds each connect
   * and each wait for a reply.
   */
  public static TcpSentenceClient connect(String host, int port, Duration retryFor, Duration timeout) {
    Hosts.checkPort(port);
    Hosts.checkPositive("timeout", timeout);
    if (retryFor.isNegative()) {
      throw new IllegalArgumentException("retryFor must not be negative, got " + retryFor);
    }
    InetAddress address = Hosts.resolve(host);
    // Socket timeouts are int milliseconds; anything longer is as good as forever.
    int timeoutMillis = (int) Math.min(timeout.toMillis(), Integer.MAX_VALUE);
    long deadline = System.nanoTime() + retryFor.toNanos();
    while (true) {
      Socket socket = new Socket();
      long start = System.nanoTime();
      try {
        socket.connect(new InetSocketAddress(address, port), timeoutMillis);
        if (WireTrace.on()) {
          WireTrace.event("TCP: connected {} -> {} in {} ms (SYN, SYN-ACK, ACK)",
              WireTrace.address(socket.getLocalSocketAddress()), WireTrace.address(socket.getRemoteSocketAddress()),
              WireTrace.millisSince(start));
        }
        socket.setSoTimeout(timeoutMillis);
        socket.setTcpNoDelay(true);
        return new TcpSentenceClient(host, port, socket);
      } catch (ConnectException e) {
        closeQuietly(socket);
        if (WireTrace.on()) {
          WireTrace.event("TCP: connection to {}:{} refused in {} ms (SYN answered by RST: nothing listens)",
              address.getHostAddress(), port, WireTrace.millisSince(start));
        }
        if (System.nanoTime() + RETRY_PAUSE.toNanos() > deadline) {
          throw Failures.noTcpServer(host, port, e);
        }
        pause();
      } catch (SocketTimeoutException e) {
        closeQuietly(socket);
        if (WireTrace.on()) {
          WireTrace.event("TCP: no SYN-ACK from {}:{} within {} ms", address.getHostAddress(), port,
              WireTrace.millisSince(start));
        }
        throw new UserFacingException(
            "no answer from " + host + ":" + port + " within " + Hosts.human(timeout)
                + ": the host may be down or a firewall may drop the connection",
            Failures.UNAVAILABLE,
            e);
      } catch (IOException e) {
        closeQuietly(socket);
        throw new UserFacingException(
            "cannot connect to " + host + ":" + port + ": " + e.getMessage(), Failures.UNAVAILABLE, e);
      }
    }
  }

  @Override
  public String send(String sentence) {
    if (sentence.indexOf('\n') >= 0 || sentence.indexOf('\r') >= 0) {
      throw new UserFacingException(
          "a sentence sent over TCP is one line; it cannot contain a line break", Failures.DATA_ERROR, null);
    }
    String reply;
    try {
      byte[] line = Uppercase.encode(sentence + "\n");
      long start = System.nanoTime();
      out.write(line);
      out.flush();
      if (WireTrace.on()) {
        WireTrace.event("TCP: sent {} bytes to {}: {}", line.length, WireTrace.address(socket.getRemoteSocketAddress()),
            WireTrace.preview(sentence + "\n"));
      }
      reply = in.readLine();
      if (WireTrace.on() && reply != null) {
        WireTrace.event("TCP: received {} bytes from {} after {} ms: {}", Uppercase.encode(reply + "\n").length,
            WireTrace.address(socket.getRemoteSocketAddress()), WireTrace.millisSince(start),
            WireTrace.preview(reply + "\n"));
      }
    } catch (SocketTimeoutException e) {
      throw new UserFacingException(
          "no reply from " + host + ":" + port + " within " + socketTimeout(), Failures.UNAVAILABLE, e);
    } catch (IOException e) {
      throw new UserFacingException(
          "lost the connection to " + host + ":" + port + ": " + e.getMessage(), Failures.UNAVAILABLE, e);
    }
    if (reply == null) {
      throw new UserFacingException(
          "the server at " + host + ":" + port + " closed the connection without replying",
          Failures.UNAVAILABLE,
          null);
    }
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
    if (WireTrace.on() && !socket.isClosed()) {
      WireTrace.event("TCP: closing {} -> {} (FIN)", WireTrace.address(socket.getLocalSocketAddress()),
          WireTrace.address(socket.getRemoteSocketAddress()));
    }
    closeQuietly(socket);
  }

  private String socketTimeout() {
    try {
      return Hosts.human(Duration.ofMillis(socket.getSoTimeout()));
    } catch (IOException e) {
      return "the timeout";
    }
  }

  private static void pause() {
    try {
      Thread.sleep(RETRY_PAUSE.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UserFacingException("interrupted while waiting for the server", 130, e);
    }
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException ignored) {
      // Nothing left to do with a socket we are abandoning.
    }
  }
}
