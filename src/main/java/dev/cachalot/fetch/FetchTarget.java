package dev.cachalot.fetch;

import dev.cachalot.UserFacingException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * What the user asked for, as the absolute URL sent to the proxy: a bare host
 * ({@code www.flipkart.com}), host and path ({@code 127.0.0.1:9000/page}) or an {@code http://} URL.
 */
public record FetchTarget(String url, String host, int port) {

  /** Exit code for a request that cannot be made (sysexits EX_USAGE / EX_DATAERR style). */
  static final int BAD_INPUT = 65;

  public static FetchTarget parse(String input) {
    String text = input == null ? "" : input.strip();
    if (text.isEmpty()) {
      throw new UserFacingException("no request given: type a host or URL, e.g. www.example.com or 127.0.0.1:9000/page",
          BAD_INPUT, null);
    }
    if (!text.matches("[\\x21-\\x7e]+")) {
      throw new UserFacingException("'" + text + "' is not a host or URL (spaces or control characters)", BAD_INPUT, null);
    }
    int schemeEnd = text.indexOf("://");
    if (schemeEnd > 0) {
      String scheme = text.substring(0, schemeEnd).toLowerCase(Locale.ROOT);
      if (scheme.equals("https")) {
        throw new UserFacingException("https:// URLs need a CONNECT tunnel and TLS, which fetch does not do;"
            + " use `curl --proxytunnel -x PROXY " + text + "`", BAD_INPUT, null);
      }
      if (!scheme.equals("http")) {
        throw new UserFacingException("only http:// URLs can be fetched, not " + scheme + "://", BAD_INPUT, null);
      }
    } else {
      text = "http://" + text;
    }
    URI uri;
    try {
      uri = new URI(text);
    } catch (URISyntaxException e) {
      throw new UserFacingException("'" + input.strip() + "' is not a valid URL: " + e.getReason(), BAD_INPUT, e);
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new UserFacingException("no host in '" + input.strip() + "'", BAD_INPUT, null);
    }
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
    String url = "http://" + uri.getRawAuthority() + path + query;
    return new FetchTarget(url, host.startsWith("[") ? host.substring(1, host.length() - 1) : host, port);
  }

  /** The Host header: the URL's authority without user info. */
  String hostHeader() {
    String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return port == 80 ? h : h + ":" + port;
  }
}
