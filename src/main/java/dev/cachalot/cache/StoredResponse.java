package dev.cachalot.cache;

import dev.cachalot.http.CacheControl;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the store keeps next to the body: the response head as stored, the request header fields
 * that Vary may name (RFC 9111 §4.1), and the two clock readings the age calculation needs
 * (RFC 9111 §4.2.3: request_time and response_time, both on the cache's own clock).
 *
 * <p>An immutable value like a record, except that it remembers what every hit would otherwise
 * parse again: the response's Cache-Control directives, its date_value and its corrected initial
 * age. They are pure functions of the fields, computed on first use; a race computes them twice
 * and keeps either equal result.
 */
public final class StoredResponse {

  private final ResponseHead head;
  private final Headers requestHeaders;
  private final Instant requestTime;
  private final Instant responseTime;

  private CacheControl directives;
  private Instant dateValue;
  private Duration correctedInitialAge;

  public StoredResponse(ResponseHead head, Headers requestHeaders, Instant requestTime, Instant responseTime) {
    this.head = Objects.requireNonNull(head, "head");
    this.requestHeaders = Objects.requireNonNull(requestHeaders, "requestHeaders");
    this.requestTime = Objects.requireNonNull(requestTime, "requestTime");
    this.responseTime = Objects.requireNonNull(responseTime, "responseTime");
    if (responseTime.isBefore(requestTime)) {
      throw new IllegalArgumentException(
          "responseTime " + responseTime + " is before requestTime " + requestTime);
    }
  }

  public ResponseHead head() {
    return head;
  }

  public Headers requestHeaders() {
    return requestHeaders;
  }

  public Instant requestTime() {
    return requestTime;
  }

  public Instant responseTime() {
    return responseTime;
  }

  public Headers headers() {
    return head.headers();
  }

  /** The response's Cache-Control directives (RFC 9111 §5.2). */
  public CacheControl directives() {
    CacheControl d = directives;
    if (d == null) {
      d = CacheControl.of(head.headers());
      directives = d;
    }
    return d;
  }

  /** date_value (RFC 9111 §4.2.3), see {@link Freshness#dateValue(StoredResponse)}. */
  Instant dateValue() {
    Instant d = dateValue;
    if (d == null) {
      d = Freshness.parseDateValue(this);
      dateValue = d;
    }
    return d;
  }

  /** corrected_initial_age (RFC 9111 §4.2.3), see {@link Freshness#currentAge(StoredResponse, Instant)}. */
  Duration correctedInitialAge() {
    Duration a = correctedInitialAge;
    if (a == null) {
      a = Freshness.correctedInitialAge(this);
      correctedInitialAge = a;
    }
    return a;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredResponse other && head.equals(other.head) && requestHeaders.equals(other.requestHeaders)
        && requestTime.equals(other.requestTime) && responseTime.equals(other.responseTime);
  }

  @Override
  public int hashCode() {
    return Objects.hash(head, requestHeaders, requestTime, responseTime);
  }

  @Override
  public String toString() {
    return "StoredResponse[head=" + head + ", requestHeaders=" + requestHeaders + ", requestTime=" + requestTime
        + ", responseTime=" + responseTime + "]";
  }
}
