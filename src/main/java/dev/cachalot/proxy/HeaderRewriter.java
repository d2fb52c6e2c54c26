package dev.cachalot.proxy;

import dev.cachalot.http.HopByHop;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpVersion;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Header rules for a Netty message crossing the proxy (RFC 9110 §7.6): hop-by-hop fields stay on
 * their hop, and every forwarded message records this proxy in Via.
 */
final class HeaderRewriter {

  private HeaderRewriter() {}

  /**
   * A copy of {@code in} without hop-by-hop fields (see {@link HopByHop}), including those Connection
   * names. Names and values are copied as the decoder made them, not as Strings: its names keep
   * their hash and are encoded by a plain byte copy, and each message's fields cost no allocations.
   */
  static HttpHeaders withoutHopByHop(HttpHeaders in) {
    Set<String> named = HopByHop.connectionOptions(in.getAll(HttpHeaderNames.CONNECTION));
    HttpHeaders out = new DefaultHttpHeaders(false);
    for (Iterator<Map.Entry<CharSequence, CharSequence>> fields = in.iteratorCharSequence(); fields.hasNext(); ) {
      Map.Entry<CharSequence, CharSequence> field = fields.next();
      CharSequence name = field.getKey();
      if (!HopByHop.isAlways(name)
          && (named.isEmpty() || !named.contains(name.toString().toLowerCase(Locale.ROOT)))) {
        out.add(name, field.getValue());
      }
    }
    return out;
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
