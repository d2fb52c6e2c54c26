package dev.cachalot.cache.store;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import dev.cachalot.cache.CacheKey;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Stored responses in memory, bounded in bytes and evicted by Caffeine (W-TinyLFU). Each variant of
 * a URI is its own entry, found through a small index from the URI to its variants. An entry's body
 * is released when Caffeine drops the entry; readers hold their own retained duplicates.
 */
public final class MemoryStore implements Store {

  private final Cache<VariantKey, CachedResponse> entries;
  private final ConcurrentHashMap<CacheKey, Set<String>> variants = new ConcurrentHashMap<>();

  public MemoryStore(long maxBytes) {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("--cache-mem must be positive, got " + maxBytes + " bytes");
    }
    this.entries = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .weigher((VariantKey k, CachedResponse v) -> v.weight())
        .executor(Runnable::run)
        .removalListener((VariantKey k, CachedResponse v, RemovalCause cause) -> onRemoval(k, v))
        .build();
  }

  @Override
  public java.util.concurrent.CompletableFuture<List<CachedResponse>> lookup(CacheKey key) {
    return java.util.concurrent.CompletableFuture.completedFuture(variants(key));
  }

  @Override
  public Stats stats() {
    return new Stats(entryCount(), weightedBytes(), 0, 0, 0);
  }

  /** Bytes this store may hold. */
  public long maxBytes() {
    return entries.policy().eviction().map(e -> e.getMaximum()).orElse(Long.MAX_VALUE);
  }

  /** The variant names of a URI held in memory. */
  Set<String> variantNames(CacheKey key) {
    Set<String> names = variants.get(key);
    return names == null ? Set.of() : names;
  }

  /** The stored variants of a URI, newest first is not guaranteed; the caller picks by Vary. */
  public List<CachedResponse> variants(CacheKey key) {
    Set<String> names = variants.get(key);
    if (names == null) {
      return List.of();
    }
    List<CachedResponse> found = new ArrayList<>(names.size());
    for (String variant : names) {
      CachedResponse entry = entries.getIfPresent(new VariantKey(key, variant));
      if (entry != null) {
        found.add(entry);
      }
    }
    return found;
  }

  /** Stores a complete response, replacing the same variant; the store takes ownership of its body. */
  @Override
  public void put(CachedResponse response) {
    variants.computeIfAbsent(response.key(), k -> ConcurrentHashMap.newKeySet()).add(response.variant());
    entries.put(new VariantKey(response.key(), response.variant()), response);
  }

  /** Removes every variant of a URI; returns how many there were. */
  @Override
  public int remove(CacheKey key) {
    Set<String> names = variants.remove(key);
    if (names == null) {
      return 0;
    }
    int removed = 0;
    for (String variant : names) {
      if (entries.asMap().remove(new VariantKey(key, variant)) != null) {
        removed++;
      }
    }
    return removed;
  }

  @Override
  public void remove(CachedResponse response) {
    entries.asMap().remove(new VariantKey(response.key(), response.variant()), response);
  }

  public long entryCount() {
    return entries.estimatedSize();
  }

  public long weightedBytes() {
    return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
  }

  private void onRemoval(VariantKey key, CachedResponse removed) {
    if (removed != null) {
      removed.body().release();
    }
    if (key != null && entries.getIfPresent(key) == null) {
      variants.computeIfPresent(key.key(), (k, names) -> {
        names.remove(key.variant());
        return names.isEmpty() ? null : names;
      });
    }
  }

  @Override
  public void close() {
    entries.invalidateAll();
    entries.cleanUp();
  }

  private record VariantKey(CacheKey key, String variant) {}
}
