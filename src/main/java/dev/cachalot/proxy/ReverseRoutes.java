package dev.cachalot.proxy;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Reverse-proxy (accelerator) routes: which origin serves an origin-form request ({@code GET /path}),
 * chosen by its Host (without port, case-insensitive), else the default origin. Empty in forward mode.
 *
 * @param byHost origins for particular Host values
 * @param fallback the origin for every other Host (the common single-origin case)
 * @param rewriteHost send the origin's own authority as Host instead of the client's
 */
public record ReverseRoutes(Map<String, Origin> byHost, Optional<Origin> fallback, boolean rewriteHost) {

  public static final ReverseRoutes NONE = new ReverseRoutes(Map.of(), Optional.empty(), false);

  /** An origin server: http only, no path. */
  public record Origin(String host, int port) {
    public Origin {
      Objects.requireNonNull(host, "host");
    }

    String authority() {
      String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
      return port == 80 ? h : h + ":" + port;
    }
  }

  public ReverseRoutes {
    byHost = Map.copyOf(byHost);
    Objects.requireNonNull(fallback, "fallback");
  }

  /**
   * Parses {@code --reverse} values: {@code URL} (the default origin) or {@code HOST=URL}.
   *
   * @throws IllegalArgumentException naming the bad value
   */
  public static ReverseRoutes parse(List<String> specs, boolean rewriteHost) {
    Map<String, Origin> byHost = new LinkedHashMap<>();
    Origin fallback = null;
    for (String spec : specs) {
      int eq = spec.indexOf('=');
      int scheme = spec.indexOf("://");
      if (eq > 0 && (scheme < 0 || eq < scheme)) {
        String host = spec.substring(0, eq).trim().toLowerCase(Locale.ROOT);
        if (!host.matches("[a-z0-9.-]+")) {
          throw new IllegalArgumentException("--reverse " + spec + ": '" + host + "' is not a host name");
        }
        if (byHost.put(host, origin(spec, spec.substring(eq + 1).trim())) != null) {
          throw new IllegalArgumentException("--reverse " + spec + ": host " + host + " given twice");
        }
      } else {
        if (fallback != null) {
          throw new IllegalArgumentException("--reverse " + spec + ": only one default origin (use HOST=URL for more)");
        }
        fallback = origin(spec, spec.trim());
      }
    }
    return new ReverseRoutes(byHost, Optional.ofNullable(fallback), rewriteHost);
  }

  private static Origin origin(String spec, String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("--reverse " + spec + ": not a URL: " + e.getMessage());
    }
    if (!"http".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null) {
      throw new IllegalArgumentException("--reverse " + spec + ": expected an origin like http://127.0.0.1:9000");
    }
    if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")
        || uri.getRawQuery() != null || uri.getRawUserInfo() != null) {
      throw new IllegalArgumentException("--reverse " + spec + ": an origin has no path, query or user info");
    }
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    return new Origin(host.toLowerCase(Locale.ROOT), uri.getPort() >= 0 ? uri.getPort() : 80);
  }

  public boolean enabled() {
    return fallback.isPresent() || !byHost.isEmpty();
  }

  /** The origin for a Host field value (port ignored), or empty when none is configured for it. */
  Optional<Origin> route(String hostField) {
    if (hostField != null && !byHost.isEmpty()) {
      String host = hostField.trim().toLowerCase(Locale.ROOT);
      if (host.startsWith("[")) {
        int close = host.indexOf(']');
        host = close > 0 ? host.substring(1, close) : host;
      } else if (host.indexOf(':') >= 0) {
        host = host.substring(0, host.indexOf(':'));
      }
      Origin o = byHost.get(host);
      if (o != null) {
        return Optional.of(o);
      }
    }
    return fallback;
  }
}
