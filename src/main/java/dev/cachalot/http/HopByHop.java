package dev.cachalot.http;

import dev.cachalot.cache.Headers;
import io.netty.util.AsciiString;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Hop-by-hop fields (RFC 9110 §7.6.1): meaningful for one connection only, so a proxy neither
 * forwards nor stores them (RFC 9111 §3.1). Proxy-Authorization, Proxy-Authenticate and
 * Proxy-Authentication-Info are addressed to the proxy itself (RFC 9110 §11.7), so they are
 * treated the same way.
 */
public final class HopByHop {

  /** Lower-cased names that are always hop-by-hop. */
  public static final Set<String> ALWAYS = Set.of(
      "connection", "keep-alive", "proxy-connection", "te", "trailer", "transfer-encoding", "upgrade",
      "proxy-authorization", "proxy-authenticate", "proxy-authentication-info");

  private static final String[] ALWAYS_NAMES = ALWAYS.toArray(String[]::new);

  private HopByHop() {
  }

  /** Whether a field name is one of {@link #ALWAYS}, in any case; allocates nothing (it runs per field, per message). */
  public static boolean isAlways(CharSequence name) {
    for (String always : ALWAYS_NAMES) {
      if (always.length() == name.length() && AsciiString.contentEqualsIgnoreCase(always, name)) {
        return true;
      }
    }
    return false;
  }

  /** The field names the Connection field lines add to {@link #ALWAYS}, lower-cased; usually none. */
  public static Set<String> connectionOptions(List<String> connectionFieldLines) {
    Set<String> out = null;
    for (String line : connectionFieldLines) {
      for (String option : Headers.splitList(line)) {
        if (!isAlways(option)) {
          if (out == null) {
            out = new LinkedHashSet<>();
          }
          out.add(option.toLowerCase(Locale.ROOT));
        }
      }
    }
    return out == null ? Set.of() : out;
  }

  /** The fixed set plus every field named in Connection, lower-cased. */
  public static Set<String> names(Headers headers) {
    return names(headers.all("Connection"));
  }

  /** The fixed set plus every field named in the given Connection field lines, lower-cased. */
  public static Set<String> names(List<String> connectionFieldLines) {
    Set<String> options = connectionOptions(connectionFieldLines);
    if (options.isEmpty()) {
      return ALWAYS;
    }
    Set<String> out = new LinkedHashSet<>(ALWAYS);
    out.addAll(options);
    return out;
  }

  public static boolean isHopByHop(String name, Headers headers) {
    return names(headers).contains(name.toLowerCase(Locale.ROOT));
  }

  /** The end-to-end fields only. */
  public static Headers strip(Headers headers) {
    return headers.without(List.copyOf(names(headers)));
  }
}
