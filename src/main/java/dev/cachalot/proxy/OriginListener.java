package dev.cachalot.proxy;

import io.netty.handler.codec.http.HttpObject;

/** The exchange that currently owns an origin connection and receives what the origin sends. */
interface OriginListener {

  /** A decoded part of the response; ownership of {@code msg} passes to the listener. */
  void onOriginMessage(HttpObject msg);

  void onOriginWritabilityChanged(boolean writable);

  /** Everything one read from the origin produced has been handed on. */
  default void onOriginReadComplete() {
  }

  /** The connection closed or failed before the listener released it. */
  void onOriginFailure(Throwable cause);
}
