package dev.cachalot.cache;

import java.util.Objects;

/** A response's status, reason phrase and header fields. */
public record ResponseHead(int status, String reason, Headers headers) {
  public ResponseHead {
    if (status < 100 || status > 999) {
      throw new IllegalArgumentException("status must be a three-digit code, got " + status);
    }
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(headers, "headers");
  }

  public static ResponseHead of(int status, String... headerPairs) {
    return new ResponseHead(status, "", Headers.of(headerPairs));
  }

  public ResponseHead withHeaders(Headers newHeaders) {
    return new ResponseHead(status, reason, newHeaders);
  }
}
