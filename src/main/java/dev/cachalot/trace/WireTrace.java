package dev.cachalot.trace;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code --trace} log shared by every command: one readable line per event on the wire, with
 * timings, through the logger {@value #NAME}, which is OFF unless the flag turns it on. Lines start
 * with the layer they describe ({@code DNS:}, {@code TCP:}, {@code UDP:}, {@code HTTP:}), so a trace
 * reads like a packet capture's summary column. Callers test {@link #on()} before building a line,
 * so a disabled trace costs one volatile read per event.
 */
public final class WireTrace {

  public static final String NAME = "cachalot.trace";
  private static final Logger log = LoggerFactory.getLogger(NAME);

  private WireTrace() {}

  public static boolean on() {
    return log.isInfoEnabled();
  }

  public static void event(String format, Object... args) {
    log.info(format, args);
  }

  public static long millisSince(long startNanos) {
    return (System.nanoTime() - startNanos) / 1_000_000;
  }

  /**
   * Resolves {@code host} as InetAddress.getByName does, tracing the lookup: a name's answer and
   * how long it took, or that a literal address needed none.
   */
  public static InetAddress resolve(String host) throws UnknownHostException {
    long start = System.nanoTime();
    try {
      InetAddress address = InetAddress.getByName(host);
      if (on()) {
        if (address.getHostAddress().equals(host) || host.startsWith("[")) {
          event("DNS: {} is an address, no lookup", host);
        } else {
          event("DNS: {} -> {} in {} ms", host, address.getHostAddress(), millisSince(start));
        }
      }
      return address;
    } catch (UnknownHostException e) {
      if (on()) {
        event("DNS: {} does not resolve ({} ms)", host, millisSince(start));
      }
      throw e;
    }
  }

  /** "127.0.0.1:12000" or "[::1]:12000", numeric: what a capture shows. */
  public static String address(java.net.SocketAddress socketAddress) {
    if (!(socketAddress instanceof InetSocketAddress address)) {
      return String.valueOf(socketAddress);
    }
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /** A message head on one line: {@code GET /x HTTP/1.1 | Host: a | Accept: *}{@code /*}. */
  public static String head(io.netty.handler.codec.http.HttpMessage message) {
    StringBuilder line = new StringBuilder(128);
    if (message instanceof io.netty.handler.codec.http.HttpRequest request) {
      line.append(request.method()).append(' ').append(request.uri()).append(' ').append(request.protocolVersion());
    } else if (message instanceof io.netty.handler.codec.http.HttpResponse response) {
      line.append(response.protocolVersion()).append(' ').append(response.status());
    }
    for (java.util.Map.Entry<String, String> field : message.headers()) {
      // Credentials and cookies stay out of logs: a trace is often pasted into a bug report.
      String name = field.getKey();
      boolean secret = name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Proxy-Authorization")
          || name.equalsIgnoreCase("Cookie") || name.equalsIgnoreCase("Set-Cookie");
      line.append(" | ").append(name).append(": ").append(secret ? "(hidden)" : field.getValue());
    }
    return line.toString();
  }

  /** Up to 60 characters of a payload, quoted, control characters escaped: enough to recognise it. */
  public static String preview(String text) {
    StringBuilder out = new StringBuilder(72).append('"');
    int limit = Math.min(text.length(), 60);
    for (int i = 0; i < limit; i++) {
      char c = text.charAt(i);
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '"' -> out.append("\\\"");
        default -> out.append(c < 0x20 ? '.' : c);
      }
    }
    return out.append(text.length() > limit ? "\"..." : "\"").toString();
  }
}
