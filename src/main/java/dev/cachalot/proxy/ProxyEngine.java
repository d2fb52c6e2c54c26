package dev.cachalot.proxy;

import dev.cachalot.UserFacingException;
import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.store.DiskStore;
import dev.cachalot.cache.store.MemoryStore;
import dev.cachalot.cache.store.SharedStore;
import dev.cachalot.cache.store.Store;
import dev.cachalot.cache.store.TieredStore;
import dev.cachalot.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.SocketAddress;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * What every client connection shares: the origin connection pool, the DNS resolver and its cache,
 * and the access log. Builds each client connection's pipeline.
 */
final class ProxyEngine {

  static final int MAX_INITIAL_LINE = 8 * 1024;
  static final int MAX_HEADER_SIZE = 64 * 1024;
  /**
   * Bytes of a response the kernel may hold for a client beyond its window: bounded, so that it does
   * not copy megabytes ahead of a slow reader, but not below what keeps the send path from being cut
   * into small writes. Where it sits matters on loopback, where the core of whichever side the kernel
   * sends from also does the receive work: a 10 MiB memory hit with the server's core the bottleneck
   * (2026-12-07, wrk on the other core) went 2.5 GB/s at 128 and 256 KiB, 4.4 GB/s at 512 KiB,
   * 1 MiB, 2 MiB and unbounded; on a machine where wrk's core was the bottleneck (2026-11-25) 128 KiB
   * had lifted it from 1.36 to 1.65–1.94 GB/s. Tunnels measured the same at 128 KiB and 1 MiB.
   */
  static final long CLIENT_UNSENT_LIMIT = 1024 * 1024;

  final ProxyConfig config;
  final Transport transport;
  final OriginPool pool;
  final Bootstrap tunnelBootstrap;
  final AccessLog accessLog;
  final ProxyListener listener;
  final Store store;
  /** The fleet's shared tier in front of {@link #store}'s local ones; null without Redis. */
  final SharedStore shared;
  /** Replaced as a whole on reload (rules, heuristic, Set-Cookie sharing); each read sees one consistent value. */
  volatile CacheConfig cacheConfig;
  final String cacheName = "Cachalot";
  final Clock clock = Clock.systemUTC();
  final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
  final ConcurrentHashMap<CacheKey, CacheFill> fills = new ConcurrentHashMap<>();
  final Set<CacheKey> revalidating = ConcurrentHashMap.newKeySet();
  final UncacheableMemo uncacheable = new UncacheableMemo();
  final SecurityConfig security;
  final ClientAccess access;
  /** Where credentials not verified before are hashed: one thread, off the event loops (see ProxyFrontend). */
  final ExecutorService credentialChecks = Executors.newSingleThreadExecutor(
      new DefaultThreadFactory("cachalot-credentials", true));
  /** Whether an --allow network reaches beyond loopback. */
  private final boolean remoteClientsAdmitted;
  final ConnectionLimits limits;
  /** The proxy's own listening addresses, for the loop guard; set once bound. */
  volatile java.util.List<java.net.InetSocketAddress> ownAddresses = java.util.List.of();
  private final EventLoopGroup group;
  private final DestinationGuard resolver;

  ProxyEngine(ProxyConfig config, Transport transport, EventLoopGroup group) {
    this(config, transport, group, Observability.DEFAULT, SecurityConfig.defaults());
  }

  ProxyEngine(ProxyConfig config, Transport transport, EventLoopGroup group, Observability observability) {
    this(config, transport, group, observability, SecurityConfig.defaults());
  }

