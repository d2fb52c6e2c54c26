package dev.cachalot.cache;

import dev.cachalot.http.CacheControl;
import java.time.Duration;

/** The Age field a cache sends (RFC 9111 §5.1): whole seconds, never negative, at most 2^31 (§1.2.2). */
public final class AgeHeader {

  private AgeHeader() {
  }

  public static String format(Duration age) {
    long s = Math.max(0, age.getSeconds());
    return Long.toString(Math.min(s, CacheControl.DELTA_SECONDS_CAP));
  }
}
