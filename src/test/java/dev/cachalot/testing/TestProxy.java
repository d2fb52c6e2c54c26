package dev.cachalot.testing;

import dev.cachalot.proxy.ProxyConfig;
import dev.cachalot.proxy.ProxyServer;
import dev.cachalot.proxy.SecurityConfig;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The proxy, in-process on 127.0.0.1 and an ephemeral port, as a JUnit extension (started before and
 * closed after each test) or by hand.
 *
 * <pre>{@code
 * @RegisterExtension final TestProxy proxy = new TestProxy(c -> c.withTimeouts(ofSeconds(1), ofSeconds(1)));
 * }</pre>
 */
public final class TestProxy implements AutoCloseable, BeforeEachCallback, AfterEachCallback {

  private final UnaryOperator<ProxyConfig> customizer;
  private final UnaryOperator<SecurityConfig> security;
  private ProxyServer server;

  public TestProxy() {
    this(UnaryOperator.identity());
  }

  /** {@code customizer} adjusts the defaults (the listen address is set afterwards). */
  public TestProxy(UnaryOperator<ProxyConfig> customizer) {
    this(customizer, UnaryOperator.identity());
  }

  /** {@code security} adjusts {@link SecurityConfig#defaults()} (access control, limits). */
  public TestProxy(UnaryOperator<ProxyConfig> customizer, UnaryOperator<SecurityConfig> security) {
    this.customizer = customizer;
    this.security = security;
  }

  public synchronized TestProxy start() {
    if (server == null) {
      server = ProxyServer.start(customizer.apply(ProxyConfig.defaults())
          .withListen(new InetSocketAddress("127.0.0.1", 0)), security.apply(SecurityConfig.defaults()));
    }
    return this;
  }

  public InetSocketAddress address() {
    return server.address();
  }

  public int port() {
    return address().getPort();
  }

  /** {@code 127.0.0.1:PORT}, for curl -x and fetch --proxy. */
  public String hostPort() {
    return "127.0.0.1:" + port();
  }

  /** Whether the shared Redis tier is reachable (false without one). */
  public boolean redisUp() {
    return server.redisUp();
  }

  /** Client connections the proxy has open now. */
  public int openClientConnections() {
    return server.openClientConnections();
  }

  /** Sends every URL through this proxy (the JDK HttpClient's way). */
  public ProxySelector selector() {
    return ProxySelector.of(address());
  }

  @Override
  public synchronized void close() {
    if (server != null) {
      server.close();
      server = null;
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    start();
  }

  @Override
  public void afterEach(ExtensionContext context) {
    close();
  }
}
