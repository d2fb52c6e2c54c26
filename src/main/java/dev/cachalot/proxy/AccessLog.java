package dev.cachalot.proxy;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * One line per request in Squid's native format
 * ({@code time elapsed client result/status bytes method URL - hierarchy/peer type}), written by
 * Logback on its own thread so that no event loop waits for the disk.
 */
final class AccessLog implements AutoCloseable {

  private final Logger logger;
  private final AsyncAppender async;

  private AccessLog(Logger logger, AsyncAppender async) {
    this.logger = logger;
    this.async = async;
  }

  static AccessLog open(Optional<Path> file) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();

    OutputStreamAppender<ILoggingEvent> sink;
    if (file.isPresent()) {
      FileAppender<ILoggingEvent> fileAppender = new FileAppender<>();
      fileAppender.setFile(file.get().toString());
      fileAppender.setAppend(true);
      sink = fileAppender;
    } else {
      sink = new ConsoleAppender<>();
    }
    sink.setContext(context);
    sink.setName("access-sink");
    sink.setEncoder(encoder);
    sink.start();

    AsyncAppender async = new AsyncAppender();
    async.setContext(context);
    async.setName("access");
    async.setQueueSize(8192);
    async.setDiscardingThreshold(0);
    async.setNeverBlock(true);
    async.addAppender(sink);
    async.start();

    Logger logger = context.getLogger("cachalot.access");
    logger.detachAndStopAllAppenders();
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(async);
    return new AccessLog(logger, async);
  }

  /** Logs one finished request; {@code result} is Squid's code such as TCP_MISS or TCP_HIT. */
  void record(long startMillis, String client, String result, int status, long bytes, String method,
      String url, String hierarchy, String contentType) {
    if (!logger.isInfoEnabled()) {
      return;
    }
    long now = System.currentTimeMillis();
    StringBuilder line = new StringBuilder(160);
    line.append(now / 1000).append('.');
    long millis = now % 1000;
    if (millis < 100) {
      line.append('0');
    }
    if (millis < 10) {
      line.append('0');
    }
    line.append(millis).append(' ');
    String elapsed = Long.toString(now - startMillis);
    for (int pad = elapsed.length(); pad < 6; pad++) {
      line.append(' ');
    }
    line.append(elapsed).append(' ')
        .append(client).append(' ')
        .append(result).append('/').append(status < 100 ? "000" : Integer.toString(status)).append(' ')
        .append(bytes).append(' ')
        .append(method).append(' ')
        .append(url).append(" - ")
        .append(hierarchy).append(' ')
        .append(contentType == null || contentType.isEmpty() ? "-" : contentType.replace(' ', '+'));
    logger.info(line.toString());
  }

  @Override
  public void close() {
    logger.detachAppender(async);
    async.stop();
  }
}
