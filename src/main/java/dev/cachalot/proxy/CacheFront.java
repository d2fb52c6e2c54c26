package dev.cachalot.proxy;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.CachePolicy;
import dev.cachalot.cache.CacheStatus;
import dev.cachalot.cache.Decision;
import dev.cachalot.cache.Invalidation;
import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.Vary;
import dev.cachalot.cache.store.CachedResponse;
import dev.cachalot.cache.store.RedisStore;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Acts on the cache decision for one request: serve from the store, collapse onto a fill in
 * progress, validate, or forward; and invalidate after unsafe methods (RFC 9111 §4.4). The decision
 * itself is {@link CachePolicy}'s; this class only carries it out.
 */
final class CacheFront {

  private static final Logger log = LoggerFactory.getLogger(CacheFront.class);

  private CacheFront() {}

  static void handle(ClientSide client, ProxyEngine engine, HttpRequest clientRequest, Target target, long start,
      ExchangeStarter exchanges) {
    RequestHead request = Heads.request(clientRequest, target.absoluteUri());
    CacheKey key;
    try {
      key = target.cacheKey();
    } catch (IllegalArgumentException e) {
      exchanges.start(ExchangeObserver.NONE, null);
      return;
    }
    if (!request.isGetOrHead()) {
      exchanges.start(new InvalidatingObserver(engine, request, key), null);
      return;
    }
    var bypass = engine.cacheConfig.rules().bypass(request); // operator rule: no lookup, no store
    if (bypass.isPresent()) {
      log.debug("{} {}: PASS ({})", request.method(), request.uri(), bypass.get().reason());
      exchanges.start(new BypassObserver(engine.cacheName, bypass.get()), null);
      return;
    }
    CompletableFuture<List<CachedResponse>> stored = engine.store.lookup(key);
    if (stored.isDone()) {
      decide(client, engine, clientRequest, request, key, target, start, exchanges, stored.join(), false);
    } else {
      // Read from disk by a store thread: continue on this connection's event loop.
      stored.whenComplete((variants, failure) -> client.loop().execute(() -> decide(client, engine, clientRequest,
          request, key, target, start, exchanges, variants == null ? List.of() : variants, false)));
    }
  }

  private static void decide(ClientSide client, ProxyEngine engine, HttpRequest clientRequest, RequestHead request,
      CacheKey key, Target target, long start, ExchangeStarter exchanges, List<CachedResponse> stored,
      boolean fleetChecked) {
    Instant now = engine.clock.instant();
    Optional<CachedResponse> selected = newestMatching(stored, request);
    Decision decision = CachePolicy.decide(request, selected.map(CachedResponse::meta), now, engine.cacheConfig);
    if (Trace.on()) {
      Trace.event("cache {} {}: {} ({})", request.method(), request.uri(), decision.kind(), decision.reason());
    } else {
      log.debug("{} {}: {} ({})", request.method(), request.uri(), decision.kind(), decision.reason());
    }
    switch (decision.kind()) {
      case FRESH, STALE -> {
        CacheStatus status = CacheStatus.hit(engine.cacheName, decision.ttlSeconds().orElse(0));
        status = decision.rule().isPresent() ? status.withDetail(decision.rule().get().detail()) : status;
        String result = decision.kind() == Decision.Kind.FRESH ? "TCP_MEM_HIT" : "TCP_STALE_HIT";
        if (!Responder.serve(client, engine, clientRequest, request, selected.get(), status, result, "HIER_NONE/-", start)) {
          miss(client, engine, clientRequest, request, key, target, start, exchanges, CacheStatus.Fwd.MISS, true);
        }
      }
      case STALE_WHILE_REVALIDATE -> {
        CacheStatus status = CacheStatus.hit(engine.cacheName, decision.ttlSeconds().orElse(0))
            .withDetail("stale-while-revalidate");
        if (Responder.serve(client, engine, clientRequest, request, selected.get(), status, "TCP_STALE_HIT", "HIER_NONE/-", start)) {
          revalidateInBackground(engine, clientRequest, request, key, target, selected.get(), decision);
        } else {
          miss(client, engine, clientRequest, request, key, target, start, exchanges, CacheStatus.Fwd.MISS, true);
        }
      }
      case VALIDATE -> {
        CacheStatus.Fwd fwd = request.headers().contains("Cache-Control") || request.headers().contains("Pragma")
            ? CacheStatus.Fwd.REQUEST : CacheStatus.Fwd.STALE;
        HttpHeaders conditional = Heads.netty(decision.conditionalHeaders());
        exchanges.start(new StoringObserver(engine, client, clientRequest, request, key, null, selected.get(), fwd, start),
            conditional);
      }
      case MISS -> miss(client, engine, clientRequest, request, key, target, start, exchanges,
          selected.isEmpty() && !stored.isEmpty() ? CacheStatus.Fwd.VARY_MISS : CacheStatus.Fwd.URI_MISS, fleetChecked);
      case GATEWAY_TIMEOUT -> {
        var response = ErrorResponses.of(client.alloc(), HttpResponseStatus.GATEWAY_TIMEOUT,
            "only-if-cached: no stored response for " + request.uri(), engine.config.pseudonym());
        response.headers().add("Cache-Status", CacheStatus.forward(engine.cacheName, CacheStatus.Fwd.MISS).format());
        client.write(response).addListener(f -> {
          client.logAccess(start, "TCP_MISS", 504, response.content().readableBytes(), clientRequest, "HIER_NONE/-", "text/plain");
          client.exchangeDone(f.isSuccess() && io.netty.handler.codec.http.HttpUtil.isKeepAlive(clientRequest));
        });
      }
      default -> exchanges.start(ExchangeObserver.NONE, null);
    }
  }

