package dev.cachalot.proxy;

import dev.cachalot.cache.AgeHeader;
import dev.cachalot.cache.CacheStatus;
import dev.cachalot.cache.Freshness;
import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.Vary;
import dev.cachalot.cache.store.CachedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * A GET that missed while another request for the same URI was already being fetched: it streams
 * the leader's response as it arrives, or goes to the origin itself when that response cannot be
 * shared (not storable, or a different Vary variant).
 */
final class CollapsedRequest implements CacheFill.Follower {

  private final ClientSide client;
  private final ProxyEngine engine;
  private final HttpRequest clientRequest;
  private final RequestHead request;
  private final long start;
  private final Runnable goToOrigin;
  private boolean started;
  private boolean ended;
  private long sent;
  private int status;

  CollapsedRequest(ClientSide client, ProxyEngine engine, HttpRequest clientRequest, RequestHead request,
      long start, Runnable goToOrigin) {
    this.client = client;
    this.engine = engine;
    this.clientRequest = clientRequest;
    this.request = request;
    this.start = start;
    this.goToOrigin = goToOrigin;
  }

  @Override
  public void onHead(StoredResponse head) {
    client.loop().execute(() -> {
      if (ended) {
        return;
      }
      if (!Vary.matches(head, request)) {
        ended = true;
        goToOrigin.run();
        return;
      }
      started = true;
      status = head.head().status();
      HttpHeaders headers = Heads.netty(head.head().headers());
      headers.set("Age", AgeHeader.format(Freshness.currentAge(head, engine.clock.instant())));
      headers.add("Cache-Status", CacheStatus.forward(engine.cacheName, CacheStatus.Fwd.MISS)
          .withCollapsed(true).withFwdStatus(status).format());
      HeaderRewriter.appendVia(headers, HttpVersion.HTTP_1_1, engine.config.pseudonym());
      headers.remove(HttpHeaderNames.CONNECTION);
      if (!headers.contains(HttpHeaderNames.CONTENT_LENGTH)) {
        headers.set("Transfer-Encoding", HttpHeaderValues.CHUNKED);
      }
      if (!HttpUtil.isKeepAlive(clientRequest)) {
        headers.set("Connection", HttpHeaderValues.CLOSE);
      }
      client.write(new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), headers));
    });
  }

  @Override
  public void onChunk(ByteBuf chunk) {
    client.loop().execute(() -> {
      if (ended || !started) {
        chunk.release();
        return;
      }
      sent += chunk.readableBytes();
      client.write(new DefaultHttpContent(chunk));
    });
  }

  @Override
  public void onComplete(CachedResponse stored) {
    client.loop().execute(() -> {
      if (ended || !started) {
        return;
      }
      ended = true;
      client.write(LastHttpContent.EMPTY_LAST_CONTENT).addListener(f -> {
        client.logAccess(start, "TCP_MISS_COLLAPSED", status, sent, clientRequest, "HIER_NONE/-",
            stored.meta().head().headers().first("Content-Type").orElse("-"));
        client.exchangeDone(f.isSuccess() && HttpUtil.isKeepAlive(clientRequest));
      });
    });
  }

  @Override
  public void onNotShared() {
    client.loop().execute(() -> {
      if (!ended) {
        ended = true;
        goToOrigin.run();
      }
    });
  }

  @Override
  public void onFailed() {
    client.loop().execute(() -> {
      if (ended) {
        return;
      }
      ended = true;
      if (started) {
        client.abort();
      } else {
        goToOrigin.run();
      }
    });
  }
}
