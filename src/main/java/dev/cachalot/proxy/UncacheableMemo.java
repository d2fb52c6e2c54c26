package dev.cachalot.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachalot.cache.CacheKey;
import java.time.Duration;

/**
 * URIs whose last response could not be stored (no-store, private, too large, ...), remembered until
 * they go {@link #TTL} without a request, so that their misses stop collapsing onto one fetch: a collapsed request waits for
 * the leader's response head only to learn that it must fetch alone, which doubles its latency and
 * serialises every client of an uncacheable URI behind one origin round trip. Varnish calls this
 * hit-for-miss. A response that can be stored again removes the URI at once, and the memo never
 * stops a response from being stored; it only turns collapsing off.
 */
final class UncacheableMemo {

  static final Duration TTL = Duration.ofMinutes(2);
  private static final long MAX_URIS = 65_536;

  private final Cache<CacheKey, Boolean> uris = Caffeine.newBuilder()
      .maximumSize(MAX_URIS)
      .expireAfterAccess(TTL)
      .executor(Runnable::run)
      .build();

  void remember(CacheKey key) {
    if (uris.getIfPresent(key) == null) {
      uris.put(key, Boolean.TRUE);
    }
  }

  void forget(CacheKey key) {
    uris.invalidate(key);
  }

  boolean contains(CacheKey key) {
    return uris.getIfPresent(key) != null;
  }
}
