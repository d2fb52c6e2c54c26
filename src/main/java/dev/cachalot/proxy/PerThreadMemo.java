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
  private final boolean byIdentity;
  private final Function<K, V> compute;
  private final FastThreadLocal<Object[]> slots;

  private PerThreadMemo(int slots, boolean byIdentity, Function<K, V> compute) {
    if (Integer.bitCount(slots) != 1) {
      throw new IllegalArgumentException("slots must be a power of two, got " + slots);
    }
    this.mask = slots - 1;
    this.byIdentity = byIdentity;
    this.compute = compute;
    this.slots = new FastThreadLocal<>() {
      @Override
      protected Object[] initialValue() {
        return new Object[2 * slots];
      }
    };
  }

  /**
   * Keys that are equal by {@code equals}, such as Strings.
   *
   * @param slots a power of two: how many keys each thread remembers at most
   * @param compute the value of a key; what it throws reaches the caller and nothing is remembered
   */
  static <K, V> PerThreadMemo<K, V> byValue(int slots, Function<K, V> compute) {
    return new PerThreadMemo<>(slots, false, compute);
  }

  /** As {@link #byValue}, for keys that are the same object, whatever their {@code equals} (and cost) say. */
  static <K, V> PerThreadMemo<K, V> byIdentity(int slots, Function<K, V> compute) {
    return new PerThreadMemo<>(slots, true, compute);
  }

  @SuppressWarnings("unchecked")
  V get(K key) {
    Object[] table = slots.get();
    int h = byIdentity ? System.identityHashCode(key) : key.hashCode();
    int i = ((h ^ (h >>> 16)) & mask) << 1;
    if (byIdentity ? table[i] == key : key.equals(table[i])) {
      return (V) table[i + 1];
    }
    V value = compute.apply(key);
    table[i] = key;
    table[i + 1] = value;
    return value;
  }
}
