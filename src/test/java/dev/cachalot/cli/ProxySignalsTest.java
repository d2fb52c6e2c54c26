package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
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
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real {@code cachalot proxy --config FILE} in a forked JVM: reloaded with {@code kill -HUP} (or, where
 * HUP is ignored, through the admin port) and stopped with {@code kill -TERM}.
 */
@Timeout(90)
@EnabledOnOs(OS.LINUX) // GNU env starts the proxy with a known disposition for the signal under test
class ProxySignalsTest {

  @TempDir Path dir;
  @RegisterExtension final TestOrigin origin = new TestOrigin();

  @Test
  void sighupReloadsTheRulesOfARunningProxy() throws Exception {
    String pool = "/debian/pool/main/h/hello/hello_2.10-3_amd64.deb";
    // A mirror's ETag: with zero lifetime and no validator the response would not be stored at all.
    origin.handle(pool, r -> Response.ok("deb\n").header("ETag", "\"deb-1\""));
    Path config = config("listen: 127.0.0.1:0\n");
    try (ForkedProxy proxy = ForkedProxy.start(config, "--default-signal=HUP")) {
      Matcher ready = proxy.await("proxy ready on 127\\.0\\.0\\.1:(\\d+)");
      HttpClient client = HttpClient.newBuilder()
          .proxy(ProxySelector.of(new InetSocketAddress("127.0.0.1", Integer.parseInt(ready.group(1)))))
          .version(HttpClient.Version.HTTP_1_1).build();
      HttpRequest get = HttpRequest.newBuilder(URI.create(origin.url(pool))).build();
      client.send(get, BodyHandlers.discarding());
      client.send(get, BodyHandlers.discarding());
      assertThat(origin.requests(pool)).isEqualTo(2);

      Files.writeString(config, "listen: 127.0.0.1:0\npresets: [debian]\n");
      proxy.signal("HUP");
      proxy.await("reloaded .*: 4 rules");
      HttpResponse<Void> hit = client.send(get, BodyHandlers.discarding());
      assertThat(hit.headers().firstValue("Cache-Status").orElse("")).contains("hit").contains("rule:debian-pool");
      assertThat(origin.requests(pool)).isEqualTo(2);

      Files.writeString(config, "listen: 127.0.0.1:0\ncache-mme: 1g\n");
      proxy.signal("HUP");
      proxy.await("reload of .* refused, keeping the running configuration: .*:2: unknown key 'cache-mme'");
      assertThat(proxy.process().isAlive()).isTrue();
    }
  }

  @Test
  void underNohupSighupCannotReloadSoTheProxySaysSoAndTheAdminEndpointReloads() throws Exception {
    Path config = config("listen: 127.0.0.1:0\n");
    // As under nohup: the JVM keeps an ignored HUP ignored, and a kill -HUP would do nothing.
    try (ForkedProxy proxy = ForkedProxy.start(config, "--ignore-signal=HUP")) {
      Matcher admin = proxy.await("admin on (http://127\\.0\\.0\\.1:\\d+/)");
      proxy.await("SIGHUP is ignored in this process .*kill -HUP will not reload: POST /api/reload");
      proxy.await("proxy ready on");

      Files.writeString(config, "listen: 127.0.0.1:0\npresets: [debian]\n");
      HttpClient client = HttpClient.newHttpClient();
      HttpResponse<String> reloaded = client.send(HttpRequest.newBuilder(URI.create(admin.group(1) + "api/reload"))
          .POST(HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
      assertThat(reloaded.statusCode()).as(reloaded.body()).isEqualTo(200);
      assertThat(reloaded.body()).startsWith("reloaded: 4 rules");
      proxy.await("reloaded .*: 4 rules");
      assertThat(proxy.process().isAlive()).isTrue();
    }
  }

  @Test
  void sigtermStopsTheProxyGracefully() throws Exception {
    try (ForkedProxy proxy = ForkedProxy.start(config("listen: 127.0.0.1:0\n"), "--default-signal=TERM")) {
      proxy.await("proxy ready on");
      proxy.signal("TERM");
      assertThat(proxy.process().waitFor(30, TimeUnit.SECONDS)).as("stopped").isTrue();
      assertThat(proxy.process().exitValue()).as("a graceful stop, not the JVM's 128 + 15").isZero();
    }
  }

  private Path config(String yaml) throws Exception {
    Path config = dir.resolve("cachalot.yaml");
    Files.writeString(config, yaml);
    return config;
  }

  /**
   * {@code cachalot proxy --config FILE} in a new JVM, its stderr merged into stdout and read line by
   * line as it comes; closing it ends the process.
   */
  private record ForkedProxy(Process process, BlockingQueue<String> lines) implements AutoCloseable {

    /**
     * Starts through {@code env signalOption} (GNU env's {@code --default-signal=SIG} or
     * {@code --ignore-signal=SIG}): a signal this JVM inherited as ignored, as under nohup, must not
     * decide what the test sees.
     */
    static ForkedProxy start(Path config, String signalOption) throws Exception {
      String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
      Process process = new ProcessBuilder("env", signalOption, java, "-cp", System.getProperty("java.class.path"),
          "dev.cachalot.cli.Main", "proxy", "--config", config.toString(), "--admin", "127.0.0.1:0",
          "--cache-dir", "none")
          .redirectErrorStream(true).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      Thread reader = new Thread(() -> {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          for (String line; (line = in.readLine()) != null; ) {
            lines.add(line);
          }
        } catch (Exception ignored) {
          // the process ended
        }
      }, "forked-proxy-output");
      reader.setDaemon(true);
      reader.start();
      return new ForkedProxy(process, lines);
    }

    void signal(String name) throws Exception {
      new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).inheritIO().start().waitFor();
    }

    /** The first line from now on that matches {@code regex}, within 30 s. */
    Matcher await(String regex) throws InterruptedException {
      Pattern wanted = Pattern.compile(regex);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      List<String> seen = new ArrayList<>();
      while (System.nanoTime() < deadline) {
        String line = lines.poll(100, TimeUnit.MILLISECONDS);
        if (line == null) {
          continue;
        }
        seen.add(line);
        Matcher m = wanted.matcher(line);
        if (m.find()) {
          return m;
        }
      }
      throw new AssertionError("no line matching " + wanted + " in " + seen);
    }

    @Override
    public void close() throws InterruptedException {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
