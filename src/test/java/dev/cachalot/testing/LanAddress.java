package dev.cachalot.testing;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.util.Collections;

/**
 * An IPv4 address of this host that is not loopback (an interface such as eth0): a test connects
 * from it to act as a remote client. Without one the test is skipped, except on CI (CI=true),
 * where it fails: the checks that tell remote clients from local ones must run there.
 */
public final class LanAddress {

  private LanAddress() {}

  public static InetAddress require() throws SocketException {
    for (NetworkInterface nif : Collections.list(NetworkInterface.getNetworkInterfaces())) {
      if (!nif.isUp() || nif.isLoopback()) {
        continue;
      }
      for (InetAddress a : Collections.list(nif.getInetAddresses())) {
        if (a instanceof Inet4Address && !a.isLinkLocalAddress()) {
          return a;
        }
      }
    }
    if ("true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI needs a non-loopback interface to test remote clients");
    }
    assumeTrue(false, "needs a non-loopback interface");
    return null;
  }
}
