package dev.cachalot.proxy;

import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.store.MemoryStore;
import dev.cachalot.transport.Transport;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import java.time.Clock;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import java.util.concurrent.TimeUnit;

/**
 * What every client connection shares: the origin connection pool, the DNS resolver and its cache,
 * and the access log. Builds each client connection's pipeline.
 */
final class ProxyEngine {

  static final int MAX_INITIAL_LINE = 8 * 1024;
  static final int MAX_HEADER_SIZE = 64 * 1024;

  final ProxyConfig config;
  final Transport transport;
  final OriginPool pool;
  final Bootstrap tunnelBootstrap;
  final AccessLog accessLog;
  final ProxyListener listener;
  final MemoryStore store;
  /** Replaced as a whole on reload (rules, heuristic, Set-Cookie sharing); each read sees one consistent value. */
  volatile CacheConfig cacheConfig;
  final String cacheName = "Cachalot";
  final Clock clock = Clock.systemUTC();
  final ByteBufAllocator allocator = ByteBufAllocator.DEFAULT;
  final ConcurrentHashMap<CacheKey, CacheFill> fills = new ConcurrentHashMap<>();
  final Set<CacheKey> revalidating = ConcurrentHashMap.newKeySet();
  private final EventLoopGroup group;
  private final DnsAddressResolverGroup resolver;

  ProxyEngine(ProxyConfig config, Transport transport, EventLoopGroup group) {
    this(config, transport, group, Observability.DEFAULT);
  }

  @SuppressWarnings("unchecked")
  ProxyEngine(ProxyConfig config, Transport transport, EventLoopGroup group, Observability observability) {
    this.listener = observability.listener();
    this.config = config;
    this.transport = transport;
    this.group = group;
    this.store = new MemoryStore(config.cacheMemBytes());
    this.cacheConfig = config.cache();
    this.resolver = new DnsAddressResolverGroup(new DnsNameResolverBuilder()
        .datagramChannelType((Class<? extends DatagramChannel>) transport.datagramChannel())
        .queryTimeoutMillis(config.dnsQueryTimeout().toMillis())
        .maxQueriesPerResolve(4));
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
            new HttpClientCodec(originDecoderConfig(), HttpClientCodec.DEFAULT_FAIL_ON_MISSING_RESPONSE,
                HttpClientCodec.DEFAULT_PARSE_HTTP_AFTER_CONNECT_REQUEST),
            new OriginHandler());
      }
    }), config.maxConnectionsPerOrigin(), config.connectTimeout());
    this.tunnelBootstrap = base.clone().option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.ALLOW_HALF_CLOSURE, true);
    this.accessLog = AccessLog.open(config.accessLog(), observability);
  }

  void initClientChannel(Channel ch) {
    ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
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
        .setValidateHeaders(true);
  }

  EventLoop nextLoop() {
    return group.next();
  }

  /** What each cache tier holds now (the admin endpoint's gauges). */
  java.util.List<TierSize> tiers() {
    return java.util.List.of(new TierSize("memory", store.entryCount(), store.weightedBytes()));
  }

  void close() {
    store.close();
    pool.closeAll();
    resolver.close();
    accessLog.close();
  }
}
