package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The byte relay of a CONNECT tunnel, against a plain TCP origin: half-close and back-pressure. */
@Timeout(60)
class TunnelRelayTest {

  private ServerSocket origin;
  private TestProxy proxy;

  @BeforeEach
  void start() throws IOException {
    origin = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    int port = origin.getLocalPort();
    proxy = new TestProxy(c -> c.withConnectPorts(Set.of(port))).start();
  }

  @AfterEach
  void stop() throws IOException {
    proxy.close();
    origin.close();
  }

  /** Opens a tunnel to the origin and returns the client's socket, past the 200 answer. */
  private Socket tunnel() throws IOException {
    Socket s = new Socket(proxy.address().getAddress(), proxy.port());
    s.setSoTimeout(20_000);
    String authority = "127.0.0.1:" + origin.getLocalPort();
    s.getOutputStream().write(("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1));
    InputStream in = s.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      assertThat(b).as("answer to CONNECT: " + head).isNotNegative();
      head.append((char) b);
    }
    assertThat(head.toString()).startsWith("HTTP/1.1 200");
    return s;
  }

  /** A client that sends everything and half-closes still gets the origin's whole answer, sent after the EOF. */
  @Test
  void aHalfCloseReachesTheOriginAndTheAnswerStillComesBack() throws Exception {
    byte[] request = "x".repeat(300_000).getBytes(StandardCharsets.ISO_8859_1);
    CompletableFuture<Long> originSaw = CompletableFuture.supplyAsync(() -> {
      try (Socket s = origin.accept()) {
        long n = s.getInputStream().transferTo(OutputStream.nullOutputStream()); // until the client's EOF
        s.getOutputStream().write(("got " + n).getBytes(StandardCharsets.ISO_8859_1));
        return n;
      } catch (IOException e) {
        throw new RuntimeException(e);
      }
    });
    try (Socket s = tunnel()) {
      s.getOutputStream().write(request);
      s.shutdownOutput();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      s.getInputStream().transferTo(answer);

      assertThat(answer.toString(StandardCharsets.ISO_8859_1)).isEqualTo("got " + request.length);
    }
    assertThat(originSaw.get(10, TimeUnit.SECONDS)).isEqualTo(request.length);
  }

  /**
   * A client that stops reading stops the origin too: the proxy holds at most its relay's water mark
   * in memory, so what the origin managed to write is bounded by the socket buffers on the way
   * (a few MiB on loopback), far below the 256 MiB it tried to send.
   */
  @Test
  void aClientThatStopsReadingStopsTheOrigin() throws Exception {
    AtomicLong written = new AtomicLong();
    CompletableFuture<Void> sender = CompletableFuture.runAsync(() -> {
      try (Socket s = origin.accept()) {
        OutputStream out = s.getOutputStream();
        byte[] chunk = new byte[64 * 1024];
        for (int i = 0; i < 4096; i++) {
          out.write(chunk);
          written.addAndGet(chunk.length);
        }
      } catch (IOException stoppedByTheTest) {
        // the test closes the tunnel while the origin is blocked in write
      }
    });
    try (Socket s = tunnel()) {
      s.getInputStream().readNBytes(1024);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      long before;
      do {
        before = written.get();
        Thread.sleep(500);
      } while (written.get() != before && System.nanoTime() < deadline);

      assertThat(written.get()).as("bytes the origin could write").isLessThan(64L << 20);
      assertThat(sender).isNotDone();
    }
    sender.get(10, TimeUnit.SECONDS);
  }
}
