package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.PatternBody;
import dev.cachalot.testing.TestOrigin.Response;
import io.netty.util.ResourceLeakDetector;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * 1 GiB through the proxy each way, with the proxy in its own JVM limited to 128 MiB of heap: a
 * proxy that buffered a body would run out of memory. The origin generates and consumes the bytes
 * on the fly (counted and checksummed, never held), and so does the client.
 */
@Timeout(180)
class LargeBodiesIT {

  static final long GIB = 1L << 30;
  private static final Pattern READY = Pattern.compile("Cachalot proxy ready on 127\\.0\\.0\\.1:(\\d+)");

  static Process proxy;
  static final ArrayDeque<String> proxyOutput = new ArrayDeque<>();
  static InetSocketAddress proxyAddress;
  static TestOrigin origin;
  static ExecutorService executor;
  static HttpClient client;
  static ResourceLeakDetector.Level leakLevel;
  static long expectedCrc;

  @BeforeAll
  static void start() throws Exception {
    // PARANOID leak tracking records every access of every buffer: fine for functional tests, far
    // too slow for 2 GiB through the in-process origin. Leaks are still sampled (SIMPLE).
    leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    String java = System.getenv().getOrDefault("CACHALOT_TEST_JAVA",
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    proxy = new ProcessBuilder(List.of(java, "-Xmx128m", "-cp", System.getProperty("java.class.path"),
        "dev.cachalot.cli.Main", "proxy", "--listen", "127.0.0.1:0", "--cache-dir", "none"))
        .redirectErrorStream(true)
        .start();
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> drain(proxy.getInputStream(), port), "proxy-output");
    reader.setDaemon(true);
    reader.start();
    proxyAddress = new InetSocketAddress("127.0.0.1", port.get(30, TimeUnit.SECONDS));
    origin = new TestOrigin().start();
    origin.handle("/download", r -> Response.pattern(GIB, false));
    origin.handle("/download-chunked", r -> Response.pattern(GIB, true));
    origin.handle("/upload", r -> Response.ok(r.bodyLength() + " " + r.bodyCrc32()));
    executor = Executors.newFixedThreadPool(2);
    client = HttpClient.newBuilder().proxy(ProxySelector.of(proxyAddress)).version(HttpClient.Version.HTTP_1_1)
        .executor(executor).connectTimeout(Duration.ofSeconds(5)).build();
    expectedCrc = PatternBody.crc32(GIB);
  }

  private static void drain(InputStream in, CompletableFuture<Integer> port) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        synchronized (proxyOutput) {
          proxyOutput.add(line);
          if (proxyOutput.size() > 50) {
            proxyOutput.poll();
          }
        }
        Matcher ready = READY.matcher(line);
        if (ready.find()) {
          port.complete(Integer.parseInt(ready.group(1)));
        }
      }
    } catch (Exception ignored) {
      // the process ended
    }
    port.completeExceptionally(new IllegalStateException("the proxy JVM ended before it was ready: " + proxyOutput));
  }

  @AfterAll
  static void stop() throws Exception {
    if (executor != null) {
      executor.shutdownNow();
    }
    if (origin != null) {
      origin.close();
    }
    if (proxy != null) {
      proxy.destroy();
      if (!proxy.waitFor(10, TimeUnit.SECONDS)) {
        proxy.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
    if (leakLevel != null) {
      ResourceLeakDetector.setLevel(leakLevel);
    }
  }

  private static void assertProxyAlive() {
    synchronized (proxyOutput) {
      assertThat(proxy.isAlive()).as("proxy JVM alive; its last output: %s", proxyOutput).isTrue();
      assertThat(String.join("\n", proxyOutput)).doesNotContain("OutOfMemoryError");
    }
  }

  @Test
  void downloadsOneGibibyteWithContentLength() throws Exception {
    download("/download");
  }

  @Test
  void downloadsOneGibibyteChunked() throws Exception {
    download("/download-chunked");
  }

  private void download(String path) throws Exception {
    HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(URI.create(origin.url(path)))
        .timeout(Duration.ofSeconds(120)).build(), BodyHandlers.ofInputStream());
    assertThat(response.statusCode()).isEqualTo(200);
    CRC32 crc = new CRC32();
    long total = 0;
    byte[] buffer = new byte[256 * 1024];
    try (InputStream body = response.body()) {
      for (int n = body.read(buffer); n >= 0; n = body.read(buffer)) {
        crc.update(buffer, 0, n);
        total += n;
      }
    }
    assertThat(total).isEqualTo(GIB);
    assertThat(crc.getValue()).isEqualTo(expectedCrc);
    assertProxyAlive();
  }

  @Test
  void uploadsOneGibibyteChunked() throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(origin.url("/upload")))
        .timeout(Duration.ofSeconds(120))
        .POST(BodyPublishers.ofInputStream(() -> PatternBody.inputStream(GIB)))
        .build(), BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(GIB + " " + expectedCrc);
    assertThat(origin.lastRequest().header("Transfer-Encoding")).isEqualTo("chunked");
    assertProxyAlive();
  }

  @Test
  void uploadsOneGibibyteWithContentLength() throws Exception {
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create(origin.url("/upload")))
        .timeout(Duration.ofSeconds(120))
        .POST(BodyPublishers.fromPublisher(BodyPublishers.ofInputStream(() -> PatternBody.inputStream(GIB)), GIB))
        .build(), BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(GIB + " " + expectedCrc);
    assertThat(origin.lastRequest().header("Content-Length")).isEqualTo(String.valueOf(GIB));
    assertProxyAlive();
  }
}
