package dev.cachalot.testing;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real curl binary with a bounded wait. When curl is missing the test is skipped, except
 * on CI ({@code CI=true}), where a missing curl fails it: CI must exercise a real client.
 */
public final class Curl {

  /** What curl printed and how it ended. */
  public record Result(int exitCode, byte[] stdout, String stderr) {
    public String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }
  }

  private Curl() {}

  public static void requireCurl() {
    boolean present = findCurl() != null;
    if (!present && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("curl is not installed, and CI=true requires the real-client tests to run");
    }
    assumeTrue(present, "curl is not installed");
  }

  private static Path findCurl() {
    String path = System.getenv("PATH");
    if (path == null) {
      return null;
    }
    for (String dir : path.split(java.io.File.pathSeparator)) {
      Path candidate = Path.of(dir, "curl");
      if (Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    return null;
  }

  /** Runs {@code curl --silent --show-error --max-time 30 ARGS...}, optionally feeding stdin. */
  public static Result run(byte[] stdin, String... args) {
    requireCurl();
    List<String> command = new ArrayList<>(List.of("curl", "--silent", "--show-error", "--max-time", "30"));
    command.addAll(List.of(args));
    try {
      Process process = new ProcessBuilder(command).start();
      CompletableFuture<byte[]> out = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
      CompletableFuture<byte[]> err = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
      try (var in = process.getOutputStream()) {
        if (stdin != null) {
          in.write(stdin);
        }
      }
      if (!process.waitFor(40, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        fail("curl did not finish within 40 s: " + command);
      }
      return new Result(process.exitValue(), out.get(5, TimeUnit.SECONDS),
          new String(err.get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (Exception e) {
      throw new AssertionError("running curl failed: " + e, e);
    }
  }

  public static Result run(String... args) {
    return run(null, args);
  }

  private static byte[] readAll(InputStream in) {
    try (in) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      in.transferTo(out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
