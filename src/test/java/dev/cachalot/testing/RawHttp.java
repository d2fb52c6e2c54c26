package dev.cachalot.testing;

import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;

/**
 * A plain socket for tests that must control the exact bytes on the wire (pipelining, HTTP/1.0, the
 * lab's bare line). Responses are decoded by Netty's HttpResponseDecoder, not by hand, and copied
 * into plain values so no buffer outlives a call. Every read is bounded by a socket timeout.
 */
public final class RawHttp implements AutoCloseable {

  /** A decoded response; {@code raw} is every byte received for it (headers and body as framed). */
  public record Response(String version, int status, HttpHeaders headers, byte[] body) {
    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  private final Socket socket;
  private final InputStream in;
  private final EmbeddedChannel decoder = new EmbeddedChannel(new HttpResponseDecoder(), new HttpObjectAggregator(64 << 20));
  private final ArrayDeque<Response> decoded = new ArrayDeque<>();
  private final ByteArrayOutputStream received = new ByteArrayOutputStream();
  private boolean eof;
  private boolean truncatedAtClose;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = socket.getInputStream();
  }

  public static RawHttp connect(InetSocketAddress address, Duration timeout) {
    try {
      Socket socket = new Socket();
      socket.connect(address, (int) timeout.toMillis());
      socket.setSoTimeout((int) timeout.toMillis());
      return new RawHttp(socket);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public RawHttp write(String text) {
    try {
      socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return this;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next response, reading as needed; fails when the connection ends first or the read times out. */
  public Response readResponse() {
    while (decoded.isEmpty()) {
      if (eof) {
        throw new AssertionError("connection closed before a complete response; received so far:\n"
            + new String(received.toByteArray(), StandardCharsets.ISO_8859_1));
      }
      readSome();
    }
    return decoded.poll();
  }

  /** True when the peer closes the connection (and sends nothing more) within the socket timeout. */
  public boolean closedByPeer() {
    while (!eof) {
      try {
        readSome();
      } catch (UncheckedIOException e) {
        if (e.getCause() instanceof SocketTimeoutException) {
          return false;
        }
        return true;
      }
    }
    return decoded.isEmpty();
  }

  /** True when the peer closed in the middle of a response. */
  public boolean truncatedAtClose() {
    return truncatedAtClose;
  }

  /** Every byte received on this connection so far, undecoded. */
  public byte[] receivedBytes() {
    return received.toByteArray();
  }

  /** Reads until the peer closes, and returns every byte received. */
  public byte[] readAllUntilClose() {
    while (!eof) {
      readSome();
    }
    return receivedBytes();
  }

  private void readSome() {
    byte[] buffer = new byte[65536];
    int n;
    try {
      n = in.read(buffer);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (n < 0) {
      eof = true;
      try {
        decoder.finish();
      } catch (RuntimeException truncated) {
        // A message cut short by the close (PrematureChannelClosureException): nothing decoded.
        truncatedAtClose = true;
      }
      drain();
      return;
    }
    received.write(buffer, 0, n);
    decoder.writeInbound(Unpooled.wrappedBuffer(Arrays.copyOf(buffer, n)));
    drain();
  }

  private void drain() {
    for (Object msg = decoder.readInbound(); msg != null; msg = decoder.readInbound()) {
      if (msg instanceof FullHttpResponse full) {
        try {
          if (full.decoderResult().isFailure()) {
            throw new AssertionError("undecodable response: " + full.decoderResult().cause());
          }
          decoded.add(new Response(full.protocolVersion().text(), full.status().code(),
              new DefaultHttpHeaders().add(full.headers()), ByteBufUtil.getBytes(full.content())));
        } finally {
          full.release();
        }
      } else {
        io.netty.util.ReferenceCountUtil.release(msg);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // nothing to do
    }
    decoder.finishAndReleaseAll();
  }
}
