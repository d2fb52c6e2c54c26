package dev.cachalot.cache;

import dev.cachalot.http.HttpDates;
import java.time.Duration;
import java.time.Instant;

/** Test values: time is passed explicitly, starting at {@link #T0}. */
final class Fixtures {

  static final Instant T0 = Instant.parse("2026-03-01T12:00:00Z");
  static final String URI = "http://example.com/a";
  static final CacheConfig CFG = CacheConfig.DEFAULT;

  private Fixtures() {
  }

  static String date(long secondsFromT0) {
    return HttpDates.format(T0.plusSeconds(secondsFromT0));
  }

  static Instant at(long secondsFromT0) {
    return T0.plusSeconds(secondsFromT0);
  }

  /** Received at T0 in no time, with {@code Date: T0} unless the pairs give a Date. */
  static StoredResponse stored(int status, String... headerPairs) {
    Headers h = Headers.of(headerPairs);
    if (!h.contains("Date")) {
      h = h.plus("Date", date(0));
    }
    return new StoredResponse(new ResponseHead(status, "", h), Headers.EMPTY, T0, T0);
  }

  static StoredResponse stored(String... headerPairs) {
    return stored(200, headerPairs);
  }

  static StoredResponse storedWithoutDate(int status, String... headerPairs) {
    return new StoredResponse(ResponseHead.of(status, headerPairs), Headers.EMPTY, T0, T0);
  }

  static RequestHead get(String... headerPairs) {
    return RequestHead.get(URI, headerPairs);
  }

  static long seconds(Duration d) {
    return d.getSeconds();
  }
}
