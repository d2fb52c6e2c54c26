package dev.cachalot.proxy;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --trace} log: one readable line per event of a request's life, through the logger
 * {@value #NAME}, which is OFF unless the flag turns it on. Callers test {@link #on()} before
 * building a line, so a disabled trace costs one volatile read per event.
 */
final class Trace {

  static final String NAME = "cachalot.trace";
  private static final Logger log = LoggerFactory.getLogger(NAME);

  private Trace() {}

  static boolean on() {
    return log.isInfoEnabled();
  }

  static void event(String format, Object... args) {
    log.info(format, args);
  }

  /** A message head on one line: {@code GET /x HTTP/1.1 | Host: a | Accept: *}{@code /*}. */
  static String head(io.netty.handler.codec.http.HttpMessage message) {
    StringBuilder line = new StringBuilder(128);
    if (message instanceof io.netty.handler.codec.http.HttpRequest request) {
      line.append(request.method()).append(' ').append(request.uri()).append(' ').append(request.protocolVersion());
    } else if (message instanceof io.netty.handler.codec.http.HttpResponse response) {
      line.append(response.protocolVersion()).append(' ').append(response.status());
    }
    for (java.util.Map.Entry<String, String> field : message.headers()) {
      // Credentials and cookies stay out of logs: a trace is often pasted into a bug report.
      String name = field.getKey();
      boolean secret = name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Proxy-Authorization")
          || name.equalsIgnoreCase("Cookie") || name.equalsIgnoreCase("Set-Cookie");
      line.append(" | ").append(name).append(": ").append(secret ? "(hidden)" : field.getValue());
    }
    return line.toString();
  }

  static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }
}
