package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How invalidations travel between the instances sharing Redis. Each one is appended to a Redis
 * stream ({@code cachalot:v1:journal}, about the last {@value #JOURNAL_LENGTH}) and published on
 * {@link RedisStore#CHANNEL}. Pub/sub is the fast path; it loses what is sent while an instance is
 * disconnected. The journal keeps it: each instance reads it from where it last stopped, every
 * second and after each reconnection. An instance that finds its place gone (Redis restarted empty,
 * or the journal was trimmed past it) cannot know what it missed, and says so through
 * {@code onGap}. Invalidations made while Redis is unreachable are kept and sent when it is back.
 */
final class InvalidationJournal {

  private static final Logger log = LoggerFactory.getLogger(InvalidationJournal.class);
  static final String JOURNAL = RedisStore.PREFIX + "journal";
  /** About this many invalidations are kept: more than a disconnected instance is likely to miss. */
  static final long JOURNAL_LENGTH = 100_000;
  /** Entries per read: small enough to come back well within the 50 ms command timeout on a busy machine. */
  private static final int JOURNAL_BATCH = 100;
  private static final int RESEND_BATCH = 100;
  private static final long RESEND_WAIT_SECONDS = 5;
  /** Invalidations kept while Redis is unreachable; past this the fleet is told it missed some. */
  static final int PENDING_LIMIT = 10_000;
  /** A journal entry that names every URI: "assume you missed invalidations". */
  static final String EVERYTHING = "*";

  private final String instance;
  /** Redis as the log names it (no password). */
  private final String where;
  private final Consumer<CacheKey> onInvalidate;
  private final Runnable onGap;
  private final Optional<Path> positionFile;
  /** Sends a remembered invalidation again: deletes the shared copy, then announces it; never exceptional. */
  private final Function<CacheKey, CompletableFuture<Integer>> resend;
  /** The last journal entry read (or this instance's own mark); null before the first connection. */
  private String position;
  private String savedPosition;
  /** Journal ids applied from pub/sub that the journal reader has not reached yet. */
  private final Set<String> appliedAhead = ConcurrentHashMap.newKeySet();
  private final Set<CacheKey> pending = new LinkedHashSet<>();
  private boolean pendingOverflowed;

  InvalidationJournal(String instance, String where, Consumer<CacheKey> onInvalidate, Runnable onGap,
      Optional<Path> positionFile, Function<CacheKey, CompletableFuture<Integer>> resend) {
    this.instance = instance;
    this.where = where;
    this.onInvalidate = onInvalidate;
    this.onGap = onGap;
    this.positionFile = positionFile;
    this.resend = resend;
    this.position = positionFile.flatMap(InvalidationJournal::readPosition).orElse(null);
    this.savedPosition = position;
  }

  /**
   * Journal first, then pub/sub with the journal entry's id ("-" when the journal did not take it,
   * which the next catch-up sends again), so that an instance told by pub/sub skips the entry when
   * it catches up: applying it twice would drop a copy fetched again in between.
   */
  void announce(RedisAsyncCommands<String, byte[]> redis, CacheKey key) {
    redis.xadd(JOURNAL, trimmed(), Map.of("i", bytes(instance), "k", bytes(key.value())))
        .whenComplete((id, failure) -> {
          if (failure != null) {
            remember(key);
          }
          redis.publish(RedisStore.CHANNEL, bytes(instance + " " + (id == null ? "-" : id) + " " + key.value()));
        });
  }

  private static XAddArgs trimmed() {
    return XAddArgs.Builder.maxlen(JOURNAL_LENGTH).approximateTrimming();
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  /** An invalidation Redis did not take: the next catch-up sends it. */
  void remember(CacheKey key) {
    synchronized (pending) {
      if (pending.size() < PENDING_LIMIT) {
        pending.add(key);
      } else {
        pendingOverflowed = true;
      }
    }
  }

  /** A pub/sub message, "instance journal-id uri", on a Lettuce thread. */
  void received(String message) {
    String[] parts = message.split(" ", 3);
    if (parts.length < 3 || parts[0].equals(instance)) {
      return; // our own invalidation, already applied locally
    }
    if (!parts[1].equals("-")) {
      appliedAhead.add(parts[1]);
    }
    apply(parts[2]);
  }

  private void apply(String uri) {
    if (uri.equals(EVERYTHING)) {
      onGap.run();
      return;
    }
    try {
      onInvalidate.accept(new CacheKey(uri));
    } catch (RuntimeException e) {
      log.debug("ignoring invalidation of {}: {}", uri, e.toString());
    }
  }

  /**
   * Reads the journal past this instance's place in it, then sends what was invalidated here while
   * Redis was unreachable. On one thread only (the store's connector).
   */
  void catchUp(StatefulRedisConnection<String, byte[]> connection) {
    RedisCommands<String, byte[]> redis = connection.sync();
    try {
      if (position == null) {
        if (positionFile.isPresent()) {
          onGap.run(); // local copies that outlived an earlier process, with nothing to tell what they missed
        }
        position = mark(redis);
      } else {
        readJournal(redis);
      }
      sendPending(connection.async());
    } catch (RuntimeException e) {
      log.debug("cannot read the invalidation journal: {}", e.toString());
    }
    savePosition();
  }

  private static Optional<String> readPosition(Path file) {
    try {
      String id = Files.readString(file, StandardCharsets.US_ASCII).trim();
      return id.matches("\\d+-\\d+") ? Optional.of(id) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty(); // none yet: local copies from before may have missed anything
    }
  }

  private void savePosition() {
    if (positionFile.isEmpty() || position == null || position.equals(savedPosition)) {
      return;
    }
    Path file = positionFile.get();
    Path temp = file.resolveSibling(file.getFileName() + ".tmp");
    try {
      Files.writeString(temp, position + "\n", StandardCharsets.US_ASCII);
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      savedPosition = position;
    } catch (IOException e) {
      log.debug("cannot keep the journal position in {}: {}", file, e.toString());
    }
  }

  private String mark(RedisCommands<String, byte[]> redis) {
    return redis.xadd(JOURNAL, trimmed(), Map.of("i", bytes(instance)));
  }

  private void readJournal(RedisCommands<String, byte[]> redis) {
    for (int batch = 0; batch < JOURNAL_LENGTH / JOURNAL_BATCH; batch++) {
      List<StreamMessage<String, byte[]>> entries = redis.xrange(JOURNAL,
          Range.from(Range.Boundary.including(position), Range.Boundary.unbounded()), Limit.from(JOURNAL_BATCH));
      if (entries.isEmpty() || !entries.get(0).getId().equals(position)) {
        missed(redis);
        return;
      }
      for (StreamMessage<String, byte[]> entry : entries.subList(1, entries.size())) {
        byte[] from = entry.getBody().get("i");
        byte[] uri = entry.getBody().get("k");
        if (uri != null && !appliedAhead.remove(entry.getId())
            && (from == null || !new String(from, StandardCharsets.UTF_8).equals(instance))) {
          apply(new String(uri, StandardCharsets.UTF_8));
        }
        position = entry.getId();
      }
      if (entries.size() < JOURNAL_BATCH) {
        return;
      }
    }
  }

  private void missed(RedisCommands<String, byte[]> redis) {
    log.warn("shared cache {} lost the invalidations sent while this instance was away (Redis restarted "
        + "or the journal was trimmed): local copies are checked against it before use", where);
    onGap.run();
    appliedAhead.clear();
    position = mark(redis);
  }

  private void sendPending(RedisAsyncCommands<String, byte[]> redis) {
    List<CacheKey> keys;
    boolean overflowed;
    synchronized (pending) {
      keys = List.copyOf(pending);
      overflowed = pendingOverflowed;
      pending.clear();
      pendingOverflowed = false;
    }
    if (overflowed) {
      log.warn("more than {} invalidations were made while the shared cache was unreachable: telling "
          + "the fleet to check its local copies", PENDING_LIMIT);
      announce(redis, new CacheKey(EVERYTHING));
    }
    // Thousands of commands at once would outlast the per-command timeout, fail, and be kept for the
    // next try, which would fail the same way: a hundred at a time instead.
    for (int from = 0; from < keys.size(); from += RESEND_BATCH) {
      List<CacheKey> batch = keys.subList(from, Math.min(keys.size(), from + RESEND_BATCH));
      try {
        CompletableFuture.allOf(batch.stream().map(resend).toArray(CompletableFuture[]::new))
            .get(RESEND_WAIT_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException | ExecutionException | TimeoutException e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        keys.subList(from + batch.size(), keys.size()).forEach(this::remember);
        return;
      }
    }
  }
}
