package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.DefaultEventLoopGroup;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/** The access log's writer thread: lines reach the file in order, and an overflow is counted, never silent. */
@Timeout(30)
class AccessLogTest {

  private static final Pattern DROPPED = Pattern.compile("access log: (\\d+) lines dropped");

  @TempDir Path dir;

  @Test
  void everyLineReachesTheFileInOrder() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.open(Optional.of(file), Observability.DEFAULT);
    try {
      for (int i = 0; i < 5_000; i++) {
        record(log, i);
      }
    } finally {
      log.close();
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(5_000);
    assertThat(lines.get(0)).contains("/line/0 ");
    assertThat(lines.get(4_999)).contains("/line/4999 ");
  }

  @Test
  void linesLoggedOnAnEventLoopReachTheFileInOrder() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.open(Optional.of(file), Observability.DEFAULT);
    DefaultEventLoopGroup loops = new DefaultEventLoopGroup(1);
    try {
      for (int round = 0; round < 10; round++) {
        int first = round * 100;
        // Each task is one round of the loop's work: 100 lines, more than one batch.
        loops.submit(() -> {
          for (int i = first; i < first + 100; i++) {
            record(log, i);
          }
        }).sync();
      }
      loops.submit(() -> { }).sync();
    } finally {
      loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
      log.close();
    }
    List<String> lines = Files.readAllLines(file);
    assertThat(lines).hasSize(1_000);
    for (int i = 0; i < lines.size(); i++) {
      assertThat(lines.get(i)).contains("/line/" + i + " ");
    }
  }

  @Test
  void aUrlIsWrittenAsTheBytesItArrivedAs() throws Exception {
    Path file = dir.resolve("access.log");
    AccessLog log = AccessLog.open(Optional.of(file), Observability.DEFAULT);
    try {
      // Netty reads the request line as ISO-8859-1: the byte 0xE9 on the wire is the char U+00E9.
      log.record(System.currentTimeMillis(), "127.0.0.1", "TCP_MISS", 200, 1, "GET",
          "http://origin.test/caf\u00e9", "HIER_DIRECT/127.0.0.1", "text/plain");
    } finally {
      log.close();
    }
    byte[] written = Files.readAllBytes(file);
    byte[] expected = {'/', 'c', 'a', 'f', (byte) 0xE9, ' '};
    assertThat(indexOf(written, expected)).as("the URL's bytes, unchanged").isNotNegative();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  @Test
  void linesBeyondWhatTheWriterHoldsAreDroppedCountedAndReported() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(AccessLog.class);
    ListAppender<ILoggingEvent> warnings = new ListAppender<>();
    warnings.start();
    logger.addAppender(warnings);
    Path file = dir.resolve("access.log");
    int recorded = 20_000;
    try {
      // The writer hands lines on every FLUSH_MILLIS; 20,000 lines arrive far faster than that.
      AccessLog log = AccessLog.open(Optional.of(file), Observability.DEFAULT, 100);
      try {
        for (int i = 0; i < recorded; i++) {
          record(log, i);
        }
      } finally {
        log.close();
      }
    } finally {
      logger.detachAppender(warnings);
    }
    long reported = 0;
    for (ILoggingEvent event : warnings.list) {
      Matcher m = DROPPED.matcher(event.getFormattedMessage());
      if (m.find()) {
        reported += Long.parseLong(m.group(1));
      }
    }
    List<String> written = Files.readAllLines(file);
    assertThat(reported).as("dropped lines are reported").isPositive();
    assertThat(written.size() + reported).as("every line is either written or counted as dropped").isEqualTo(recorded);
    assertThat(written.get(0)).as("the lines that fit are the first ones").contains("/line/0 ");
  }

  private static void record(AccessLog log, int i) {
    log.record(System.currentTimeMillis(), "127.0.0.1", "TCP_MISS", 200, 1234, "GET",
        "http://origin.test/line/" + i, "HIER_DIRECT/127.0.0.1", "text/plain");
  }
}
