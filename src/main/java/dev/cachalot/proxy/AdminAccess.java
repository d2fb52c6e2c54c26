package dev.cachalot.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Set;

/**
 * Who may send management requests (PURGE): loopback clients by default, and/or listed addresses.
 *
 * @param loopback whether loopback clients (127.0.0.0/8, ::1) are admitted
 * @param addresses further client addresses admitted
 */
public record AdminAccess(boolean loopback, Set<InetAddress> addresses) {

  public static final AdminAccess LOOPBACK = new AdminAccess(true, Set.of());
  public static final AdminAccess NOBODY = new AdminAccess(false, Set.of());

  public AdminAccess {
    addresses = Set.copyOf(addresses);
  }

  boolean allows(SocketAddress client) {
    if (!(client instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return false;
    }
    InetAddress address = inet.getAddress();
    return loopback && address.isLoopbackAddress() || addresses.contains(address);
  }
}
