package dev.cachalot.proxy;

import dev.cachalot.cache.CacheKey;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * The origin a forwarded request goes to, from its absolute-form target (RFC 9112 §3.2.2).
 * {@code hostHeader}, {@code absoluteUri} and {@code forwardKey} follow from the other components;
 * they are made once, when the target is, since a remembered target serves every hit on its URI.
 *
 * @param hostField the client's Host, kept for the origin (reverse mode), or null
 * @param hostHeader the Host field value for the origin
 * @param absoluteUri the URI the cache files this request under
 * @param forwardKey the cache key of a target without {@code hostField}, or null
 */
record Target(String scheme, String host, int port, String pathAndQuery, String hostField, String hostHeader,
    String absoluteUri, CacheKey forwardKey) {

  private static final int REMEMBERED_LENGTH = 512;
  private static final PerThreadMemo<String, Target> PARSED = PerThreadMemo.byValue(1024, Target::parse);

  Target(String scheme, String host, int port, String pathAndQuery) {
    this(scheme, host, port, pathAndQuery, null);
  }

  Target(String scheme, String host, int port, String pathAndQuery, String hostField) {
    this(scheme, host, port, pathAndQuery, hostField, hostHeader(scheme, host, port, hostField));
  }

  private Target(String scheme, String host, int port, String pathAndQuery, String hostField, String hostHeader) {
    this(scheme, host, port, pathAndQuery, hostField, hostHeader, scheme + "://" + hostHeader + pathAndQuery,
        hostField == null ? CacheKey.of(scheme, host, port, pathAndQuery) : null);
  }

  /**
   * Reverse-proxy mode: an origin-form target (or an absolute-form one, whose authority then stands
   * for Host, RFC 9112 §3.2.2) goes to the origin configured for its Host. The client's Host is kept
   * (and files the response in the cache) unless the routes rewrite it to the origin's authority.
   *
   * @throws IllegalArgumentException when the target or Host is malformed
   * @throws java.util.NoSuchElementException when no origin serves this Host
   */
  static Target reverse(String requestTarget, String hostField, ReverseRoutes routes) {
    String path = requestTarget;
    String host = hostField;
    if (!requestTarget.startsWith("/")) {
      Target absolute = parse(requestTarget);
      path = absolute.pathAndQuery();
      host = absolute.hostHeader();
    } else if (requestTarget.startsWith("//")) {
      throw new IllegalArgumentException("invalid request target: " + requestTarget);
    }
    if (host != null && (host.isEmpty() || !host.matches("[A-Za-z0-9._~!$&'()*+,;=:\\[\\]-]+"))) {
      throw new IllegalArgumentException("invalid Host: " + host);
    }
    try {
      new URI("http://" + (host == null ? "x" : host) + path).getRawPath();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid request target: " + e.getMessage());
    }
    ReverseRoutes.Origin origin = routes.route(host).orElseThrow();
    String field = host == null || routes.rewriteHost() ? null : host;
    return new Target("http", origin.host(), origin.port(), path, field);
  }

  /**
   * As {@link #parse}, remembered per event loop for targets up to {@value #REMEMBERED_LENGTH}
   * characters: every hit's target comes back, and java.net.URI was the largest single cost of a hit.
   */
  static Target parseRemembered(String requestTarget) {
    return requestTarget.length() <= REMEMBERED_LENGTH ? PARSED.get(requestTarget) : parse(requestTarget);
  }

  static Target parse(String requestTarget) {
    URI uri;
    try {
      uri = new URI(requestTarget);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("invalid request target: " + e.getMessage());
    }
    if (!uri.isAbsolute() || uri.getRawAuthority() == null) {
      throw new IllegalArgumentException("a proxy needs an absolute URL as request target "
          + "(GET http://host/path HTTP/1.1), got: " + requestTarget);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new IllegalArgumentException("no host in request target: " + requestTarget);
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int port = uri.getPort() >= 0 ? uri.getPort() : "https".equals(scheme) ? 443 : 80;
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery();
    return new Target(scheme, host.toLowerCase(Locale.ROOT), port, query == null ? path : path + "?" + query);
  }

  OriginKey originKey() {
    return new OriginKey(host, port);
  }

  /**
   * In reverse mode with the client's Host kept, an origin that names itself in Location or
   * Content-Location (http://127.0.0.1:9000/x) is rewritten to the address the client used, as
   * Apache's ProxyPassReverse does: the client can follow it, and invalidation (RFC 9111 §4.4)
   * sees the same origin as the cache key.
   */
  void rewriteSelfReferences(HttpHeaders headers) {
    if (hostField == null) {
      return;
    }
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    String originPrefix = "http://" + h + ":" + port;
    String originDefault = port == 80 ? "http://" + h : null;
    for (String name : new String[] {"Location", "Content-Location"}) {
      String value = headers.get(name);
      if (value == null) {
        continue;
      }
      String rest = stripAuthority(value, originPrefix);
      if (rest == null && originDefault != null) {
        rest = stripAuthority(value, originDefault);
      }
      if (rest != null) {
        headers.set(name, "http://" + hostField + rest);
      }
    }
  }

  private static String stripAuthority(String url, String prefix) {
    if (url.regionMatches(true, 0, prefix, 0, prefix.length())
        && (url.length() == prefix.length() || "/?#".indexOf(url.charAt(prefix.length())) >= 0)) {
      return url.substring(prefix.length());
    }
    return null;
  }

  /**
   * The cache key of this request, {@code CacheKey.of(absoluteUri())}. A forward request's target was
   * parsed already; a reverse request's key comes from the client's Host, so it is parsed here.
   *
   * @throws IllegalArgumentException when the client's Host does not make a valid URI
   */
  CacheKey cacheKey() {
    return forwardKey != null ? forwardKey : CacheKey.of(absoluteUri);
  }

  /** The authority, with the port only when it is not the default; or the client's Host when kept. */
  private static String hostHeader(String scheme, String host, int port, String hostField) {
    if (hostField != null) {
      return hostField;
    }
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == 80 && "http".equals(scheme) ? h : h + ":" + port;
  }
}
