package dev.cachalot.proxy;

import dev.cachalot.trace.WireTrace;

/**
 * The {@code --trace} log: one readable line per event of a request's life, through the logger
 * {@value #NAME} (see {@link WireTrace}, which the other commands share), which is OFF unless the flag turns it on. Callers test {@link #on()} before
 * building a line, so a disabled trace costs one volatile read per event.
 */
final class Trace {

  static final String NAME = WireTrace.NAME;

  private Trace() {}

  static boolean on() {
    return WireTrace.on();
  }

  static void event(String format, Object... args) {
    WireTrace.event(format, args);
  }

  /** A message head on one line: {@code GET /x HTTP/1.1 | Host: a | Accept: *}{@code /*}. */
  static String head(io.netty.handler.codec.http.HttpMessage message) {
    return WireTrace.head(message);
  }

  static long millisSince(long startNanos) {
    return WireTrace.millisSince(startNanos);
  }
}
