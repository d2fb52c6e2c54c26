package dev.cachalot.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;

/**
 * Who may send management requests: loopback clients by default, and/or clients in the listed
 * networks ({@code --purge-allow} for PURGE, where a client must also be admitted by {@code --allow};
 * {@code --admin-allow} for the admin endpoint).
 *
 * @param loopback whether loopback clients (127.0.0.0/8, ::1) are admitted
 * @param networks further client networks admitted
 */
public record AdminAccess(boolean loopback, List<Cidr> networks) {

  public static final AdminAccess LOOPBACK = new AdminAccess(true, List.of());
  public static final AdminAccess NOBODY = new AdminAccess(false, List.of());

  public AdminAccess {
    networks = List.copyOf(networks);
  }

  /** Loopback clients, and those in {@code networks}. */
  public static AdminAccess loopbackAnd(List<Cidr> networks) {
    return new AdminAccess(true, networks);
  }

  public boolean allows(SocketAddress client) {
    if (!(client instanceof InetSocketAddress inet) || inet.getAddress() == null) {
      return false;
    }
    if (loopback && inet.getAddress().isLoopbackAddress()) {
      return true;
    }
    return networks.stream().anyMatch(network -> network.contains(inet.getAddress()));
  }
}
