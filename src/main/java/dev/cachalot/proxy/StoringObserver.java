package dev.cachalot.proxy;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.CachePolicy;
import dev.cachalot.cache.CacheStatus;
import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.Storability;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.Validation;
import dev.cachalot.cache.Vary;
import dev.cachalot.cache.store.CachedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches a GET forwarded on a miss or for validation: stores the response while it streams to the
 * client when RFC 9111 §3 allows, refreshes the stored response from a 304 (§4.3.4), and serves the
 * stale response when the origin fails and the rules allow (RFC 5861 stale-if-error, §4.2.4).
 */
final class StoringObserver implements ExchangeObserver {

  private static final Logger log = LoggerFactory.getLogger(StoringObserver.class);

  private final ProxyEngine engine;
  private final ClientSide client;
  private final HttpRequest clientRequest;
  private final RequestHead request;
  private final CacheFill fill;
  private final CachedResponse validating;
  private final CacheKey key;
  private final CacheStatus.Fwd fwd;
  private final long start;
  private final Instant requestTime;
  /** The body copied so far when no fill collects it (a request that leads no collapsed fill). */
  private final List<ByteBuf> ownChunks = new ArrayList<>();
  /**
   * The stored body, written as it arrives, when the origin declared its length: one buffer that a
   * hit sends as one address range, with no copy at the end. A body of hundreds of read-sized
   * components (a 10 MiB one) cost a ByteBuffer per component on every write of every hit.
   */
  private ByteBuf body;
  private StoredResponse meta;
  private String variant;
  private boolean capturing;
  /** The whole response was stored (what the client does afterwards no longer matters to the cache). */
  private boolean completed;
  private long captured;
  private String result = "TCP_MISS";
  private boolean originMayBeStored = true;
  /** The access log's hierarchy field for an answer from the stored response: which origin was asked, if one was. */
  private String hierarchy = "HIER_NONE/-";

  /**
   * @param fill the collapsed fill this exchange leads, or null
   * @param validating the stale response being validated, or null on a miss
   */
  StoringObserver(ProxyEngine engine, ClientSide client, HttpRequest clientRequest, RequestHead request, CacheKey key,
      CacheFill fill, CachedResponse validating, CacheStatus.Fwd fwd, long start) {
    this.engine = engine;
    this.client = client;
    this.clientRequest = clientRequest;
    this.request = request;
    this.key = key;
    this.fill = fill;
    this.validating = validating;
    this.fwd = fwd;
    this.start = start;
    this.requestTime = engine.clock.instant();
    if (validating != null) {
      result = "TCP_REFRESH_MODIFIED";
    }
  }

  @Override
  public void onOriginConnected(SocketAddress origin) {
    originMayBeStored = engine.mayStoreFrom(origin);
    if (origin instanceof InetSocketAddress address && address.getAddress() != null) {
      hierarchy = "HIER_DIRECT/" + address.getAddress().getHostAddress();
    }
  }

  @Override
  public boolean onResponseHead(HttpResponse originResponse, HttpHeaders clientHeaders) {
    Instant responseTime = engine.clock.instant();
    ResponseHead head = Heads.response(originResponse, originResponse.headers());
    int status = head.status();
    if (validating != null && status == 304) {
      return answerFromValidated(head, responseTime);
    }
    if (validating != null && status >= 500 && status <= 504
        && CachePolicy.mayServeStaleOnError(validating.meta(), request, responseTime, engine.cacheConfig,
            CachePolicy.OriginFailure.ERROR_STATUS)) {
      return !serveStale("stale-if-error after " + status);
    }
    Storability.Verdict verdict = originMayBeStored ? Storability.check(request, head, engine.cacheConfig)
        : new Storability.Verdict(false, "from this host's loopback interface, which remote clients may not reach");
    StoredResponse candidate = null;
    if (verdict.storable()) {
      candidate = new StoredResponse(Storability.headersToStore(head), request.headers(), requestTime, responseTime);
      verdict = Storability.reusable(verdict, request, candidate, engine.cacheConfig);
    }
    long declared = HttpUtil.getContentLength(originResponse, -1L);
    boolean fits = declared <= engine.cacheConfig.maxObjectBytes();
    CacheStatus cacheStatus = CacheStatus.forward(engine.cacheName, fwd).withFwdStatus(status);
    if (verdict.storable() && fits) {
      meta = candidate;
      variant = Vary.secondaryKey(candidate.head(), request);
      capturing = true;
      if (declared >= 0 && declared <= Integer.MAX_VALUE) {
        body = engine.allocator.directBuffer((int) declared, (int) declared);
      }
      engine.uncacheable.forget(key);
      cacheStatus = cacheStatus.withStored(true);
      if (fill != null) {
        fill.head(meta);
      }
    } else {
      log.debug("not storing {}: {}", request.uri(), verdict.storable() ? "larger than --cache-max-object" : verdict.reason());
      if (HttpMethod.GET.equals(clientRequest.method()) && status < 500) {
        engine.uncacheable.remember(key);
      }
      if (fill != null) {
        fill.notShared();
        engine.fills.remove(fill.key, fill);
        engine.fleetNotShared(fill.key);
      }
      if (validating != null && status < 500) {
        engine.store.remove(validating);
      }
    }
    cacheStatus = verdict.rule().isPresent() ? cacheStatus.withDetail(verdict.rule().get().detail()) : cacheStatus;
    clientHeaders.add("Cache-Status", cacheStatus.format());
    return true;
  }

