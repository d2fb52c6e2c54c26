package dev.cachalot.admin;

import dev.cachalot.proxy.ProxyListener;
import dev.cachalot.proxy.TierSize;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Hears the proxy ({@link ProxyListener}) and keeps two views of it: Micrometer meters for
 * {@code /metrics} (Prometheus text) and {@link LiveStats} for {@code /api/stats} and the dashboard.
 * Every callback is a few counter increments: safe on an event loop.
 */
public final class ProxyMetrics implements ProxyListener, AutoCloseable {

  /** Methods that get their own label; anything else is OTHER, so a client cannot grow the label set. */
  private static final Set<String> METHODS =
      Set.of("GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "CONNECT", "TRACE", "PURGE");

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final LiveStats stats;
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong tunnels = new AtomicLong();
  private final ConcurrentHashMap<CounterKey, Counter> requestCounters = new ConcurrentHashMap<>();

  /** One {@code cachalot_requests} series; a record, so that counting a request builds no string. */
  private record CounterKey(String method, int statusClass, String result) {
    String statusLabel() {
      return statusClass == 0 ? "none" : statusClass + "xx";
    }
  }
  private final Counter hits;
  private final Counter misses;
  private final Counter revalidations;
  private final Counter coalesced;
  private final Counter bytesFromCache;
  private final Counter bytesFromOrigin;
  private final Counter tunnelBytes;
  private final Timer originLatency;
  private final Timer clientLatency;
  private final JvmGcMetrics gc = new JvmGcMetrics();
  private volatile Supplier<List<TierSize>> tiers = List::of;

  public ProxyMetrics() {
    this(System::currentTimeMillis);
  }

  ProxyMetrics(LongSupplier clockMillis) {
    this.stats = new LiveStats(clockMillis);
    hits = Counter.builder("cachalot.cache.hits").description("Requests answered from a stored response")
        .register(registry);
    misses = Counter.builder("cachalot.cache.misses").description("Requests forwarded because nothing usable was stored")
        .register(registry);
    revalidations = Counter.builder("cachalot.cache.revalidations")
        .description("Conditional requests to an origin for a stored response (background ones included)")
        .register(registry);
    coalesced = Counter.builder("cachalot.cache.coalesced")
        .description("Requests that waited for another request's fill instead of asking the origin")
        .register(registry);
    bytesFromCache = Counter.builder("cachalot.bytes.served").tag("source", "cache").baseUnit("bytes")
        .description("Body bytes sent to clients, by where they came from").register(registry);
    bytesFromOrigin = Counter.builder("cachalot.bytes.served").tag("source", "origin").baseUnit("bytes")
        .description("Body bytes sent to clients, by where they came from").register(registry);
    tunnelBytes = Counter.builder("cachalot.tunnel.bytes").baseUnit("bytes")
        .description("Bytes relayed through CONNECT tunnels, both ways").register(registry);
    originLatency = Timer.builder("cachalot.origin.latency")
        .description("From sending the request head to an origin to receiving its response head")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    clientLatency = Timer.builder("cachalot.client.latency")
        .description("Elapsed time per client request, from its head to the end of the response")
        .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
        .maximumExpectedValue(Duration.ofSeconds(60)).register(registry);
    Gauge.builder("cachalot.client.connections", connections, AtomicLong::get)
        .description("Open client connections").register(registry);
    Gauge.builder("cachalot.tunnels", tunnels, AtomicLong::get).description("Open CONNECT tunnels").register(registry);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    gc.bindTo(registry);
  }

  /**
   * Reads tier sizes from {@code source} (the proxy's {@code tiers()}) and exposes one pair of gauges
   * per tier present now.
   */
  public ProxyMetrics watchTiers(Supplier<List<TierSize>> source) {
    this.tiers = source;
    for (TierSize tier : source.get()) {
      String name = tier.name();
      Gauge.builder("cachalot.cache.entries", () -> size(name, false)).tag("tier", name)
          .description("Entries held by a cache tier").register(registry);
      Gauge.builder("cachalot.cache.size", () -> size(name, true)).tag("tier", name).baseUnit("bytes")
          .description("Bytes held by a cache tier").register(registry);
    }
    return this;
  }

  /** Exposes the shared Redis tier's state (1 up, 0 down), for proxies started with --cache-store. */
  public ProxyMetrics watchRedis(java.util.function.BooleanSupplier up) {
    Gauge.builder("cachalot.redis.up", () -> up.getAsBoolean() ? 1 : 0)
        .description("1 while the shared Redis tier is connected, 0 while the proxy serves without it")
        .register(registry);
    return this;
  }

  private double size(String tier, boolean bytes) {
    for (TierSize t : tiers.get()) {
      if (t.name().equals(tier)) {
        return bytes ? t.bytes() : t.entries();
      }
    }
    return 0;
  }

  @Override
  public void connectionOpened() {
    connections.incrementAndGet();
  }

  @Override
  public void connectionClosed() {
    connections.decrementAndGet();
  }

  @Override
  public void tunnelOpened() {
    tunnels.incrementAndGet();
  }

  @Override
  public void tunnelClosed() {
    tunnels.decrementAndGet();
  }

  @Override
  public void originResponded(long nanos) {
    originLatency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void requestFinished(Finished request) {
    ResultKind kind = ResultKind.of(request.result());
    String method = METHODS.contains(request.method()) ? request.method() : "OTHER";
    int statusClass = request.status() < 100 || request.status() > 599 ? 0 : request.status() / 100;
    CounterKey key = new CounterKey(method, statusClass, request.result());
    Counter counter = requestCounters.get(key);
    if (counter == null) {
      counter = requestCounters.computeIfAbsent(key, k -> Counter.builder("cachalot.requests")
          .description("Finished requests by method, status class and result")
          .tag("method", k.method()).tag("status", k.statusLabel()).tag("result", k.result()).register(registry));
    }
    counter.increment();
    switch (kind) {
      case HIT -> hits.increment();
      case MISS -> misses.increment();
      case COALESCED -> coalesced.increment();
      case TUNNEL -> tunnelBytes.increment(request.bytes());
      default -> { }
    }
    if (kind.revalidation()) {
      revalidations.increment();
    }
    boolean background = request.result().endsWith("_BACKGROUND");
    if (kind.servedFromCache()) {
      bytesFromCache.increment(request.bytes());
    } else if ((kind == ResultKind.MISS || kind == ResultKind.REFRESHED) && !background) {
      bytesFromOrigin.increment(request.bytes());
    }
    if (kind != ResultKind.TUNNEL && !background) {
      clientLatency.record(request.elapsedMillis(), TimeUnit.MILLISECONDS);
    }
    stats.record(request, kind);
  }

  /** Everything in Prometheus text exposition format. */
  public String prometheus() {
    return registry.scrape();
  }

  /** The JSON document of {@code /api/stats}. */
  public String statsJson() {
    return stats.json(tiers.get(), connections.get(), tunnels.get());
  }

  @Override
  public void close() {
    gc.close();
    registry.close();
  }
}
