package dev.cachalot.proxy;

import dev.cachalot.UserFacingException;
import dev.cachalot.cache.CacheConfig;
import dev.cachalot.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The proxy's listening socket and the event loops that serve it and its origin connections. */
public final class ProxyServer implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final ProxyConfig config;
  private final Transport transport = Transport.best();
  private final EventLoopGroup group;
  private final ProxyEngine engine;
  private Channel serverChannel;
  private boolean closed;

  private ProxyServer(ProxyConfig config, Observability observability, SecurityConfig security) {
    this.config = config;
    // One event loop per core (Netty's own default is two per core, which only adds switching).
    int loops = config.ioThreads() > 0 ? config.ioThreads() : Runtime.getRuntime().availableProcessors();
    this.group = transport.newGroup(loops, new DefaultThreadFactory("cachalot-io", true));
    this.engine = new ProxyEngine(config, transport, group, observability, security);
  }

  /** Binds the listening socket; when this returns, connections are accepted. */
  public static ProxyServer start(ProxyConfig config) {
    return start(config, Observability.DEFAULT, SecurityConfig.defaults());
  }

  /** As {@link #start(ProxyConfig)}, reporting to {@code observability}'s listener. */
  public static ProxyServer start(ProxyConfig config, Observability observability) {
    return start(config, observability, SecurityConfig.defaults());
  }

  /** As {@link #start(ProxyConfig)}, with access control and limits from {@code security}. */
  public static ProxyServer start(ProxyConfig config, SecurityConfig security) {
    return start(config, Observability.DEFAULT, security);
  }

  /** Binds the listening socket with every setting given. */
  public static ProxyServer start(ProxyConfig config, Observability observability, SecurityConfig security) {
    ProxyServer server = new ProxyServer(config, observability, security);
    try {
      server.bind();
      return server;
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
  }

  private void bind() {
    ServerBootstrap bootstrap = new ServerBootstrap()
        .group(group)
        .channel(transport.serverChannel())
        .option(ChannelOption.SO_BACKLOG, 4096)
        .option(ChannelOption.SO_REUSEADDR, true)
        .childOption(ChannelOption.AUTO_READ, false)
        .childOption(ChannelOption.TCP_NODELAY, true)
        .childHandler(new ChannelInitializer<Channel>() {
          @Override
          protected void initChannel(Channel ch) {
            engine.initClientChannel(ch);
          }
        });
    try {
      serverChannel = bootstrap.bind(config.listen()).syncUninterruptibly().channel();
    } catch (Exception e) {
      if (e instanceof BindException) {
        throw new UserFacingException("cannot listen on " + hostPort(config.listen()) + ": " + e.getMessage()
            + " (another proxy running? choose another port with --listen)", 2, e);
      }
      throw new UserFacingException("cannot listen on " + hostPort(config.listen()) + ": " + e, 2, e);
    }
    engine.ownAddresses = java.util.List.of(address());
  }

  /**
   * Logs "Cachalot proxy ready on HOST:PORT". The proxy accepts connections once {@code start}
   * returns; its caller says so once what it sets up around the proxy is in place too (the admin
   * port, signal handlers), since scripts act on this line: a SIGTERM sent on it must stop the proxy
   * gracefully, not end the JVM.
   */
  public void announceReady() {
    log.info("Cachalot proxy ready on {}", hostPort(address()));
  }

  /** The cache settings in force (rules included). */
  public CacheConfig cacheConfig() {
    return engine.cacheConfig;
  }

  /**
   * Hot reload: requests that start from now on use {@code cache} (rules, heuristic, Set-Cookie
   * sharing, largest object); requests already under way finish with what they read.
   */
  public void cacheConfig(CacheConfig cache) {
    engine.cacheConfig = java.util.Objects.requireNonNull(cache, "cache");
  }

  public InetSocketAddress address() {
    return (InetSocketAddress) serverChannel.localAddress();
  }

  /** Client connections open now (those counted against the connection caps). */
  public int openClientConnections() {
    return engine.limits.open();
  }

  /** What each cache tier holds now. */
  public java.util.List<TierSize> tiers() {
    return engine.tiers();
  }

  /** Whether the fleet's shared Redis tier is reachable now (false when none is configured). */
  /** True when the proxy was started with a shared Redis tier (--cache-store). */
  public boolean usesRedis() {
    return engine.shared != null;
  }

  public boolean redisUp() {
    return engine.redisUp();
  }

  public Transport transport() {
    return transport;
  }

  /** Blocks until the listening socket closes (the CLI's main thread waits here). */
  public void awaitClose() throws InterruptedException {
    serverChannel.closeFuture().await();
  }

  @Override
  public void close() {
    shutdown(Duration.ZERO);
  }

  /**
   * Graceful stop: stops accepting, lets in-flight responses finish for up to {@code drain} (closing
   * each connection once it is between requests), closes what is left, then flushes the cache (queued
   * disk writes) and stops the event loops. Idempotent; a second caller waits for the first.
   */
  public synchronized void shutdown(Duration drain) {
    if (closed) {
      return;
    }
    closed = true;
    if (serverChannel != null) {
      serverChannel.close().syncUninterruptibly();
    }
    long deadline = System.nanoTime() + drain.toNanos();
    if (!drain.isZero()) {
      log.info("Cachalot proxy stopping: draining {} connection(s), up to {} s", engine.clients.size(), drain.toSeconds());
    }
    while (engine.closeIdleClients() > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (!engine.clients.isEmpty() && !drain.isZero()) {
      log.warn("closing {} connection(s) still busy after the drain timeout", engine.clients.size());
    }
    engine.clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
    engine.close();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  static String hostPort(InetSocketAddress address) {
    String host = address.getAddress() != null ? address.getAddress().getHostAddress() : address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }
}
