package dev.cachalot.cache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The local tiers (memory, or memory in front of disk) in front of the fleet's shared Redis tier.
 * A lookup that finds nothing locally asks Redis and promotes what it finds into the local tiers;
 * a put goes to both; a removal deletes the shared entry and tells every other instance (pub/sub,
 * and a journal for those not listening) to drop its local copy. When Redis is down or slow this is
 * just the local store.
 *
 * <p>When this instance may have missed invalidations (see {@link RedisStore}), the local copies it
 * held then are not trusted again until Redis confirms them: the first lookup of each asks Redis,
 * and a local copy Redis no longer has is dropped.
 */
public final class SharedStore implements Store {

  /** The file in a cache directory that keeps the proxy's place in the invalidation journal across restarts. */
  public static final String JOURNAL_POSITION = "journal-position";

  private final Store local;
  private final RedisStore redis;
  private final Supplier<CacheConfig> config;
  /** Local copies received before this may have been invalidated while this instance was away. */
  private volatile Instant doubtedBefore = Instant.MIN;
  /** URIs whose local copies Redis confirmed since the last doubt; bounded, as a forgotten one is only asked again. */
  private final Cache<CacheKey, Boolean> confirmed = Caffeine.newBuilder().maximumSize(100_000).build();

  /**
   * @param journalPosition where to keep the place in the invalidation journal, for local tiers that
   *     outlive the process (a disk tier): after a restart the proxy applies what it missed meanwhile
   */
  public SharedStore(Store local, RedisSettings settings, Supplier<CacheConfig> config,
      Optional<Path> journalPosition) {
    this.local = local;
    this.config = config;
    this.redis = RedisStore.connect(settings, local::remove, this::doubtLocalCopies, journalPosition);
  }

  private void doubtLocalCopies() {
    doubtedBefore = Instant.now();
    confirmed.invalidateAll();
  }

  public RedisStore redis() {
    return redis;
  }

  public boolean redisUp() {
    return redis.up();
  }

  @Override
  public CompletableFuture<List<CachedResponse>> lookup(CacheKey key) {
    return local.lookup(key).thenCompose(found -> {
      if (found.isEmpty()) {
        return redis.up() ? lookupShared(key).exceptionally(failure -> List.of())
            : CompletableFuture.completedFuture(found);
      }
      if (!doubted(key, found) || !redis.up()) {
        return CompletableFuture.completedFuture(found);
      }
      return lookupShared(key).thenApply(shared -> {
        for (CachedResponse held : found) {
          if (shared.stream().noneMatch(kept -> kept == held)) { // Redis has not got it, or a newer one
            local.remove(held);
          }
        }
        confirmed.put(key, Boolean.TRUE);
        return shared;
      }).exceptionally(failure -> found);
    });
  }

  private boolean doubted(CacheKey key, List<CachedResponse> found) {
    Instant before = doubtedBefore;
    if (before == Instant.MIN) {
      return false; // nothing was ever missed: the usual case, kept off the hit path
    }
    return found.stream().anyMatch(r -> r.meta().responseTime().isBefore(before))
        && confirmed.getIfPresent(key) == null;
  }

  /** Only the shared tier; what it finds is promoted into the local tiers. Exceptional when Redis fails. */
  public CompletableFuture<List<CachedResponse>> lookupShared(CacheKey key) {
    // Concurrent lookups of one URI share one read and one promotion: two promotions of the same
    // entry would replace (and release) the body the first one handed out.
    CompletableFuture<List<CachedResponse>> mine = new CompletableFuture<>();
    CompletableFuture<List<CachedResponse>> running = inFlight.putIfAbsent(key, mine);
    if (running != null) {
      return running;
    }
    readAndPromote(key).whenComplete((found, failure) -> {
      inFlight.remove(key, mine);
      if (failure != null) {
        mine.completeExceptionally(failure);
      } else {
        mine.complete(found);
      }
    });
    return mine;
  }

  private final ConcurrentHashMap<CacheKey, CompletableFuture<List<CachedResponse>>> inFlight =
      new ConcurrentHashMap<>();

  private CompletableFuture<List<CachedResponse>> readAndPromote(CacheKey key) {
    return redis.lookupOrFail(key).thenCompose(shared -> shared.isEmpty() ? CompletableFuture.completedFuture(shared)
        : local.lookup(key).thenApply(held -> {
          List<CachedResponse> result = new ArrayList<>();
          for (CachedResponse entry : shared) {
            CachedResponse same = held.stream().filter(h -> h.variant().equals(entry.variant())
                && h.meta().responseTime().equals(entry.meta().responseTime())).findFirst().orElse(null);
            if (same != null) {
              entry.body().release(); // promoted already (several waiters found it at once)
              result.add(same);
            } else {
              // The local tiers own the body from now on (as after a disk read).
              local.put(entry);
              result.add(entry);
            }
          }
          return result;
        }));
  }

  @Override
  public void put(CachedResponse response) {
    redis.put(response, config.get()); // copies the body before the local tier may evict it
    local.put(response);
  }

  @Override
  public void refresh(CachedResponse refreshed, boolean everywhere) {
    if (everywhere) {
      put(refreshed);
    } else {
      local.refresh(refreshed, false);
    }
  }

  @Override
  public int remove(CacheKey key) {
    int removed = local.remove(key);
    redis.remove(key);
    return removed;
  }

  /** A proxy that never served the URI still purges the fleet's copy, and says so. */
  @Override
  public CompletableFuture<Integer> purge(CacheKey key) {
    int removed = local.remove(key);
    return redis.remove(key).thenApply(shared -> Math.max(removed, shared));
  }

  @Override
  public void remove(CachedResponse response) {
    local.remove(response);
    redis.remove(response.key(), response.variant());
  }

  @Override
  public Stats stats() {
    return local.stats();
  }

  @Override
  public void close() {
    redis.close();
    local.close();
  }
}
