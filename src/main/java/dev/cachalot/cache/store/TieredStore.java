package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory in front of disk. A lookup whose variants are all in memory completes at once; otherwise
 * the missing ones are read by a disk reader thread, promoted into memory (the memory tier owns them
 * from then on, and evicts them like any other entry) and the lookup completes on that thread.
 * A put goes into memory at once and to disk in the background, on a single writer thread that also
 * deletes and evicts, so that a purge queued after a write is applied after it. No method blocks.
 */
public final class TieredStore implements Store {

  private static final Logger log = LoggerFactory.getLogger(TieredStore.class);

  private final MemoryStore memory;
  private final DiskStore disk;
  private final ByteBufAllocator alloc;
  private final ExecutorService readers;
  private final ExecutorService writer;

  public TieredStore(MemoryStore memory, DiskStore disk, ByteBufAllocator alloc) {
    this.memory = memory;
    this.disk = disk;
    this.alloc = alloc;
    this.readers = Executors.newFixedThreadPool(2, new DefaultThreadFactory("cachalot-disk-read", true));
    this.writer = Executors.newSingleThreadExecutor(new DefaultThreadFactory("cachalot-disk-write", true));
    if (disk.needsReconcile()) {
      // The index came from the journal: check it against the files while the proxy serves.
      reconciler = new DefaultThreadFactory("cachalot-disk-scan", true).newThread(disk::reconcile);
      reconciler.setPriority(Thread.MIN_PRIORITY);
      reconciler.start();
    } else {
      reconciler = null;
    }
  }

  private final Thread reconciler;

  /**
   * Keys whose disk removal is queued on the writer: until it has run, the disk copy must not be
   * read back (and promoted) by a lookup, or an invalidated or purged response would come back.
   */
  private final ConcurrentHashMap<CacheKey, AtomicInteger> removing = new ConcurrentHashMap<>();

  @Override
  public CompletableFuture<List<CachedResponse>> lookup(CacheKey key) {
    List<CachedResponse> inMemory = memory.variants(key);
    if (removing.containsKey(key)) {
      return CompletableFuture.completedFuture(inMemory);
    }
    Set<String> onDisk = disk.variantNames(key);
    Set<String> missing = new HashSet<>(onDisk);
    for (CachedResponse e : inMemory) {
      missing.remove(e.variant());
    }
    if (missing.isEmpty()) {
      return CompletableFuture.completedFuture(inMemory);
    }
    CompletableFuture<List<CachedResponse>> result = new CompletableFuture<>();
    try {
      readers.execute(() -> {
        List<CachedResponse> all = new ArrayList<>(inMemory);
        try {
          for (CachedResponse loaded : disk.read(key, missing, alloc)) {
            if (removing.containsKey(key)) {
              // Invalidated while we read it: neither promote nor serve it.
              loaded.body().release();
              continue;
            }
            // Promoted: memory owns the body now. Should it not fit, memory drops it at once and the
            // hit path sees a released body, which it treats as a miss.
            memory.put(loaded);
            all.add(loaded);
          }
        } catch (RuntimeException e) {
          log.warn("disk lookup of {} failed: {}", key, e.toString());
        }
        result.complete(all);
      });
    } catch (RejectedExecutionException closing) {
      result.complete(inMemory);
    }
    return result;
  }

  @Override
  public void put(CachedResponse response) {
    ByteBuf forDisk = response.body().retainedDuplicate();
    memory.put(response);
    try {
      writer.execute(() -> {
        try {
          disk.write(response.key(), response.variant(), response.meta(), forDisk);
        } catch (Exception e) {
          log.warn("cannot write {} to the disk cache: {}", response.key(), e.toString());
        } finally {
          forDisk.release();
        }
      });
    } catch (RejectedExecutionException closing) {
      forDisk.release();
    }
  }

  @Override
  public void refresh(CachedResponse refreshed, boolean everywhere) {
    if (everywhere) {
      put(refreshed);
    } else {
      memory.put(refreshed);
    }
  }

  @Override
  public int remove(CacheKey key) {
    int fromMemory = memory.remove(key);
    // A removal still queued deletes whatever the disk holds for the key: a second purge finds nothing.
    int onDisk = removing.containsKey(key) ? 0 : disk.variantNames(key).size();
    removeFromDisk(key, () -> disk.remove(key));
    return Math.max(fromMemory, onDisk);
  }

  @Override
  public void remove(CachedResponse response) {
    memory.remove(response);
    removeFromDisk(response.key(), () -> disk.remove(response.key(), response.variant()));
  }

  private void removeFromDisk(CacheKey key, Runnable removal) {
    removing.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
    Runnable done = () -> removing.computeIfPresent(key, (k, n) -> n.decrementAndGet() == 0 ? null : n);
    try {
      writer.execute(() -> {
        try {
          removal.run();
        } finally {
          done.run();
        }
      });
    } catch (RejectedExecutionException closing) {
      try {
        removal.run();
      } finally {
        done.run();
      }
    }
  }

  @Override
  public Stats stats() {
    return new Stats(memory.entryCount(), memory.weightedBytes(), disk.entryCount(), disk.bytes(), disk.maxBytes());
  }

  /** Waits (up to a bound) for queued disk writes, then releases memory and the directory lock. */
  @Override
  public void close() {
    readers.shutdown();
    writer.shutdown();
    try {
      if (!writer.awaitTermination(30, TimeUnit.SECONDS)) {
        log.warn("disk cache writes did not finish within 30 s");
      }
      readers.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (reconciler != null) {
      try {
        reconciler.join(TimeUnit.SECONDS.toMillis(30));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    memory.close();
    disk.close();
  }
}