  @SuppressWarnings("unchecked")
  ProxyEngine(ProxyConfig config, Transport transport, EventLoopGroup group, Observability observability,
      SecurityConfig security) {
    this.listener = observability.listener();
    this.config = config;
    this.security = security;
    this.access = new ClientAccess(security);
    this.remoteClientsAdmitted = security.allow().stream().anyMatch(network -> !network.withinLoopback());
    this.limits = new ConnectionLimits(security.maxConnections(), security.maxConnectionsPerClient());
    this.transport = transport;
    this.group = group;
    this.cacheConfig = config.cache();
    Store local = openStore(config);
    this.shared = config.redis().map(r -> new SharedStore(local, r, () -> cacheConfig,
        config.cacheDir().map(dir -> dir.resolve(SharedStore.JOURNAL_POSITION)))).orElse(null);
    this.store = shared != null ? shared : local;
    // Every origin and tunnel address passes the SSRF/loop guard after resolution.
    this.resolver = new DestinationGuard(new DnsAddressResolverGroup(new DnsNameResolverBuilder()
        .datagramChannelType((Class<? extends DatagramChannel>) transport.datagramChannel())
        .queryTimeoutMillis(config.dnsQueryTimeout().toMillis())
        .maxQueriesPerResolve(4)), security.allowLinkLocal(), () -> ownAddresses);
    Bootstrap base = new Bootstrap()
        .group(group)
        .channel(transport.socketChannel())
        .resolver(resolver)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) config.connectTimeout().toMillis());
    this.pool = new OriginPool(base.clone().handler(new ChannelInitializer<Channel>() {
      @Override
      protected void initChannel(Channel ch) {
        ch.pipeline().addLast(
            new IdleStateHandler(0, 0, config.originIdleTimeout().toMillis(), TimeUnit.MILLISECONDS),
            new OriginOverrun(),
            new HttpClientCodec(originDecoderConfig(), HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE,
                HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST),
            new OriginHandler());
      }
    }), config.maxConnectionsPerOrigin(), config.connectTimeout());
    this.tunnelBootstrap = base.clone().option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    this.accessLog = AccessLog.open(config.accessLog(), observability);
  }

  /**
   * Whether a response from {@code origin} may be stored. Not one from this host's loopback
   * interface in forward mode while remote clients are admitted: the loopback guard keeps those
   * clients from such origins, and a stored copy would reach them as a hit.
   */
  boolean mayStoreFrom(SocketAddress origin) {
    return config.reverse().enabled() || !remoteClientsAdmitted || !DestinationGuard.onThisHostsLoopback(origin);
  }

  /** Memory only, or memory in front of the cache directory. */
  private static Store openStore(ProxyConfig config) {
    MemoryStore memory = new MemoryStore(config.cacheMemBytes());
    if (config.cacheDir().isEmpty()) {
      return memory;
    }
    try {
      DiskStore disk = DiskStore.open(config.cacheDir().get(), config.cacheDiskBytes(), false);
      return new TieredStore(memory, disk, ByteBufAllocator.DEFAULT);
    } catch (java.io.IOException e) {
      memory.close();
      throw new UserFacingException("cannot use cache directory " + config.cacheDir().get() + ": " + e.getMessage()
          + " (choose another with --cache-dir, or --cache-dir none for memory only)", 2, e);
    }
  }

  /** Client connections, for a graceful shutdown. */
  final ChannelGroup clients = new DefaultChannelGroup("clients", GlobalEventExecutor.INSTANCE);

  void initClientChannel(Channel ch) {
    clients.add(ch);
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
    String refusal = limits.admit(ch);
    if (refusal != null) {
      ch.pipeline().addLast(new ConnectionLimits.Refuse(refusal, this));
      return;
    }
    transport.limitUnsent(ch, CLIENT_UNSENT_LIMIT);
    listener.connectionOpened();
    ch.closeFuture().addListener(f -> listener.connectionClosed());
    ClientPipeline.init(ch.pipeline(), this);
  }

  /**
   * Origin responses are decoded strictly: a response whose framing is ambiguous (Content-Length and
   * Transfer-Encoding together, differing Content-Length values) could desynchronise the pooled
   * connection or poison the cache, so the decoder rejects it and the exchange answers 502.
   */
  private static HttpDecoderConfig originDecoderConfig() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(MAX_INITIAL_LINE)
        .setMaxHeaderSize(MAX_HEADER_SIZE)
        .setMaxChunkSize(64 * 1024)
        .setAllowDuplicateContentLengths(false)
        .setValidateHeaders(true)
        // A response with a bare CR or LF line end, or a Transfer-Encoding not ending in chunked
        // together with a Content-Length, is as ambiguous as such a request: 502, never cached.
        .setStrictLineParsing(true)
        .setUseRfc9112TransferEncoding(true);
  }

  EventLoop nextLoop() {
    return group.next();
  }

  /** What each cache tier holds now (the admin endpoint's gauges). */
  java.util.List<TierSize> tiers() {
    Store.Stats s = store.stats();
    if (s.diskMaxBytes() == 0) {
      return java.util.List.of(new TierSize("memory", s.memoryEntries(), s.memoryBytes()));
    }
    return java.util.List.of(new TierSize("memory", s.memoryEntries(), s.memoryBytes()),
        new TierSize("disk", s.diskEntries(), s.diskBytes()));
  }

  /** The fill this instance led for {@code key} will not be shared: the fleet need not wait for it. */
  void fleetNotShared(CacheKey key) {
    if (shared != null) {
      shared.redis().leaseNotShared(key);
    }
  }

  /** Whether the shared Redis tier is reachable; false without one. */
  boolean redisUp() {
    return shared != null && shared.redisUp();
  }

  /** Closes client connections that are between requests; returns how many connections remain. */
  int closeIdleClients() {
    for (Channel ch : clients) {
      ch.eventLoop().execute(() -> {
        ProxyFrontend frontend = ch.pipeline().get(ProxyFrontend.class);
        boolean idle = frontend != null ? frontend.isIdle() : ch.pipeline().get(FirstLineSniffer.class) != null;
        if (idle) {
          ch.close();
        }
      });
    }
    return clients.size();
  }

  void close() {
    credentialChecks.shutdownNow();
    store.close();
    pool.closeAll();
    resolver.close();
    accessLog.close();
  }
}
