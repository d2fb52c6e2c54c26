package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.io.InputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * 1,000 clients that disconnect in the middle of a large response (half with a FIN, half with a
 * RST): afterwards no client connection is counted open, no origin connection is left beyond the
 * idle pool, and (LeakDetectionExtension) no buffer leaked.
 */
@Timeout(60)
class ClientAbortsTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  /** A short origin idle timeout, so that connections pooled after a completed response close too. */
  @RegisterExtension final TestProxy proxy = new TestProxy(c -> new ProxyConfig(c.listen(), c.connectPorts(),
      c.pseudonym(), c.connectTimeout(), c.firstByteTimeout(), c.clientIdleTimeout(), Duration.ofSeconds(1),
      c.maxConnectionsPerOrigin(), c.ioThreads(), c.accessLog(), c.dnsQueryTimeout(), c.cacheMemBytes(), c.cache(),
      c.cacheDir(), c.cacheDiskBytes(), c.reverse(), c.admin()));

  @Test
  void thousandClientsDisconnectingMidResponseLeaveNothingBehind() throws Exception {
    origin.handle("/big", r -> Response.pattern(256 << 10, r.uri().contains("chunked")));
    int clients = 1000;
    AtomicInteger sawBody = new AtomicInteger();
    List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        int n = i;
        done.add(pool.submit(() -> {
          try (Socket s = new Socket(proxy.address().getAddress(), proxy.port())) {
            s.setSoTimeout(10_000);
            String url = origin.url("/big?n=" + n + (n % 3 == 0 ? "&chunked" : ""));
            s.getOutputStream().write(("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = s.getInputStream();
            long t0 = System.nanoTime();
            byte[] buf = new byte[8192];
            java.io.ByteArrayOutputStream seen = new java.io.ByteArrayOutputStream();
            int total = 0;
            while (total < 16 * 1024) {
              int r;
              try {
                r = in.read(buf);
              } catch (java.net.SocketTimeoutException e) {
                throw new AssertionError("client " + n + " got " + total + " bytes then nothing for 10 s (started "
                    + (System.nanoTime() - t0) / 1_000_000 + " ms ago): " + seen.toString(StandardCharsets.ISO_8859_1), e);
              }
              if (r < 0) {
                break;
              }
              total += r;
              if (seen.size() < 1000) {
                seen.write(buf, 0, Math.min(r, 1000));
              }
              if (seen.size() >= 12 && !seen.toString(StandardCharsets.ISO_8859_1).startsWith("HTTP/1.1 200")) {
                // A complete error answer (the proxy's own, small, sent at once): not a hang.
                errors.add(n + ": " + seen.toString(StandardCharsets.ISO_8859_1).lines().reduce((a, b) -> b).orElse(""));
                return null;
              }
            }
            if (total >= 16 * 1024) {
              sawBody.incrementAndGet();
            }
            if (n % 2 == 0) {
              s.setSoLinger(true, 0); // close with RST
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    // Known, rare (about 3 in 1,000 on a 2-core box): a fresh origin connection reported closed
    // before its response, answered 502 (see the hardening note); anything more is a regression.
    assertThat(errors).as("non-200 answers").hasSizeLessThanOrEqualTo(clients / 100);
    assertThat(sawBody.get() + errors.size()).isEqualTo(clients);
    if (!errors.isEmpty()) {
      System.out.println("ClientAbortsTest: " + errors.size() + " non-200 answers: " + errors);
    }
    awaitAtMost(proxy::openClientConnections, 0, "open client connections");
    // Every aborted response discards its origin connection; pooled ones (responses that completed
    // before the client left) close after the 1 s origin idle timeout.
    awaitAtMost(origin::openConnections, 0, "open origin connections");
    origin.handle("/after", r -> Response.ok("still fine"));
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write("GET " + origin.url("/after") + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().bodyText())
          .isEqualTo("still fine");
    }
  }

  /**
   * A slow client leaves (RST) while the end of its response still waits in the proxy, after the
   * proxy read the whole response from the origin and stored it: the stored copy stays whole, and
   * the next client gets every byte of it from the cache.
   */
  @Test
  void aClientLeavingAfterItsResponseWasStoredLeavesTheStoredCopyWhole() throws Exception {
    int length = 8 << 20;
    origin.handle("/stored", r -> Response.pattern(length, false).header("Cache-Control", "max-age=600"));
    String url = origin.url("/stored");
    HttpClient client = HttpClient.newBuilder().proxy(proxy.selector()).build();
    try (Socket slow = new Socket()) {
      slow.setReceiveBufferSize(4096);
      slow.connect(proxy.address());
      slow.getOutputStream().write(("GET " + url + " HTTP/1.1\r\nHost: x\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = slow.getInputStream();
      byte[] buf = new byte[16 * 1024];
      long read = 0;
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (!cacheStatus(client, "HEAD", url).contains("hit")) {
        assertThat(System.nanoTime()).as("stored before the slow client read it all").isLessThan(deadline);
        read += in.read(buf);
      }
      assertThat(read).as("bytes the slow client read before leaving").isLessThan(length);
      slow.setSoLinger(true, 0);
    }
    // The slow client's connection is gone; the HttpClient keeps its own.
    awaitAtMost(proxy::openClientConnections, 1, "open client connections");

    HttpResponse<byte[]> again = client.send(HttpRequest.newBuilder(URI.create(url)).build(),
        HttpResponse.BodyHandlers.ofByteArray());

    assertThat(again.headers().firstValue("Cache-Status").orElse("")).contains("hit");
    CRC32 crc = new CRC32();
    crc.update(again.body());
    assertThat(again.body()).hasSize(length);
    assertThat(crc.getValue()).isEqualTo(TestOrigin.PatternBody.crc32(length));
  }

  private static String cacheStatus(HttpClient client, String method, String url) throws Exception {
    HttpRequest head = HttpRequest.newBuilder(URI.create(url)).method(method, HttpRequest.BodyPublishers.noBody())
        .build();
    return client.send(head, HttpResponse.BodyHandlers.discarding()).headers().firstValue("Cache-Status").orElse("");
  }

  static void awaitAtMost(IntSupplier value, int limit, String what) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (value.getAsInt() > limit) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + ": " + value.getAsInt() + " still, expected at most " + limit);
      }
      Thread.sleep(20);
    }
  }
}