  private boolean answerFromValidated(ResponseHead notModified, Instant responseTime) {
    if (!Validation.validatorMatches(validating.meta(), notModified)) {
      return true;
    }
    StoredResponse freshened = Validation.freshen(validating.meta(), notModified, requestTime, responseTime);
    var refreshed = validating.withMeta(freshened);
    if (refreshed.isEmpty()) {
      return true;
    }
    // Validated on every use before and after: the slower tiers' copies keep their old times (Store.refresh).
    boolean everywhere = !(Validation.validatedOnEveryUse(request, validating.meta(), engine.cacheConfig)
        && Validation.validatedOnEveryUse(request, freshened, engine.cacheConfig));
    engine.store.refresh(refreshed.get(), everywhere);
    CacheStatus status = CacheStatus.forward(engine.cacheName, CacheStatus.Fwd.STALE).withFwdStatus(304);
    return !Responder.serve(client, engine, clientRequest, request, refreshed.get(), status, "TCP_REFRESH_UNMODIFIED", hierarchy, start);
  }

  /** Serves the stored response in place of a failed origin; true when it did. */
  private boolean serveStale(String why) {
    log.debug("serving stale {}: {}", request.uri(), why);
    CacheStatus status = CacheStatus.forward(engine.cacheName, CacheStatus.Fwd.STALE).withDetail("stale-if-error");
    return Responder.serve(client, engine, clientRequest, request, validating, status, "TCP_REFRESH_FAIL_OLD", hierarchy, start);
  }

  @Override
  public void onResponseContent(ByteBuf content) {
    if (!capturing || !content.isReadable()) {
      return;
    }
    captured += content.readableBytes();
    if (captured > engine.cacheConfig.maxObjectBytes()) {
      stopCapturing();
      return;
    }
    int length = content.readableBytes();
    if (body != null && body.writableBytes() < length) {
      stopCapturing();
      return;
    }
    if (body == null) {
      ByteBuf copy = content.alloc().directBuffer(length);
      copy.writeBytes(content, content.readerIndex(), length);
      if (fill != null) {
        fill.chunk(copy);
      } else {
        ownChunks.add(copy);
      }
      return;
    }
    int at = body.writerIndex();
    body.writeBytes(content, content.readerIndex(), length);
    if (fill != null) {
      fill.chunk(body.retainedSlice(at, length));
    }
  }

  @Override
  public void onResponseComplete() {
    if (!capturing) {
      return;
    }
    capturing = false;
    completed = true;
    List<ByteBuf> chunks = fill != null ? fill.chunks() : List.copyOf(ownChunks);
    ownChunks.clear();
    ByteBuf stored;
    if (body != null) {
      // The fill's chunks are slices of the body: the body alone holds the bytes from here on.
      chunks.forEach(ByteBuf::release);
      stored = body;
      body = null;
    } else {
      CompositeByteBuf composite = engine.allocator.compositeDirectBuffer(Math.max(2, chunks.size()));
      composite.addComponents(true, chunks);
      stored = composite;
    }
    CachedResponse entry = new CachedResponse(key, variant, meta, stored.asReadOnly());
    engine.store.put(entry);
    if (fill != null) {
      fill.complete(entry);
      engine.fills.remove(fill.key, fill);
    }
  }

  @Override
  public void onAbort() {
    if (completed) {
      // The client went away after the whole response was stored: the entry and the fill stand.
      return;
    }
    stopCapturing();
  }

  private void stopCapturing() {
    capturing = false;
    ownChunks.forEach(ByteBuf::release);
    ownChunks.clear();
    if (body != null) {
      body.release();
      body = null;
    }
    if (fill != null) {
      fill.notShared();
      engine.fills.remove(fill.key, fill);
      engine.fleetNotShared(fill.key);
    }
  }

  @Override
  public boolean onOriginUnreachable(Throwable cause) {
    if (fill != null) {
      fill.notShared();
      engine.fills.remove(fill.key, fill);
      engine.fleetNotShared(fill.key);
    }
    if (validating != null && CachePolicy.mayServeStaleOnError(validating.meta(), request, engine.clock.instant(),
        engine.cacheConfig, CachePolicy.OriginFailure.UNREACHABLE)) {
      return serveStale("origin unreachable: " + cause);
    }
    return false;
  }

  @Override
  public String accessResult() {
    return result;
  }
}
