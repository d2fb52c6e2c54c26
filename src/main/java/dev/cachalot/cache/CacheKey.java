package dev.cachalot.cache;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;

/**
 * The primary cache key (RFC 9111 §2): the target URI, normalised so that equivalent spellings
 * (RFC 9110 §4.2.3: case-insensitive scheme and host, default port, empty path = "/") share an
 * entry. The method is not part of the key: only GET responses are stored, and HEAD is answered
 * from them. The fragment is never sent, so it is dropped.
 */
public record CacheKey(String value) {

  public CacheKey {
    Objects.requireNonNull(value, "value");
  }

  public static CacheKey of(RequestHead request) {
    return of(request.uri());
  }

  /** @throws IllegalArgumentException when the URI is not absolute http(s) with a host */
  public static CacheKey of(String absoluteUri) {
    return new CacheKey(normalise(parse(absoluteUri)));
  }

  /**
   * The key of an http(s) URI already taken apart by a URI parser: the same value as
   * {@link #of(String)} gives for it, without parsing it a second time on every request.
   *
   * @param host the host as parsed, an IPv6 literal with or without its brackets
   * @param rawPathAndQuery the raw (still percent-encoded) path, with "?" and the raw query if there is one
   */
  public static CacheKey of(String scheme, String host, int port, String rawPathAndQuery) {
    String s = scheme.toLowerCase(Locale.ROOT);
    StringBuilder sb = new StringBuilder(s.length() + host.length() + rawPathAndQuery.length() + 12).append(s)
        .append("://");
    boolean bracket = host.indexOf(':') >= 0 && !host.startsWith("[");
    if (bracket) {
      sb.append('[');
    }
    sb.append(host.toLowerCase(Locale.ROOT));
    if (bracket) {
      sb.append(']');
    }
    if (port != defaultPort(s)) {
      sb.append(':').append(port);
    }
    sb.append(rawPathAndQuery.isEmpty() ? "/" : rawPathAndQuery);
    return new CacheKey(sb.toString());
  }

  static URI parse(String absoluteUri) {
    URI u;
    try {
      u = new URI(absoluteUri);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI: " + absoluteUri, e);
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") || u.getHost() == null) {
      throw new IllegalArgumentException("expected an absolute http(s) URI with a host, got " + absoluteUri);
    }
    return u;
  }

  static String normalise(URI u) {
    String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
    String pathAndQuery = u.getRawQuery() == null ? path : path + "?" + u.getRawQuery();
    return of(u.getScheme(), u.getHost(), effectivePort(u), pathAndQuery).value();
  }

  static int effectivePort(URI u) {
    return u.getPort() >= 0 ? u.getPort() : defaultPort(u.getScheme().toLowerCase(Locale.ROOT));
  }

  private static int defaultPort(String scheme) {
    return scheme.equals("https") ? 443 : 80;
  }

  @Override
  public String toString() {
    return value;
  }
}
