package dev.cachalot.cache;

import java.time.Instant;
import java.util.Objects;

/**
 * What the store keeps next to the body: the response head as stored, the request header fields
 * that Vary may name (RFC 9111 §4.1), and the two clock readings the age calculation needs
 * (RFC 9111 §4.2.3: request_time and response_time, both on the cache's own clock).
 */
public record StoredResponse(ResponseHead head, Headers requestHeaders, Instant requestTime, Instant responseTime) {
  public StoredResponse {
    Objects.requireNonNull(head, "head");
    Objects.requireNonNull(requestHeaders, "requestHeaders");
    Objects.requireNonNull(requestTime, "requestTime");
    Objects.requireNonNull(responseTime, "responseTime");
    if (responseTime.isBefore(requestTime)) {
      throw new IllegalArgumentException(
          "responseTime " + responseTime + " is before requestTime " + requestTime);
    }
  }

  public Headers headers() {
    return head.headers();
  }
}
