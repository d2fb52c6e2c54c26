package dev.cachalot.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** The origin a forwarded request goes to, from its absolute-form target (RFC 9112 §3.2.2). */
record Target(String scheme, String host, int port, String pathAndQuery) {

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

  /** The URI the cache files this request under. */
  String absoluteUri() {
    return scheme + "://" + hostHeader() + pathAndQuery;
  }

  /** The Host field value for the origin: the authority, with the port only when it is not the default. */
  String hostHeader() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == 80 && "http".equals(scheme) ? h : h + ":" + port;
  }
}
