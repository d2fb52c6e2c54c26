package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The local tiers (memory, or memory in front of disk) in front of the fleet's shared Redis tier.
 * A lookup that finds nothing locally asks Redis and promotes what it finds into the local tiers;
 * a put goes to both; a removal deletes the shared entry and tells every other instance (pub/sub)
 * to drop its local copy. When Redis is down or slow this is just the local store.
 */
public final class SharedStore implements Store {

  private final Store local;
  private final RedisStore redis;
  private final Supplier<CacheConfig> config;

  public SharedStore(Store local, RedisSettings settings, Supplier<CacheConfig> config) {
    this.local = local;
    this.config = config;
    this.redis = RedisStore.connect(settings, local::remove);
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
      if (!found.isEmpty() || !redis.up()) {
        return CompletableFuture.completedFuture(found);
      }
      return lookupShared(key);
    });
  }

  /** Only the shared tier; what it finds is promoted into the local tiers. Never exceptional. */
  public CompletableFuture<List<CachedResponse>> lookupShared(CacheKey key) {
    return redis.lookup(key).thenApply(shared -> {
      for (CachedResponse entry : shared) {
        // The local tiers own the body from now on (as after a disk read).
        local.put(entry);
      }
      return shared;
    });
  }

  @Override
  public void put(CachedResponse response) {
    redis.put(response, config.get()); // copies the body before the local tier may evict it
    local.put(response);
  }

  @Override
  public int remove(CacheKey key) {
    int removed = local.remove(key);
    redis.remove(key);
    return removed;
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
