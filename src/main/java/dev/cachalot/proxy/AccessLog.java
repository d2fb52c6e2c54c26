package dev.cachalot.proxy;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.encoder.EncoderBase;
import ch.qos.logback.core.rolling.FixedWindowRollingPolicy;
import ch.qos.logback.core.rolling.RollingFileAppender;
import ch.qos.logback.core.rolling.SizeBasedTriggeringPolicy;
import ch.qos.logback.core.rolling.TimeBasedRollingPolicy;
import ch.qos.logback.core.util.FileSize;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.FastThreadLocal;
import io.netty.util.internal.ThreadExecutorMap;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Optional;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.LoggerFactory;

/**
 * One line per request in Squid's native format
 * ({@code time elapsed client result/status bytes method URL - hierarchy/peer type}) or Apache's
 * combined format. Every finished request passes here, so this is also where the
 * {@link ProxyListener} hears of it.
 *
 * <p>An event loop only formats its line and adds it to its batch, which it queues for the writer
 * once its current round of I/O is over (or at {@value #BATCH_LINES} lines); a writer thread hands
 * what has queued to Logback every {@value #FLUSH_MILLIS} ms, about {@value #CHUNK_CHARS}
 * characters to an event, as nginx's {@code access_log buffer= flush=} does. Logging each line
 * through Logback's AsyncAppender cost a third of the hit throughput on one core: a queue hand-off
 * that woke the writer, an event object and a write(2) per request; queueing each line on its own
 * still took the queue's lock twice per request. When the disk cannot keep up, lines beyond
 * {@value #PENDING_LIMIT} are dropped and counted rather than held in memory or allowed to stall an
 * event loop.
 */
final class AccessLog implements AutoCloseable {

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(AccessLog.class);

  /** How long a line may wait before it reaches the log's sink. */
  static final long FLUSH_MILLIS = 100;
  static final int PENDING_LIMIT = 1 << 16;
  /** An event loop queues its batch once it holds this many lines, even in the middle of a round. */
  static final int BATCH_LINES = 64;
  /** About how much text the writer hands on at once before it lets other threads run. */
  static final int CHUNK_CHARS = 1 << 15;

  private static final DateTimeFormatter COMBINED_TIME =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT).withZone(ZoneId.systemDefault());

  private final Logger logger;
  private final OutputStreamAppender<ILoggingEvent> sink;
  private final ProxyListener listener;
  private final AccessLogFormat format;
  private final Queue<Batch> pending = new ConcurrentLinkedQueue<>();
  /** Lines in {@link #pending}: the writer's backlog, bounded by {@code pendingLimit}. */
  private final AtomicInteger pendingLines = new AtomicInteger();
  private final int pendingLimit;
  private final FastThreadLocal<Batch> batches = new FastThreadLocal<>() {
    @Override
    protected Batch initialValue() {
      return new Batch();
    }
  };
  /** Queues the calling loop's batch; one instance, not a new method reference per round. */
  private final Runnable queueBatchOfThisLoop = this::queueBatchOfThisLoop;
  private final LongAdder dropped = new LongAdder();
  private final Thread writer;
  private volatile boolean closed;

  private AccessLog(Logger logger, OutputStreamAppender<ILoggingEvent> sink, ProxyListener listener,
      AccessLogFormat format, int pendingLimit) {
    this.pendingLimit = pendingLimit;
    this.logger = logger;
    this.sink = sink;
    this.listener = listener;
    this.format = format;
    this.writer = new Thread(this::writeUntilClosed, "cachalot-access-log");
    writer.setDaemon(true);
    writer.start();
  }

  static AccessLog open(Optional<Path> file) {
    return open(file, Observability.DEFAULT);
  }

  static AccessLog open(Optional<Path> file, Observability observability) {
    return open(file, observability, PENDING_LIMIT);
  }

  /** As {@link #open(Optional, Observability)}, holding at most {@code pendingLimit} lines for the writer. */
  static AccessLog open(Optional<Path> file, Observability observability, int pendingLimit) {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    LinesEncoder encoder = new LinesEncoder();
    encoder.setContext(context);
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

    Logger logger = context.getLogger("cachalot.access");
    logger.detachAndStopAllAppenders();
    logger.setAdditive(false);
    logger.setLevel(Level.INFO);
    logger.addAppender(sink);
    return new AccessLog(logger, sink, observability.listener(), observability.accessLogFormat(), pendingLimit);
  }

  private void writeUntilClosed() {
    StringBuilder text = new StringBuilder(CHUNK_CHARS + BATCH_LINES * 160);
    boolean last = false;
    while (!last) {
      last = closed;
      if (!last) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(FLUSH_MILLIS));
      }
      Batch next;
      while ((next = pending.poll()) != null) {
        pendingLines.addAndGet(-next.count);
        text.append(next.lines);
        if (text.length() >= CHUNK_CHARS || pending.isEmpty()) {
          logger.info(text.toString());
          text.setLength(0);
          // A busy proxy queues thousands of lines in FLUSH_MILLIS. Written in one go they took this
          // thread 0.5-2 ms, and an event loop sharing its core waited that long for every request
          // in flight; a yield between chunks gives the loop the core back.
          Thread.yield();
        }
      }
      long lost = dropped.sumThenReset();
      if (lost > 0) {
        log.warn("access log: {} lines dropped, the log's disk did not keep up", lost);
      }
    }
  }

  private void enqueue(String line) {
    EventExecutor loop = ThreadExecutorMap.currentExecutor();
    if (loop == null) {
      queue(new Batch().add(line));
      return;
    }
    Batch batch = batches.get();
    if (batch.add(line).count >= BATCH_LINES) {
      batches.remove();
      queue(batch);
    } else if (batch.count == 1) {
      try {
        loop.execute(queueBatchOfThisLoop);
      } catch (RejectedExecutionException shuttingDown) {
        queueBatchOfThisLoop();
      }
    }
  }

  /** Runs on the event loop after the round of I/O whose requests filled its batch. */
  private void queueBatchOfThisLoop() {
    Batch batch = batches.get();
    batches.remove();
    if (batch.count > 0) {
      queue(batch);
    }
  }

  private void queue(Batch batch) {
    if (pendingLines.addAndGet(batch.count) > pendingLimit) {
      pendingLines.addAndGet(-batch.count);
      dropped.add(batch.count);
      return;
    }
    pending.add(batch);
  }

  /** Lines one event loop logged since its batch was last queued, each ending in a newline. */
  private static final class Batch {
    final StringBuilder lines = new StringBuilder(160);
    int count;

    Batch add(String line) {
      lines.append(line).append('\n');
      count++;
      return this;
    }
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
        enqueue(combined(now, client, status, bytes, request.method().name() + " " + request.uri() + " "
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
      enqueue(combined(now, client, status, bytes, method + " " + url + " HTTP/1.1", null, null));
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
    enqueue(line.toString());
  }

  /**
   * Writes an event's message as it is: the writer's events are whole lines, each ending in a newline
   * (a pattern layout copied every chunk twice more only to append one). ISO-8859-1 gives back the
   * bytes the fields arrived as, since Netty reads request lines and header values that way.
   */
  private static final class LinesEncoder extends EncoderBase<ILoggingEvent> {
    @Override
    public byte[] headerBytes() {
      return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
      return event.getMessage().getBytes(StandardCharsets.ISO_8859_1);
    }

    @Override
    public byte[] footerBytes() {
      return null;
    }
  }

  @Override
  public void close() {
    closed = true;
    LockSupport.unpark(writer);
    try {
      writer.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    logger.detachAppender(sink);
    sink.stop();
  }
}
