package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import io.netty.buffer.Unpooled;
import io.netty.util.ResourceLeakDetector;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The proxy in its own JVM with a cache directory, killed with SIGKILL in the middle of 50
 * concurrent fills, then restarted on the same directory: whatever it serves must be byte-identical
 * to the origin's, and entries completed before the kill are served without the origin. Also: a
 * SIGTERM lets an in-flight response finish and the process exit 0.
 */
@Timeout(60)
class DiskCacheCrashIT {

  private static final Pattern READY = Pattern.compile("Cachalot proxy ready on 127\\.0\\.0\\.1:(\\d+)");
  private static final int N = 50;

  @TempDir Path dir;
  private final TestOrigin origin = new TestOrigin();
  private final List<Process> processes = new ArrayList<>();
  private final List<String> output = Collections.synchronizedList(new ArrayList<>());
  private ExecutorService executor;
  private ResourceLeakDetector.Level leakLevel;

  @BeforeEach
  void setUp() {
    leakLevel = ResourceLeakDetector.getLevel();
    ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.SIMPLE);
    origin.start();
    executor = Executors.newFixedThreadPool(4);
  }

  @AfterEach
  void tearDown() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    mark("processes gone");
    executor.shutdownNow();
    origin.close();
    mark("origin closed");
    ResourceLeakDetector.setLevel(leakLevel);
  }

  static byte[] body(String path) {
    Random random = new Random(path.hashCode());
    byte[] b = new byte[100_000 + random.nextInt(100_000)];
    random.nextBytes(b);
    return b;
  }

  /** Serves {@link #body} in 16 KiB pieces, pausing between them, so that fills overlap. */
  private void slowPages(String prefix, int pauseMillis) {
    for (int i = 0; i < N; i++) {
      String path = prefix + i;
      byte[] bytes = body(path);
      origin.handle(path, r -> {
        int[] at = {0};
        return Response.streamed(200, bytes.length, alloc -> {
          if (at[0] >= bytes.length) {
            return null;
          }
          if (pauseMillis > 0) {
            try {
              Thread.sleep(pauseMillis);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          int n = Math.min(16 * 1024, bytes.length - at[0]);
          at[0] += n;
          return Unpooled.wrappedBuffer(bytes, at[0] - n, n);
        }).header("Cache-Control", "max-age=3600");
      });
    }
  }

  private final long t0 = System.nanoTime();

  private void mark(String what) {
    System.err.printf("[%5d ms] %s%n", (System.nanoTime() - t0) / 1_000_000, what);
  }

  private Process startProxy(String... extra) throws Exception {
    mark("starting proxy");
    String java = System.getenv().getOrDefault("CACHALOT_TEST_JAVA",
        Path.of(System.getProperty("java.home"), "bin", "java").toString());
    List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
        "dev.cachalot.cli.Main", "proxy", "--listen", "127.0.0.1:0", "--cache-dir", dir.toString()));
    command.addAll(List.of(extra));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    processes.add(p);
    CompletableFuture<Integer> port = new CompletableFuture<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
          output.add(line);
          Matcher ready = READY.matcher(line);
          if (ready.find()) {
            port.complete(Integer.parseInt(ready.group(1)));
          }
        }
      } catch (Exception ignored) {
        // ended
      }
      port.completeExceptionally(new IllegalStateException("proxy ended before ready: " + output));
    }, "proxy-output");
    reader.setDaemon(true);
    reader.start();
    proxyPort = port.get(20, TimeUnit.SECONDS);
    mark("proxy ready");
    client = HttpClient.newBuilder().proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", proxyPort)))
        .version(HttpClient.Version.HTTP_1_1).executor(executor).connectTimeout(Duration.ofSeconds(5)).build();
    return p;
  }

  private int proxyPort;
  private HttpClient client;

  private CompletableFuture<HttpResponse<byte[]>> get(String path) {
    return client.sendAsync(HttpRequest.newBuilder(URI.create(origin.url(path))).timeout(Duration.ofSeconds(20)).build(),
        BodyHandlers.ofByteArray());
  }

  private long filesOnDisk() throws Exception {
    if (!Files.isDirectory(dir.resolve("v1"))) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
      return files.filter(Files::isRegularFile).count();
    }
  }

  @Test
  void killDashNineDuringConcurrentFillsNeverServesATornBody() throws Exception {
    slowPages("/done/", 0);
    slowPages("/torn/", 1);
    Process first = startProxy();
    // Phase 1: 50 fills that complete and reach the disk.
    List<CompletableFuture<HttpResponse<byte[]>>> done = new ArrayList<>();
    for (int i = 0; i < N; i++) {
      done.add(get("/done/" + i));
    }
    for (int i = 0; i < N; i++) {
      assertThat(done.get(i).get(30, TimeUnit.SECONDS).body()).isEqualTo(body("/done/" + i));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (filesOnDisk() < N && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(filesOnDisk()).isEqualTo(N);
    mark("phase 1 on disk");
    // Phase 2: 50 concurrent slow fills, SIGKILL in the middle of them.
    AtomicInteger completed = new AtomicInteger();
    for (int i = 0; i < N; i++) {
      get("/torn/" + i).thenRun(completed::incrementAndGet);
    }
    while (completed.get() < 5 && first.isAlive()) {
      Thread.sleep(5);
    }
    mark("kill -9 after " + completed.get());
    first.destroyForcibly(); // SIGKILL
    assertThat(first.waitFor(10, TimeUnit.SECONDS)).isTrue();

    startProxy();
    List<CompletableFuture<HttpResponse<byte[]>>> again = new ArrayList<>();
    for (String prefix : List.of("/done/", "/torn/")) {
      for (int i = 0; i < N; i++) {
        again.add(get(prefix + i));
      }
    }
    int k = 0;
    for (String prefix : List.of("/done/", "/torn/")) {
      for (int i = 0; i < N; i++) {
        HttpResponse<byte[]> r = again.get(k++).get(30, TimeUnit.SECONDS);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).as(prefix + i).isEqualTo(body(prefix + i));
      }
    }
    mark("all verified");
    for (int i = 0; i < N; i++) {
      assertThat(origin.requests("/done/" + i)).as("/done/" + i + " served from disk").isEqualTo(1);
    }
  }

  @Test
  void sigtermFinishesTheResponseInFlightAndExitsZero() throws Exception {
    slowPages("/slow/", 40);
    Process proxy = startProxy("--drain-timeout", "10s");
    try (RawHttp raw = RawHttp.connect(new InetSocketAddress("127.0.0.1", proxyPort), Duration.ofSeconds(20))) {
      raw.write("GET " + origin.url("/slow/1") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
      while (origin.requests("/slow/1") == 0) {
        Thread.sleep(5);
      }
      Thread.sleep(50);
      mark("SIGTERM");
      proxy.destroy(); // SIGTERM
      RawHttp.Response r = raw.readResponse();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body()).isEqualTo(body("/slow/1"));
    }
    mark("response read");
    assertThat(proxy.waitFor(15, TimeUnit.SECONDS)).isTrue();
    mark("proxy exited");
    assertThat(proxy.exitValue()).as("exit status; output %s", output).isZero();
    // flushed: a new proxy serves it from disk
    startProxy();
    assertThat(get("/slow/1").get(20, TimeUnit.SECONDS).body()).isEqualTo(body("/slow/1"));
    assertThat(origin.requests("/slow/1")).isEqualTo(1);
  }
}
