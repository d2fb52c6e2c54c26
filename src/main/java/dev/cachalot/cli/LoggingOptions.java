package dev.cachalot.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.OutputStreamAppender;
import java.util.Iterator;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** `--quiet` and `--verbose`, mixed into every command. */
public final class LoggingOptions {

  private static volatile boolean verbose;

  @Option(names = {"-q", "--quiet"}, description = "Print only warnings and errors.")
  void quiet(boolean quiet) {
    if (quiet) {
      setRootLevel(Level.WARN);
    }
  }

  @Option(names = {"-v", "--verbose"}, description = "Print debug logs and stack traces for errors.")
  void verbose(boolean on) {
    verbose = on;
    if (on) {
      setRootLevel(Level.DEBUG);
      ((Logger) LoggerFactory.getLogger("io.netty")).setLevel(Level.INFO);
      ((Logger) LoggerFactory.getLogger("io.lettuce")).setLevel(Level.INFO);
      showStackTraces();
    }
  }

  static boolean isVerbose() {
    return verbose;
  }

  private static void showStackTraces() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    for (Iterator<Appender<ILoggingEvent>> it = root.iteratorForAppenders(); it.hasNext(); ) {
      if (it.next() instanceof OutputStreamAppender<ILoggingEvent> appender
          && appender.getEncoder() instanceof PatternLayoutEncoder encoder) {
        PatternLayoutEncoder withTraces = new PatternLayoutEncoder();
        withTraces.setContext(encoder.getContext());
        withTraces.setPattern(encoder.getPattern().replace("%nopex", "%ex"));
        withTraces.start();
        appender.setEncoder(withTraces);
      }
    }
  }

  private static void setRootLevel(Level level) {
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(level);
  }
}
