package dev.cachalot.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import dev.cachalot.trace.WireTrace;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * `--trace` for fetch and the sentence tools: what happened on the wire (DNS, connect, bytes and
 * datagrams each way, timings), one line per event through the logger cachalot.trace, as the
 * proxy's --trace. A server's trace goes to stdout between its lab lines; a client's goes to
 * stderr, as curl -v's does, so stdout stays the reply or the page.
 */
final class TraceOptions {

  @Option(names = "--trace",
      description = "Show what happens on the wire, one line per event with timings (logger cachalot.trace): "
          + "DNS lookup, TCP connect or UDP's lack of one, bytes and datagrams each way. Clients write it to stderr.")
  boolean trace;

  /** Turns the trace on for a server: its lines go where the server's own lines go. */
  void applyForServer() {
    if (trace) {
      logger().setLevel(Level.INFO);
    }
  }

  /** Turns the trace on for a client: its lines go to stderr only. */
  void applyForClient() {
    if (!trace) {
      return;
    }
    Logger logger = logger();
    if (logger.getAppender("trace-stderr") == null) {
      LoggerContext context = logger.getLoggerContext();
      PatternLayoutEncoder encoder = new PatternLayoutEncoder();
      encoder.setContext(context);
      encoder.setPattern("* %msg%n");
      encoder.start();
      ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
      stderr.setContext(context);
      stderr.setName("trace-stderr");
      stderr.setTarget("System.err");
      stderr.setEncoder(encoder);
      stderr.start();
      logger.addAppender(stderr);
    }
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
  }

  private static Logger logger() {
    return (Logger) LoggerFactory.getLogger(WireTrace.NAME);
  }
}
