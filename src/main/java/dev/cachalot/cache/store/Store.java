package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Where stored responses live. Lookups complete at once when the entries are in memory and later,
 * completed by a disk thread, when they must be read first: callers continue on their own event loop.
 * Every method may be called from an event loop; none blocks on I/O.
 */
public interface Store extends AutoCloseable {

  /** The stored variants of a URI (the caller picks one by Vary); never completes exceptionally. */
  CompletableFuture<List<CachedResponse>> lookup(CacheKey key);

  /** Stores a complete response, replacing the same variant; the store takes ownership of its body. */
  void put(CachedResponse response);

  /**
   * Replaces a stored response after a validation (RFC 9111 §4.3.4): the same body under new
   * metadata; the store takes ownership of the body reference. With {@code everywhere} false only
   * the memory tier takes it. That is for a response validated on every use, before and after: its
   * copies on disk and in a shared tier then serve as well with their older times, and rewriting
   * them would cost a file write or a Redis upload of the whole body on every request.
   */
  default void refresh(CachedResponse refreshed, boolean everywhere) {
    put(refreshed);
  }

  /** Removes every variant of a URI from every tier; returns how many variants there were. */
  int remove(CacheKey key);

  /**
   * Removes every variant of a URI from every tier, a shared one included, for PURGE: completes with
   * how many variants the tier that held most of them had, and never exceptionally. Only a shared
   * tier has to wait for an answer; the others complete at once.
   */
  default CompletableFuture<Integer> purge(CacheKey key) {
    return CompletableFuture.completedFuture(remove(key));
  }

  /** Removes this stored response (when it is still the stored one). */
  void remove(CachedResponse response);

  Stats stats();

  /** Finishes pending writes and releases what the store holds. */
  @Override
  void close();

  /** Sizes of each tier; the disk figures are zero without a disk tier. */
  record Stats(long memoryEntries, long memoryBytes, long diskEntries, long diskBytes, long diskMaxBytes) {}
}