  /** The most recent stored variant whose Vary'd request fields match (RFC 9111 §4.1). */
  private static Optional<CachedResponse> newestMatching(List<CachedResponse> stored, RequestHead request) {
    CachedResponse newest = null;
    for (int i = 0; i < stored.size(); i++) {
      CachedResponse entry = stored.get(i);
      if (Vary.matches(entry.meta(), request)
          && (newest == null || entry.meta().responseTime().isAfter(newest.meta().responseTime()))) {
        newest = entry;
      }
    }
    return Optional.ofNullable(newest);
  }

  /**
   * A miss for a plain GET joins the fill already under way for its URI, or leads a new one. HEAD,
   * ranges, conditional requests and URIs whose last response could not be stored (see
   * {@link UncacheableMemo}) go to the origin on their own.
   */
  private static void miss(ClientSide client, ProxyEngine engine, HttpRequest clientRequest, RequestHead request,
      CacheKey key, Target target, long start, ExchangeStarter exchanges, CacheStatus.Fwd fwd, boolean fleetChecked) {
    boolean collapsible = HttpMethod.GET.equals(clientRequest.method())
        && !engine.uncacheable.contains(key)
        && !clientRequest.headers().contains(HttpHeaderNames.RANGE)
        && !clientRequest.headers().contains(HttpHeaderNames.IF_NONE_MATCH)
        && !clientRequest.headers().contains(HttpHeaderNames.IF_MODIFIED_SINCE);
    if (!collapsible) {
      exchanges.start(new StoringObserver(engine, client, clientRequest, request, key, null, null, fwd, start), null);
      return;
    }
    if (!fleetChecked && engine.shared != null && engine.shared.redisUp() && !engine.fills.containsKey(key)) {
      // Fleet-wide collapsing: one instance holds the fill lease; the others wait for its entry.
      engine.shared.redis().lease(key).whenComplete((lease, failure) -> client.loop().execute(() -> {
        if (lease == RedisStore.Lease.HELD) {
          long deadline = System.nanoTime() + FLEET_WAIT.toNanos();
          awaitFleetFill(client, engine, clientRequest, request, key, target, start, exchanges, fwd, deadline);
        } else {
          collapse(client, engine, clientRequest, request, key, start, exchanges, fwd);
        }
      }));
      return;
    }
    collapse(client, engine, clientRequest, request, key, start, exchanges, fwd);
  }

  /** How long a miss waits for another instance's fill before asking the origin itself. */
  static final java.time.Duration FLEET_WAIT = java.time.Duration.ofSeconds(2);
  static final long FLEET_POLL_MILLIS = 50;

