package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/** A server's --bind and --port as a socket address; no --bind means every interface. */
final class BindAddress {

  private BindAddress() {}

  static InetSocketAddress of(String bind, int port) {
    if (port < 0 || port > 65_535) {
      throw new UserFacingException("--port must be from 0 (any free port) to 65535, got " + port, 64, null);
    }
    if (bind == null) {
      return new InetSocketAddress(port);
    }
    try {
      return new InetSocketAddress(InetAddress.getByName(bind), port);
    } catch (UnknownHostException e) {
      throw new UserFacingException("--bind '" + bind + "' is not an address of this machine or a name that resolves", 68, e);
    }
  }
}
