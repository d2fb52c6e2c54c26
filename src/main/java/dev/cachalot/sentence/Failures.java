package dev.cachalot.sentence;

import dev.cachalot.UserFacingException;
import java.net.InetSocketAddress;

/**
 * The user-facing failures of the sentence service, worded once. Exit codes follow sysexits.h,
 * as the CLI's 70 for unexpected errors already does.
 */
final class Failures {

  static final int DATA_ERROR = 65;
  static final int NO_HOST = 68;
  static final int UNAVAILABLE = 69;
  static final int CANNOT_BIND = 71;

  /**
   * Server error lines start in lower case: an upper-cased sentence never contains a lower-case
   * ASCII letter, so a client can tell an error from a reply without a framing protocol.
   */
  static final String ERROR_PREFIX = "error: ";

  private Failures() {}

  static UserFacingException unknownHost(String host, Throwable cause) {
    return new UserFacingException(
        "unknown host '" + host + "': the name does not resolve; check the spelling or use an IP address",
        NO_HOST,
        cause);
  }

  static UserFacingException noTcpServer(String host, int port, Throwable cause) {
    return new UserFacingException(
        "connection refused by " + host + ":" + port + ": no TCP server is listening on port " + port
            + " there; start one with `cachalot tcp-server --port " + port + "`, check the port,"
            + " or wait for it with --retry-for",
        UNAVAILABLE,
        cause);
  }

  static UserFacingException noUdpServer(String host, int port, Throwable cause) {
    return new UserFacingException(
        host + ":" + port + " reports that nothing listens on UDP port " + port
            + "; start a server with `cachalot udp-server --port " + port + "` or check the port",
        UNAVAILABLE,
        cause);
  }

  static UserFacingException noUdpReply(String host, int port, int attempts, String timeout) {
    return new UserFacingException(
        "no reply from " + host + ":" + port + " after " + attempts + " attempt(s) of " + timeout
            + " each: is `cachalot udp-server --port " + port + "` running there, on that port?",
        UNAVAILABLE,
        null);
  }

  static UserFacingException cannotBind(String protocol, InetSocketAddress address, Throwable cause) {
    return new UserFacingException(
        "cannot listen for " + protocol + " on " + describe(address) + ": " + cause.getMessage()
            + " (is another server using port " + address.getPort() + "? pick another with --port)",
        CANNOT_BIND,
        cause);
  }

  /** "127.0.0.1:12000", "[::1]:12000", or "*:12000" for every interface, as ss and nginx write it. */
  static String describe(InetSocketAddress address) {
    if (address.getAddress() != null && address.getAddress().isAnyLocalAddress()) {
      return "*:" + address.getPort();
    }
    String host = address.getAddress() == null ? address.getHostString() : address.getAddress().getHostAddress();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
