package dev.cachalot.proxy;

import dev.cachalot.cache.CacheKey;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * {@code PURGE <url>}: removes every stored variant of a URI from every tier, including the fleet's
 * shared tier. Only clients that {@link AdminAccess} admits may purge (403 otherwise); 200 when
 * something was removed, here or in the shared tier, 404 when nothing was stored. The proxy answers
 * itself: a PURGE is never forwarded.
 */
final class Purge {

  static final HttpMethod METHOD = HttpMethod.valueOf("PURGE");

  private Purge() {}

  /**
   * Answers a PURGE through {@code respond}, on the connection's event loop: at once when it is
   * refused or the store has no shared tier, once Redis has answered otherwise.
   */
  static void answer(ProxyEngine engine, ChannelHandlerContext ctx, Target target, Consumer<FullHttpResponse> respond) {
    if (!engine.config.admin().allows(ctx.channel().remoteAddress())) {
      respond.accept(ErrorResponses.of(ctx.alloc(), HttpResponseStatus.FORBIDDEN, "PURGE is not allowed from this address",
          engine.config.pseudonym()));
      return;
    }
    CacheKey key;
    try {
      key = target.cacheKey();
    } catch (IllegalArgumentException e) {
      respond.accept(ErrorResponses.of(ctx.alloc(), HttpResponseStatus.BAD_REQUEST, e.getMessage(),
          engine.config.pseudonym()));
      return;
    }
    CompletableFuture<Integer> removed = engine.store.purge(key);
    if (removed.isDone()) {
      respond.accept(response(ctx, key, removed.join()));
    } else {
      removed.thenAcceptAsync(n -> respond.accept(response(ctx, key, n)), ctx.executor());
    }
  }

  private static FullHttpResponse response(ChannelHandlerContext ctx, CacheKey key, int removed) {
    HttpResponseStatus status = removed > 0 ? HttpResponseStatus.OK : HttpResponseStatus.NOT_FOUND;
    String text = removed > 0 ? "purged " + removed + " stored response(s) for " + key + "\n" : "not in cache: " + key + "\n";
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
        ByteBufUtil.writeUtf8(ctx.alloc(), text));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
        .set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes())
        .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    return response;
  }
}
