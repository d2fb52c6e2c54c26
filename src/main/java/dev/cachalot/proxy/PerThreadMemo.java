package dev.cachalot.proxy;

import io.netty.util.concurrent.FastThreadLocal;
import java.util.function.Function;

/**
 * Remembers the last values computed on this thread, for keys that come back often (the URI of
 * every hit, the stored response it serves), so that the hot path does not compute them again.
 * Direct-mapped: each key has one slot, chosen by its hash, and a new key takes the slot over. No
 * locks, no eviction bookkeeping: each event loop has its own slots, and what it computes stays on
 * it, so values need not be safe to share between threads.
 */
final class PerThreadMemo<K, V> {

  private final int mask;
  private final Function<K, V> compute;
  private final FastThreadLocal<Object[]> slots;

  /**
   * @param slots a power of two: how many keys each thread remembers at most
   * @param compute the value of a key; what it throws reaches the caller and nothing is remembered
   */
  PerThreadMemo(int slots, Function<K, V> compute) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, got " + slots);
    }
    this.mask = slots - 1;
    this.compute = compute;
    this.slots = new FastThreadLocal<>() {
      @Override
      protected Object[] initialValue() {
        return new Object[2 * slots];
      }
    };
  }

  @SuppressWarnings("unchecked")
  V get(K key) {
    Object[] table = slots.get();
    int h = key.hashCode();
    int i = ((h ^ (h >>> 16)) & mask) << 1;
    if (key.equals(table[i])) {
      return (V) table[i + 1];
    }
    V value = compute.apply(key);
    table[i] = key;
    table[i + 1] = value;
    return value;
  }
}
