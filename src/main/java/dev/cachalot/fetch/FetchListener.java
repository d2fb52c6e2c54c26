package dev.cachalot.fetch;

/** Progress of one fetch, for a progress bar; called on the fetch's I/O thread. */
public interface FetchListener {

  FetchListener NONE = new FetchListener() {};

  /** The response head arrived; {@code contentLength} is -1 when the body length is unknown. */
  default void started(int status, long contentLength) {}

  /** {@code total} body bytes have arrived so far. */
  default void progress(long total) {}

  /** The response is complete. */
  default void finished(long total) {}
}
