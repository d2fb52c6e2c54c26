package dev.cachalot.sentence;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/** Collects the formatted messages one logger writes, for asserting on a server's log lines. */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final Logger logger;
  private final List<String> lines = new CopyOnWriteArrayList<>();

  private LogCapture(Logger logger) {
    this.logger = logger;
  }

  public static LogCapture of(Class<?> loggerClass) {
    return of(loggerClass.getName());
  }

  /** Captures a logger by name, e.g. "cachalot.trace". */
  public static LogCapture of(String loggerName) {
    Logger logger = (Logger) LoggerFactory.getLogger(loggerName);
    LogCapture capture = new LogCapture(logger);
    capture.setContext(logger.getLoggerContext());
    capture.start();
    logger.addAppender(capture);
    return capture;
  }

  /** Silences a logger's INFO lines while a load test runs: 30,000 lines would slow it and bury the report. */
  public static AutoCloseable quiet(Class<?> loggerClass) {
    Logger logger = (Logger) LoggerFactory.getLogger(loggerClass);
    Level saved = logger.getLevel();
    logger.setLevel(Level.WARN);
    return () -> logger.setLevel(saved);
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.add(event.getFormattedMessage());
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** The server logs "Sent" once the write completes, which may be after the client has its reply. */
  public List<String> awaitLines(int count, Duration within) throws InterruptedException {
    long deadline = System.nanoTime() + within.toNanos();
    while (lines.size() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return lines();
  }

  @Override
  public void close() {
    logger.detachAppender(this);
    stop();
  }
}
