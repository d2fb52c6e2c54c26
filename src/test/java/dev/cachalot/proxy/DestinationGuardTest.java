package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.LanAddress;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestProxy;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.resolver.AbstractAddressResolver;
import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** SSRF and loop guards: checked on the resolved address, so hostnames are caught as well as literals. */
@Timeout(30)
class DestinationGuardTest {

  private static final Duration T = Duration.ofSeconds(5);

  /** A resolver that knows a few names, standing in for DNS. */
  private static AddressResolverGroup<InetSocketAddress> fakeDns(Map<String, String> names) {
    return new AddressResolverGroup<>() {
      @Override
      protected AddressResolver<InetSocketAddress> newResolver(EventExecutor executor) {
        return new AbstractAddressResolver<>(executor) {
          @Override
          protected boolean doIsResolved(InetSocketAddress address) {
            return !address.isUnresolved();
          }

          @Override
          protected void doResolve(InetSocketAddress unresolved, Promise<InetSocketAddress> promise) throws Exception {
            String ip = names.get(unresolved.getHostString());
            if (ip == null) {
              promise.setFailure(new UnknownHostException(unresolved.getHostString()));
            } else {
              promise.setSuccess(new InetSocketAddress(InetAddress.getByName(ip), unresolved.getPort()));
            }
          }

          @Override
          protected void doResolveAll(InetSocketAddress unresolved, Promise<List<InetSocketAddress>> promise) {
            throw new UnsupportedOperationException();
          }
        };
      }
    };
  }

  private static Throwable resolve(DestinationGuard guard, String host, int port) throws Exception {
    EventLoop loop = new DefaultEventLoop();
    try {
      Future<InetSocketAddress> f = guard.getResolver(loop)
          .resolve(InetSocketAddress.createUnresolved(host, port)).await();
      return f.cause();
    } finally {
      loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
    }
  }

  @Test
  void hostnamesResolvingToMetadataOrToTheProxyAreRefused() throws Exception {
    DestinationGuard guard = new DestinationGuard(fakeDns(Map.of(
        "metadata.test", "169.254.169.254", "v6meta.test", "fd00:ec2::254", "linklocal6.test", "fe80::1",
        "fine.test", "93.184.216.34", "self.test", "127.0.0.1")), false,
        () -> List.of(new InetSocketAddress("127.0.0.1", 8888)));
    assertThat(resolve(guard, "metadata.test", 80)).isInstanceOf(DestinationGuard.Refused.class)
        .hasMessageContaining("169.254.169.254").hasMessageContaining("--allow-link-local");
    assertThat(resolve(guard, "v6meta.test", 80)).isInstanceOf(DestinationGuard.Refused.class);
    assertThat(resolve(guard, "linklocal6.test", 80)).isInstanceOf(DestinationGuard.Refused.class);
    assertThat(resolve(guard, "169.254.1.1", 80)).isInstanceOf(DestinationGuard.Refused.class);
    assertThat(resolve(guard, "fine.test", 80)).isNull();
    Throwable self = resolve(guard, "self.test", 8888);
    assertThat(self).isInstanceOf(DestinationGuard.Refused.class).hasMessageContaining("loop");
    assertThat(((DestinationGuard.Refused) self).loop).isTrue();
    assertThat(resolve(guard, "self.test", 8889)).as("another port on the same host is fine").isNull();
    assertThat(resolve(guard, "nowhere.test", 80)).isInstanceOf(UnknownHostException.class);
    guard.close();
  }

  @Test
  void wildcardBoundProxyRecognisesLoopbackAsItself() throws Exception {
    DestinationGuard guard = new DestinationGuard(fakeDns(Map.of()), false,
        () -> List.of(new InetSocketAddress("0.0.0.0", 3128)));
    assertThat(resolve(guard, "127.0.0.1", 3128)).isInstanceOf(DestinationGuard.Refused.class);
    assertThat(resolve(guard, "0.0.0.0", 3128)).isInstanceOf(DestinationGuard.Refused.class);
    guard.close();
  }

  @Test
  void allowLinkLocalLiftsTheMetadataGuard() throws Exception {
    DestinationGuard guard = new DestinationGuard(fakeDns(Map.of("metadata.test", "169.254.169.254")), true,
        List::of);
    assertThat(resolve(guard, "metadata.test", 80)).isNull();
    guard.close();
  }

