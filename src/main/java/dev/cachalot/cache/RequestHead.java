package dev.cachalot.cache;

import java.util.Objects;

/** A request's method, absolute target URI and header fields. The method is case-sensitive (RFC 9110 §9.1). */
public record RequestHead(String method, String uri, Headers headers) {
  public RequestHead {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(uri, "uri");
    Objects.requireNonNull(headers, "headers");
  }

  public static RequestHead get(String uri, String... headerPairs) {
    return new RequestHead("GET", uri, Headers.of(headerPairs));
  }

  /** GET or HEAD: the methods whose responses this cache looks up (RFC 9111 §4). */
  public boolean isGetOrHead() {
    return method.equals("GET") || method.equals("HEAD");
  }
}
