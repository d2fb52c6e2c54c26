package dev.cachalot.proxy;

/**
 * What the proxy tells an observer (metrics, the admin dashboard) as it works. Every method is
 * called on an event loop, once per event: implementations must be cheap, non-blocking and
 * thread-safe. {@link #NONE} ignores everything.
 */
public interface ProxyListener {

  ProxyListener NONE = new ProxyListener() {};

  /** A client connection was accepted. */
  default void connectionOpened() {}

  /** A client connection closed. */
  default void connectionClosed() {}

  /** A CONNECT tunnel was established. */
  default void tunnelOpened() {}

  /** A CONNECT tunnel closed. */
  default void tunnelClosed() {}

  /** An origin answered: nanoseconds from sending the request head to receiving the response head. */
  default void originResponded(long nanos) {}

  /** A request finished (the same event as its access-log line). */
  default void requestFinished(Finished request) {}

  /**
   * One finished request.
   *
   * @param result Squid's result code, e.g. TCP_MEM_HIT, TCP_MISS, TCP_REFRESH_UNMODIFIED
   * @param hierarchy Squid's hierarchy code and peer, e.g. HIER_DIRECT/127.0.0.1 or HIER_NONE/-
   */
  record Finished(long startMillis, long endMillis, String client, String method, String url, int status,
      String result, long bytes, String hierarchy) {

    public long elapsedMillis() {
      return Math.max(0, endMillis - startMillis);
    }
  }
}