  @Test
  void metadataLiteralsAre403ThroughTheProxyForGetAndConnect() {
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), T)) {
      RawHttp.Response r = c.write("GET http://169.254.169.254/latest/meta-data/ HTTP/1.1\r\nHost: 169.254.169.254\r\n\r\n")
          .readResponse();
      assertThat(r.status()).isEqualTo(403);
      assertThat(r.bodyText()).contains("link-local");
      RawHttp.Response v6 = c.write("GET http://[fd00:ec2::254]/ HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(v6.status()).isEqualTo(403);
    }
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), T)) {
      RawHttp.Response r = c.write("CONNECT 169.254.169.254:443 HTTP/1.1\r\nHost: 169.254.169.254:443\r\n\r\n")
          .readResponse();
      assertThat(r.status()).isEqualTo(403);
    }
  }

  /** {@code config} listening on every interface, for clients on this host and at {@code lan}. */
  private static ProxyServer servingLan(InetAddress lan, ProxyConfig config) {
    return ProxyServer.start(config.withListen(new InetSocketAddress("0.0.0.0", 0)),
        SecurityConfig.defaults().withAllow(List.of(Cidr.LOOPBACK_V4, Cidr.parse(lan.getHostAddress() + "/32"))));
  }

  @Test
  void remoteClientsCannotReachThisHostsLoopbackServices() throws Exception {
    InetAddress lan = LanAddress.require();
    try (dev.cachalot.testing.TestOrigin origin = new dev.cachalot.testing.TestOrigin().start();
        ProxyServer proxy = servingLan(lan, ProxyConfig.defaults())) {
      origin.handle("/admin", r -> dev.cachalot.testing.TestOrigin.Response.ok("secret"));
      int port = proxy.address().getPort();
      String get = "GET " + origin.url("/admin") + " HTTP/1.1\r\nHost: x\r\n\r\n";
      try (RawHttp local = RawHttp.connect(new InetSocketAddress("127.0.0.1", port), T)) {
        assertThat(local.write(get).readResponse().bodyText()).as("a client on this host may").isEqualTo("secret");
      }
      try (RawHttp remote = RawHttp.connect(new InetSocketAddress(lan, port), T)) {
        RawHttp.Response r = remote.write(get.replace("/admin", "/admin?from=remote")).readResponse();
        assertThat(r.status()).isEqualTo(403);
        assertThat(r.bodyText()).contains("loopback");
        RawHttp.Response connect = remote.write("CONNECT 127.0.0.1:443 HTTP/1.1\r\nHost: 127.0.0.1:443\r\n\r\n")
            .readResponse();
        assertThat(connect.status()).as("refused before or after connecting").isIn(403, 502);
      }
      assertThat(origin.requests("/admin")).isEqualTo(1);
    }
  }

  @Test
  void aResponseFromThisHostsLoopbackIsNotStoredWhileRemoteClientsAreAdmitted() throws Exception {
    InetAddress lan = LanAddress.require();
    try (dev.cachalot.testing.TestOrigin origin = new dev.cachalot.testing.TestOrigin().start();
        ProxyServer proxy = servingLan(lan, ProxyConfig.defaults())) {
      origin.handle("/status", r -> dev.cachalot.testing.TestOrigin.Response.ok("internal")
          .header("Cache-Control", "max-age=300"));
      int port = proxy.address().getPort();
      String get = "GET " + origin.url("/status") + " HTTP/1.1\r\nHost: x\r\n\r\n";
      try (RawHttp local = RawHttp.connect(new InetSocketAddress("127.0.0.1", port), T)) {
        RawHttp.Response first = local.write(get).readResponse();
        assertThat(first.bodyText()).isEqualTo("internal");
        assertThat(first.headers().get("Cache-Status")).doesNotContain("stored");
      }
      try (RawHttp remote = RawHttp.connect(new InetSocketAddress(lan, port), T)) {
        assertThat(remote.write(get).readResponse().status()).as("refused, not a hit").isEqualTo(403);
      }
      assertThat(origin.requests("/status")).isEqualTo(1);
    }
  }

  @Test
  void remoteClientsReachAReverseOriginOnThisHostsLoopback() throws Exception {
    InetAddress lan = LanAddress.require();
    try (dev.cachalot.testing.TestOrigin origin = new dev.cachalot.testing.TestOrigin().start();
        ProxyServer proxy = servingLan(lan, ProxyConfig.defaults()
            .withReverse(ReverseRoutes.parse(List.of("http://127.0.0.1:" + origin.port()), false)))) {
      origin.handle("/app", r -> dev.cachalot.testing.TestOrigin.Response.ok("app"));
      try (RawHttp remote = RawHttp.connect(new InetSocketAddress(lan, proxy.address().getPort()), T)) {
        RawHttp.Response r = remote.write("GET /app HTTP/1.1\r\nHost: www.example.test\r\n\r\n").readResponse();
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("app");
      }
    }
  }

  @Test
  void requestToTheProxyItselfIs508() {
    try (TestProxy proxy = new TestProxy().start(); RawHttp c = RawHttp.connect(proxy.address(), T)) {
      RawHttp.Response r = c.write("GET http://127.0.0.1:" + proxy.port() + "/ HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(r.status()).isEqualTo(508);
      assertThat(r.bodyText()).contains("own listening address");
    }
  }
}
