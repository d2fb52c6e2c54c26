package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** --access-log-rotate: Logback rolls the access log over by size, keeping a fixed number of old files. */
@Timeout(30)
class AccessLogRotationTest {

  @TempDir Path dir;

  @Test
  void aTinyMaxSizeRotatesIntoASecondFile() throws Exception {
    Path file = dir.resolve("access.log");
    writeBatches(file, AccessLogRotation.bySize(1024, 3), 3);
    assertThat(file).exists();
    assertThat(dir.resolve("access.log.1")).exists();
    List<String> all = allLines();
    assertThat(all).as("no line lost in the rotation").hasSize(3 * 40);
    assertThat(Files.size(dir.resolve("access.log.1"))).isGreaterThan(1024);
  }

  @Test
  void keepsOnlyTheNewestFiles() throws Exception {
    writeBatches(dir.resolve("access.log"), AccessLogRotation.bySize(1024, 2), 6);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()).sorted())
          .containsExactly("access.log", "access.log.1", "access.log.2");
    }
  }

  @Test
  void withoutRotationOneFileGrows() throws Exception {
    writeBatches(dir.resolve("access.log"), AccessLogRotation.NONE, 3);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files).hasSize(1);
    }
  }

  @Test
  void dailyWritesTheCurrentFile() throws Exception {
    writeBatches(dir.resolve("access.log"), AccessLogRotation.daily(7), 1);
    assertThat(dir.resolve("access.log")).exists();
    assertThat(allLines()).hasSize(40);
  }

  @Test
  void rejectsImpossibleSettings() {
    assertThatThrownBy(() -> AccessLogRotation.bySize(1024, 21)).hasMessageContaining("at most 20");
    assertThatThrownBy(() -> AccessLogRotation.daily(0)).hasMessageContaining("at least 1");
    assertThatThrownBy(() -> AccessLogRotation.bySize(0, 3)).hasMessageContaining("positive");
  }

  /**
   * Batches of 40 lines of about 100 bytes, 4 KiB each, further apart than the access log checks
   * the file's size.
   */
  private static void writeBatches(Path file, AccessLogRotation rotation, int batches) throws Exception {
    AccessLog log = AccessLog.open(Optional.of(file),
        new Observability(ProxyListener.NONE, AccessLogFormat.SQUID, rotation));
    try {
      for (int b = 0; b < batches; b++) {
        for (int i = 0; i < 40; i++) {
          log.record(System.currentTimeMillis(), "127.0.0.1", "TCP_MISS", 200, 1234, "GET",
              "http://origin.test/batch/" + b + "/line/" + i, "HIER_DIRECT/127.0.0.1", "text/plain");
        }
        Thread.sleep(AccessLog.SIZE_CHECK_MILLIS + 50);
      }
    } finally {
      log.close();
    }
  }

  private List<String> allLines() throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.flatMap(p -> {
        try {
          return Files.readAllLines(p).stream();
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }).toList();
    }
  }
}
