package dev.cachalot.proxy;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Header rules for a message crossing the proxy (RFC 9110 §7.6): hop-by-hop fields stay on their
 * hop, and every forwarded message records this proxy in Via.
 */
final class HeaderRewriter {

  private static final Set<AsciiString> HOP_BY_HOP = Set.of(
      HttpHeaderNames.CONNECTION,
      HttpHeaderNames.KEEP_ALIVE,
      HttpHeaderNames.PROXY_CONNECTION,
      HttpHeaderNames.TE,
      HttpHeaderNames.TRAILER,
      HttpHeaderNames.TRANSFER_ENCODING,
      HttpHeaderNames.UPGRADE,
      // Credentials for this proxy, never for the origin.
      HttpHeaderNames.PROXY_AUTHORIZATION);

  private HeaderRewriter() {}

  /** A copy of {@code in} without hop-by-hop fields, including those the Connection field names. */
  static HttpHeaders withoutHopByHop(HttpHeaders in) {
    List<String> connectionOptions = in.getAll(HttpHeaderNames.CONNECTION);
    HttpHeaders out = new DefaultHttpHeaders(false);
    for (Map.Entry<String, String> field : in) {
      String name = field.getKey();
      if (isHopByHop(name, connectionOptions)) {
        continue;
      }
      out.add(name, field.getValue());
    }
    return out;
  }

  private static boolean isHopByHop(String name, List<String> connectionOptions) {
    for (AsciiString hop : HOP_BY_HOP) {
      if (hop.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    for (String option : connectionOptions) {
      for (String token : option.split(",")) {
        if (token.trim().equalsIgnoreCase(name)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Appends this hop to Via (RFC 9110 §7.6.3), with the protocol version the message arrived in. */
  static void appendVia(HttpHeaders headers, HttpVersion received, String pseudonym) {
    String hop = (received.majorVersion() + "." + received.minorVersion()) + " " + pseudonym;
    String existing = headers.get(HttpHeaderNames.VIA);
    headers.set("Via", existing == null || existing.isBlank() ? hop : existing + ", " + hop);
  }

  /** True when a message already passed through this proxy: forwarding it again would loop. */
  static boolean viaNames(HttpHeaders headers, String pseudonym) {
    for (String via : headers.getAll(HttpHeaderNames.VIA)) {
      for (String hop : via.split(",")) {
        String[] parts = hop.trim().split("\\s+");
        if (parts.length >= 2 && parts[1].equalsIgnoreCase(pseudonym)) {
          return true;
        }
      }
    }
    return false;
  }
}
