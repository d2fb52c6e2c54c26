package dev.cachalot.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;

/**
 * The client of a background revalidation (RFC 5861 stale-while-revalidate): it has no body to send
 * and discards the response, whose only purpose is to refresh the cache through the exchange's
 * observer.
 */
final class DetachedClient implements ClientSide {

  private final EventLoop loop;
  private final AccessLog accessLog;

  DetachedClient(EventLoop loop, AccessLog accessLog) {
    this.loop = loop;
    this.accessLog = accessLog;
  }

  @Override
  public EventLoop loop() {
    return loop;
  }

  @Override
  public ByteBufAllocator alloc() {
    return ByteBufAllocator.DEFAULT;
  }

  @Override
  public void readNext() {
    // A background revalidation is a GET without a body: nothing is ever asked for.
  }

  @Override
  public Future<Void> write(HttpObject msg) {
    ReferenceCountUtil.release(msg);
    return loop.newSucceededFuture(null);
  }

  @Override
  public boolean isWritable() {
    return true;
  }

  @Override
  public void exchangeDone(boolean keepAlive) {
  }

  @Override
  public void abort() {
  }

  @Override
  public void logAccess(long start, String result, int status, long bytes, HttpRequest request, String hierarchy,
      String contentType) {
    accessLog.record(start, "-", result + "_BACKGROUND", status, bytes, request.method().name(), request.uri(),
        hierarchy, contentType);
  }
}
