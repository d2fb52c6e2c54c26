package dev.cachalot.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.concurrent.Future;

/**
 * Where an exchange's response goes and where its request body comes from: a client connection, or
 * nobody at all for a background revalidation.
 */
interface ClientSide {

  EventLoop loop();

  ByteBufAllocator alloc();

  /** Asks for the next part of the request (the body, then the next request). */
  void readNext();

  /** Writes and flushes; ownership of {@code msg} passes on. */
  Future<Void> write(HttpObject msg);

  /**
   * Writes without flushing, so that what one read from the origin produced (head, body, end) leaves
   * in one system call; the writer flushes when that read is done ({@link #flush()}) or with the last
   * part ({@link #write}).
   */
  default Future<Void> writeUnflushed(HttpObject msg) {
    return write(msg);
  }

  default void flush() {
  }

  boolean isWritable();

  /** The whole response was written; keep the connection for the next request or close it. */
  void exchangeDone(boolean keepAlive);

  /** Cut the connection: the response cannot be completed. */
  void abort();

  /** The client's IP address, or null for the proxy itself (background revalidation). */
  default java.net.InetAddress clientInetAddress() {
    return null;
  }

  void logAccess(long start, String result, int status, long bytes, HttpRequest request, String hierarchy,
      String contentType);
}
