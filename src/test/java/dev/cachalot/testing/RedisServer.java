package dev.cachalot.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.cachalot.cache.store.RedisSettings;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real redis-server on a free loopback port, started by the test in a temporary directory, with
 * persistence off. Where redis-server is not on the PATH the test is skipped, except on CI
 * (CI=true), where it fails: the fleet tests must run there.
 */
public final class RedisServer implements AutoCloseable {

  private final Path dir;
  private final int port;
  private Process process;

  private RedisServer(Path dir, int port) {
    this.dir = dir;
    this.port = port;
  }

  /**
   * Settings for a store under test: the default bound (50 ms) is what a proxy wants, but a busy CI
   * machine can pause a test JVM that long, and a command past it is skipped (a request then goes to
   * the origin), which tests of what the fleet shares would take for a bug. Their outages are closed
   * connections, not slow commands.
   */
  public static RedisSettings patientSettings(String uri) {
    return new RedisSettings(uri, RedisSettings.DEFAULT_MAX_OBJECT, Duration.ofSeconds(2));
  }

  /** Starts one on a fresh port. */
  public static RedisServer start() throws IOException {
    String binary = find();
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    RedisServer server = new RedisServer(Files.createTempDirectory("cachalot-redis"), port);
    server.launch(binary);
    return server;
  }

  private static String find() {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      Path candidate = Path.of(dir, "redis-server");
      if (Files.isExecutable(candidate)) {
        return candidate.toString();
      }
    }
    for (String fixed : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (Files.isExecutable(Path.of(fixed))) {
        return fixed;
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("redis-server is not on the PATH; CI must install it (apt-get install redis-server)");
    }
    assumeTrue(false, "redis-server is not on the PATH: skipping the fleet tests");
    return null;
  }

  private void launch(String binary) throws IOException {
    process = new ProcessBuilder(binary, "--port", Integer.toString(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--daemonize", "no")
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("redis.log").toFile())
        .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return;
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException("redis-server exited: " + Files.readString(dir.resolve("redis.log")));
        }
        sleep(Duration.ofMillis(20));
      }
    }
    throw new IOException("redis-server did not start on port " + port);
  }

  public int port() {
    return port;
  }

  public String uri() {
    return "redis://127.0.0.1:" + port;
  }

  /** Kills it at once (SIGKILL), as a crash would. */
  public void kill() throws InterruptedException {
    if (process != null) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
      process = null;
    }
  }

  /** Starts it again on the same port, empty. */
  public void restart() throws IOException {
    kill0();
    launch(find());
  }

  private void kill0() throws IOException {
    try {
      kill();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() throws IOException {
    kill0();
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
  }
}
