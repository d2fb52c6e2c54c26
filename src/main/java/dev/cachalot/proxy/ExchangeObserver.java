package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponse;
import java.net.SocketAddress;

/**
 * The cache's view of a forwarded exchange: it sees the origin's response as it streams by (to
 * store it), may adjust the client's response head, and may answer the client itself instead (a 304
 * that refreshes a stored response, or a stale response when the origin fails).
 */
interface ExchangeObserver {

  ExchangeObserver NONE = new ExchangeObserver() {};

  /**
   * The origin's final response head, and the head about to go to the client (mutable).
   *
   * @return true to stream the origin's response to the client; false when the observer has
   *     answered the client itself, and the origin's body is only drained
   */
  /** The origin connection is ready, before the request is written to it. */
  default void onOriginConnected(SocketAddress origin) {}

  default boolean onResponseHead(HttpResponse originResponse, HttpHeaders clientHeaders) {
    return true;
  }

  /** A piece of the body, still owned by the exchange (copy what must be kept). */
  default void onResponseContent(ByteBuf content) {}

  default void onResponseComplete() {}

  /** The response broke off before its end. */
  default void onAbort() {}

  /** No response from the origin at all; true when the observer answered the client (stale-if-error). */
  default boolean onOriginUnreachable(Throwable cause) {
    return false;
  }

  /** Squid's result code for the access log. */
  default String accessResult() {
    return "TCP_MISS";
  }
}
