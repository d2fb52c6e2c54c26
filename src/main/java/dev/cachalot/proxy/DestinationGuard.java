package dev.cachalot.proxy;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.function.Supplier;

/**
 * SSRF and loop guard, applied to the address an origin name resolves to (so that a hostname
 * pointing at a forbidden address is caught as well as a literal): link-local and cloud metadata
 * addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254) are refused unless --allow-link-local, and
 * so is the proxy's own listening socket (a request to itself would loop until the connection caps
 * are exhausted). Wraps the DNS resolver group that every origin and tunnel connection uses.
 */
final class DestinationGuard extends AddressResolverGroup<InetSocketAddress> {

  /** Why a destination is refused; the exchange answers 403 (or 508 for a loop). */
  static final class Refused extends IOException {
    final boolean loop;

    Refused(String message, boolean loop) {
      super(message);
      this.loop = loop;
    }
  }

  private final AddressResolverGroup<InetSocketAddress> delegate;
  private final boolean allowLinkLocal;
  private final Supplier<List<InetSocketAddress>> ownAddresses;

  DestinationGuard(AddressResolverGroup<InetSocketAddress> delegate, boolean allowLinkLocal,
      Supplier<List<InetSocketAddress>> ownAddresses) {
    this.delegate = delegate;
    this.allowLinkLocal = allowLinkLocal;
    this.ownAddresses = ownAddresses;
  }

  @Override
  protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
    AddressResolver<InetSocketAddress> inner = delegate.getResolver(executor);
    return new AddressResolver<>() {
      @Override
      public boolean isSupported(SocketAddress address) {
        return inner.isSupported(address);
      }

      @Override
      public boolean isResolved(SocketAddress address) {
        // Always resolve (a literal resolves at once) so that every address passes the check.
        return false;
      }

      @Override
      public Future<InetSocketAddress> resolve(SocketAddress address) {
        return resolve(address, executor.newPromise());
      }

      @Override
      public Future<InetSocketAddress> resolve(SocketAddress address, Promise<InetSocketAddress> promise) {
        InetSocketAddress unresolved = (InetSocketAddress) address;
        if (!unresolved.isUnresolved()) {
          return check(unresolved, unresolved.getHostString(), promise);
        }
        InetAddress literal = NetUtil.createInetAddressFromIpAddressString(unresolved.getHostString());
        if (literal != null) {
          return check(new InetSocketAddress(literal, unresolved.getPort()), unresolved.getHostString(), promise);
        }
        inner.resolve(address).addListener(f -> {
          if (!f.isSuccess()) {
            promise.tryFailure(f.cause());
          } else {
            check((InetSocketAddress) f.getNow(), unresolved.getHostString(), promise);
          }
        });
        return promise;
      }

      @Override
      public Future<List<InetSocketAddress>> resolveAll(SocketAddress address) {
        return resolveAll(address, executor.newPromise());
      }

      @Override
      public Future<List<InetSocketAddress>> resolveAll(SocketAddress address, Promise<List<InetSocketAddress>> promise) {
        resolve(address).addListener(f -> {
          if (f.isSuccess()) {
            promise.trySuccess(List.of((InetSocketAddress) f.getNow()));
          } else {
            promise.tryFailure(f.cause());
          }
        });
        return promise;
      }

      @Override
      public void close() {}
    };
  }

  private Future<InetSocketAddress> check(InetSocketAddress resolved, String name, Promise<InetSocketAddress> promise) {
    String refusal = refusal(resolved, name);
    if (refusal == null) {
      promise.trySuccess(resolved);
    } else {
      promise.tryFailure(new Refused(refusal, refusal.startsWith("loop")));
    }
    return promise;
  }

  /** Why {@code resolved} must not be contacted, or null. */
  String refusal(InetSocketAddress resolved, String name) {
    InetAddress ip = resolved.getAddress();
    if (ip == null) {
      return null;
    }
    String shown = name.equals(ip.getHostAddress()) ? name : name + " (" + ip.getHostAddress() + ")";
    if (isOwnAddress(ip, resolved.getPort())) {
      return "loop: " + shown + " port " + resolved.getPort() + " is this proxy's own listening address";
    }
    if (!allowLinkLocal && (ip.isLinkLocalAddress() || Cidr.LINK_LOCAL_V4.contains(ip)
        || Cidr.METADATA_V6.contains(ip))) {
      return "destination " + shown + " is link-local or a cloud metadata address (see --allow-link-local)";
    }
    return null;
  }

  /**
   * SSRF to the proxy host: a client that is not itself on this host must not reach services bound
   * to the host's loopback interface (the admin endpoint, databases, ...) through the proxy (as
   * Squid's default "deny to_localhost"). Checked on the connected origin address, before the
   * request is written. Null when allowed.
   */
  static String loopbackRefusal(java.net.InetAddress client, SocketAddress connected) {
    if (client == null || client.isLoopbackAddress()) {
      return null;
    }
    if (onThisHostsLoopback(connected)) {
      return "destination " + ((InetSocketAddress) connected).getAddress().getHostAddress()
          + " is this host's loopback interface; only clients on this host may reach it";
    }
    return null;
  }

  static boolean onThisHostsLoopback(SocketAddress connected) {
    return connected instanceof InetSocketAddress remote && remote.getAddress() != null
        && (remote.getAddress().isLoopbackAddress() || remote.getAddress().isAnyLocalAddress());
  }

  private boolean isOwnAddress(InetAddress ip, int port) {
    for (InetSocketAddress own : ownAddresses.get()) {
      if (own.getPort() != port) {
        continue;
      }
      InetAddress bound = own.getAddress();
      if (bound == null) {
        continue;
      }
      if (bound.equals(ip)) {
        return true;
      }
      if (bound.isAnyLocalAddress() && (ip.isLoopbackAddress() || ip.isAnyLocalAddress() || isLocalInterface(ip))) {
        return true;
      }
      if (bound.isLoopbackAddress() && ip.isAnyLocalAddress()) {
        return true;
      }
    }
    return false;
  }

  private static boolean isLocalInterface(InetAddress ip) {
    try {
      return NetworkInterface.getByInetAddress(ip) != null;
    } catch (SocketException e) {
      return false;
    }
  }

  @Override
  public void close() {
    super.close();
    delegate.close();
  }
}
