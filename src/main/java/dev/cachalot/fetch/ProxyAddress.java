package dev.cachalot.fetch;

import dev.cachalot.UserFacingException;
import java.net.InetSocketAddress;
import java.util.Map;

/** Where the proxy is: {@code --proxy HOST:PORT}, else {@code http_proxy}/{@code HTTP_PROXY}, else 127.0.0.1:8888. */
public final class ProxyAddress {

  public static final String DEFAULT_HOST = "127.0.0.1";
  public static final int DEFAULT_PORT = 8888;

  private ProxyAddress() {}

  /** Chooses the proxy; the address stays unresolved (the fetcher resolves it and words the failure). */
  public static InetSocketAddress choose(String option, Map<String, String> env) {
    if (option != null && !option.isBlank()) {
      return parse(option, "--proxy");
    }
    for (String name : new String[] {"http_proxy", "HTTP_PROXY"}) {
      String value = env.get(name);
      if (value != null && !value.isBlank()) {
        return parse(value, name);
      }
    }
    return InetSocketAddress.createUnresolved(DEFAULT_HOST, DEFAULT_PORT);
  }

  /** {@code host:port}, {@code [v6]:port}, {@code host}, or {@code http://host:port/}. */
  static InetSocketAddress parse(String value, String source) {
    String text = value.strip();
    int scheme = text.indexOf("://");
    if (scheme >= 0) {
      if (!text.substring(0, scheme).equalsIgnoreCase("http")) {
        throw bad(value, source, "only http:// proxies are supported");
      }
      text = text.substring(scheme + 3);
    }
    int slash = text.indexOf('/');
    if (slash >= 0) {
      text = text.substring(0, slash);
    }
    int at = text.lastIndexOf('@');
    if (at >= 0) {
      text = text.substring(at + 1);
    }
    String host;
    String port = null;
    if (text.startsWith("[")) {
      int close = text.indexOf(']');
      if (close < 0) {
        throw bad(value, source, "unclosed [");
      }
      host = text.substring(1, close);
      if (close + 1 < text.length()) {
        if (text.charAt(close + 1) != ':') {
          throw bad(value, source, "expected :port after ]");
        }
        port = text.substring(close + 2);
      }
    } else {
      int colon = text.lastIndexOf(':');
      if (colon >= 0 && text.indexOf(':') != colon) {
        throw bad(value, source, "put IPv6 addresses in brackets");
      }
      host = colon < 0 ? text : text.substring(0, colon);
      port = colon < 0 ? null : text.substring(colon + 1);
    }
    if (host.isEmpty()) {
      host = DEFAULT_HOST;
    }
    int number = DEFAULT_PORT;
    if (port != null) {
      try {
        number = Integer.parseInt(port);
      } catch (NumberFormatException e) {
        throw bad(value, source, "'" + port + "' is not a port number");
      }
      if (number < 1 || number > 65_535) {
        throw bad(value, source, "port " + number + " is out of range (1-65535)");
      }
    }
    return InetSocketAddress.createUnresolved(host, number);
  }

  private static UserFacingException bad(String value, String source, String why) {
    return new UserFacingException("bad proxy address '" + value + "' (from " + source + "): " + why, 64, null);
  }
}
