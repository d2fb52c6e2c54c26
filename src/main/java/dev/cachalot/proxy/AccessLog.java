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
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;

/**
 * One line per request in Squid's native format
 * ({@code time elapsed client result/status bytes method URL - hierarchy/peer type}) or Apache's
 * combined format, written by Logback on its own thread so that no event loop waits for the disk.
 * Every finished request passes here, so this is also where the {@link ProxyListener} hears of it.
 */
final class AccessLog implements AutoCloseable {

  private static final DateTimeFormatter COMBINED_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

  private final Logger logger;
  private final AsyncAppender async;
  private final ProxyListener listener;
  private final AccessLogFormat format;

  private AccessLog(Logger logger, AsyncAppender async, ProxyListener listener, AccessLogFormat format) {
    this.logger = logger;
    this.async = async;
    this.listener = listener;
    this.format = format;
  }

  static AccessLog open(Optional<Path> file) {
    return open(file, Observability.DEFAULT);
  }

  static AccessLog open(Optional<Path> file, Observability observability) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    PatternLayoutEncoder encoder = new PatternLayoutEncoder();
    encoder.setContext(context);
    encoder.setPattern("%msg%n");
    encoder.start();

    OutputStreamAppender<ILoggingEvent> sink;
    AccessLogRotation rotation = observability.accessLogRotation();
    if (file.isPresent() && rotation.kind() != AccessLogRotation.Kind.NONE) {
      sink = rolling(context, file.get().toString(), rotation);
    } else if (file.isPresent()) {
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
    return new AccessLog(logger, async, observability.listener(), observability.accessLogFormat());
  }

  /**
   * A file appender that rolls {@code name} over to {@code name.1 .. name.keep} past a size, or to
   * {@code name.yyyy-MM-dd} at midnight keeping {@code keep} days. The size is checked every
   * {@value #SIZE_CHECK_MILLIS} ms, so a file may pass the limit by what is written in that time.
   */
  static final long SIZE_CHECK_MILLIS = 250;

  private static RollingFileAppender<ILoggingEvent> rolling(LoggerContext context, String name,
      AccessLogRotation rotation) {
    RollingFileAppender<ILoggingEvent> appender = new RollingFileAppender<>();
    appender.setContext(context);
    appender.setFile(name);
    appender.setAppend(true);
    if (rotation.kind() == AccessLogRotation.Kind.SIZE) {
      FixedWindowRollingPolicy policy = new FixedWindowRollingPolicy();
      policy.setContext(context);
      policy.setParent(appender);
      policy.setFileNamePattern(name + ".%i");
      policy.setMinIndex(1);
      policy.setMaxIndex(rotation.keep());
      policy.start();
      SizeBasedTriggeringPolicy<ILoggingEvent> trigger = new SizeBasedTriggeringPolicy<>();
      trigger.setContext(context);
      trigger.setMaxFileSize(new FileSize(rotation.maxBytes()));
      // Logback's default looks at the size once a minute, long enough for a busy proxy to write far
      // past the limit; a stat four times a second costs nothing on the access log's own thread.
      trigger.setCheckIncrement(ch.qos.logback.core.util.Duration.buildByMilliseconds(SIZE_CHECK_MILLIS));
      trigger.start();
      appender.setRollingPolicy(policy);
      appender.setTriggeringPolicy(trigger);
    } else {
      TimeBasedRollingPolicy<ILoggingEvent> policy = new TimeBasedRollingPolicy<>();
      policy.setContext(context);
      policy.setParent(appender);
      policy.setFileNamePattern(name + ".%d{yyyy-MM-dd}");
      policy.setMaxHistory(rotation.keep());
      policy.start();
      appender.setRollingPolicy(policy);
    }
    return appender;
  }

  /** As {@link #record(long, String, String, int, long, String, String, String, String)}, with the request's fields. */
  void record(long startMillis, String client, String result, int status, long bytes, HttpRequest request,
      String hierarchy, String contentType) {
    if (format == AccessLogFormat.COMBINED) {
      long now = System.currentTimeMillis();
      listener.requestFinished(new ProxyListener.Finished(startMillis, now, client, request.method().name(),
          request.uri(), status, result, bytes, hierarchy));
      if (logger.isInfoEnabled()) {
        logger.info(combined(now, client, status, bytes, request.method().name() + " " + request.uri() + " "
            + request.protocolVersion().text(), request.headers().get(HttpHeaderNames.REFERER),
            request.headers().get(HttpHeaderNames.USER_AGENT)));
      }
      return;
    }
    record(startMillis, client, result, status, bytes, request.method().name(), request.uri(), hierarchy, contentType);
  }

  /** {@code client - - [10/Oct/2000:13:55:36 -0700] "GET /x HTTP/1.1" 200 2326 "referer" "agent"}. */
  static String combined(long now, String client, int status, long bytes, String requestLine, String referer,
      String userAgent) {
    return client + " - - [" + COMBINED_TIME.format(Instant.ofEpochMilli(now)) + "] \""
        + quoted(requestLine) + "\" " + (status < 100 ? "000" : Integer.toString(status)) + " "
        + (bytes > 0 ? Long.toString(bytes) : "-") + " \"" + (referer == null ? "-" : quoted(referer)) + "\" \""
        + (userAgent == null ? "-" : quoted(userAgent)) + "\"";
  }

  private static String quoted(String value) {
    return value.replace("\\", "\\\\").replace("\"", "\\\"");
  }

  /** Logs one finished request; {@code result} is Squid's code such as TCP_MISS or TCP_HIT. */
  void record(long startMillis, String client, String result, int status, long bytes, String method,
      String url, String hierarchy, String contentType) {
    long now = System.currentTimeMillis();
    listener.requestFinished(new ProxyListener.Finished(startMillis, now, client, method, url, status, result, bytes,
        hierarchy));
    if (!logger.isInfoEnabled()) {
      return;
    }
    if (format == AccessLogFormat.COMBINED) {
      logger.info(combined(now, client, status, bytes, method + " " + url + " HTTP/1.1", null, null));
      return;
    }
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