  /**
   * Polls the shared tier, off the event loop (Lettuce futures, then an event-loop timer), until the
   * lease holder's entry appears, the lease is gone (its fill was not shareable, or its holder died),
   * or the wait is over; then serves the entry or goes to the origin.
   */
  private static void awaitFleetFill(ClientSide client, ProxyEngine engine, HttpRequest clientRequest,
      RequestHead request, CacheKey key, Target target, long start, ExchangeStarter exchanges, CacheStatus.Fwd fwd,
      long deadline) {
    engine.shared.redis().leaseHeld(key).thenCompose(held -> engine.shared.lookupShared(key)
            .thenApply(found -> java.util.Map.entry(held, found)))
        .whenComplete((result, failure) -> client.loop().execute(() -> {
          // A failed or timed-out poll (Redis busy) proves nothing: poll again until the deadline.
          List<CachedResponse> found = result == null ? List.of() : result.getValue();
          boolean held = result == null || result.getKey();
          if (!found.isEmpty()) {
            decide(client, engine, clientRequest, request, key, target, start, exchanges, found, true);
          } else if (!held || System.nanoTime() >= deadline || !engine.shared.redisUp()) {
            collapse(client, engine, clientRequest, request, key, start, exchanges, fwd);
          } else {
            client.loop().schedule(() -> awaitFleetFill(client, engine, clientRequest, request, key, target, start,
                exchanges, fwd, deadline), FLEET_POLL_MILLIS, java.util.concurrent.TimeUnit.MILLISECONDS);
          }
        }));
  }

  /** Joins this instance's fill under way for the URI, or leads a new one. */
  private static void collapse(ClientSide client, ProxyEngine engine, HttpRequest clientRequest, RequestHead request,
      CacheKey key, long start, ExchangeStarter exchanges, CacheStatus.Fwd fwd) {
    CacheFill mine = new CacheFill(key);
    CacheFill leader = engine.fills.putIfAbsent(key, mine);
    if (leader != null) {
      Runnable alone = () -> exchanges.start(
          new StoringObserver(engine, client, clientRequest, request, key, null, null, fwd, start), null);
      if (leader.follow(new CollapsedRequest(client, engine, clientRequest, request, start, alone))) {
        return;
      }
      alone.run();
      return;
    }
    exchanges.start(new StoringObserver(engine, client, clientRequest, request, key, mine, null, fwd, start), null);
  }

  /** RFC 5861 §3: one background validation per URI, whose answer only refreshes the store. */
  private static void revalidateInBackground(ProxyEngine engine, HttpRequest clientRequest, RequestHead request,
      CacheKey key, Target target, CachedResponse stale, Decision decision) {
    if (!engine.revalidating.add(key)) {
      return;
    }
    DetachedClient detached = new DetachedClient(engine.nextLoop(), engine.accessLog);
    HttpRequest background = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, clientRequest.uri(),
        clientRequest.headers().copy());
    StoringObserver observer = new StoringObserver(engine, detached, background, request, key, null, stale,
        CacheStatus.Fwd.STALE, System.currentTimeMillis());
    ExchangeObserver releasing = new ExchangeObserver() {
      @Override
      public void onOriginConnected(java.net.SocketAddress origin) {
        observer.onOriginConnected(origin);
      }

      @Override
      public boolean onResponseHead(HttpResponse originResponse, HttpHeaders clientHeaders) {
        engine.revalidating.remove(key);
        return observer.onResponseHead(originResponse, clientHeaders);
      }

      @Override
      public void onResponseContent(io.netty.buffer.ByteBuf content) {
        observer.onResponseContent(content);
      }

      @Override
      public void onResponseComplete() {
        observer.onResponseComplete();
      }

      @Override
      public void onAbort() {
        engine.revalidating.remove(key);
        observer.onAbort();
      }

      @Override
      public boolean onOriginUnreachable(Throwable cause) {
        engine.revalidating.remove(key);
        return true;
      }

      @Override
      public String accessResult() {
        return "TCP_REFRESH";
      }
    };
    ForwardExchange exchange = new ForwardExchange(detached, engine, background, target, System.currentTimeMillis(),
        releasing, Heads.netty(decision.conditionalHeaders()));
    detached.loop().execute(exchange::start);
  }

  /** Starts the forwarded exchange for the request being handled. */
  interface ExchangeStarter {
    void start(ExchangeObserver observer, HttpHeaders originOverrides);
  }

  /** After an unsafe method, drops what the response says has changed (RFC 9111 §4.4). */
  private static final class InvalidatingObserver implements ExchangeObserver {
    private final ProxyEngine engine;
    private final RequestHead request;
    private final CacheKey key;

    InvalidatingObserver(ProxyEngine engine, RequestHead request, CacheKey key) {
      this.engine = engine;
      this.request = request;
      this.key = key;
    }

    @Override
    public boolean onResponseHead(HttpResponse originResponse, HttpHeaders clientHeaders) {
      ResponseHead head = Heads.response(originResponse, originResponse.headers());
      for (CacheKey target : Invalidation.targets(request, head)) {
        engine.store.remove(target);
      }
      clientHeaders.add("Cache-Status", CacheStatus.forward(engine.cacheName, CacheStatus.Fwd.METHOD)
          .withFwdStatus(head.status()).format());
      return true;
    }
  }
}
