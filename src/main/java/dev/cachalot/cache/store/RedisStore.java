package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Freshness;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.http.CacheControl;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet's shared tier in Redis, spoken to through Lettuce's asynchronous API only: no method
 * blocks, and every future completes (on a Lettuce thread) even when Redis is down or slow — as a
 * miss, or as nothing done. Layout, all under {@code cachalot:v1:}:
 *
 * <pre>
 *   variants:&lt;sha(uri)&gt;                set of variant ids stored for a URI
 *   meta:&lt;sha(uri)&gt;:&lt;sha(variant)&gt;    int chunk count, long version, then the {@link EntryFile} header
 *   body:&lt;sha(uri)&gt;:&lt;version&gt;:&lt;n&gt;     the body in chunks of up to 1 MiB
 *   lease:&lt;sha(uri)&gt;                   the fleet-wide fill lease (SET NX PX): a holder, "pass" or "published"
 *   journal                             a stream of invalidations ({@link InvalidationJournal})
 * </pre>
 *
 * A writer stores the chunks under a fresh version first and publishes the meta last with one SET,
 * so a reader sees the old entry or the new one, never half of one. Replaced bodies are not deleted
 * (a reader may be fetching them): they expire with their TTL.
 *
 * <p>An invalidation deletes the shared entry and goes to the other instances through pub/sub and a
 * journal, so that one disconnected meanwhile still hears of it ({@link InvalidationJournal}).
 */
public final class RedisStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(RedisStore.class);
  static final String PREFIX = "cachalot:v1:";
  public static final String CHANNEL = "cachalot:invalidate";
  static final int CHUNK = 1024 * 1024;
  static final long MARGIN_SECONDS = 60;
  static final long LEASE_MILLIS = 5000;
  static final byte[] PASS = "pass".getBytes(StandardCharsets.US_ASCII);
  /**
   * Left in the lease for a moment after the leader publishes: an instance whose shared lookup
   * missed just before the entry landed takes this for a held lease and looks again, rather than
   * taking the lease and asking the origin a second time.
   */
  static final byte[] PUBLISHED = "published".getBytes(StandardCharsets.US_ASCII);
  static final long PUBLISHED_MILLIS = 1000;
  /**
   * Lettuce doubles the wait between reconnection attempts up to 30 s by default, so after an
   * outage of a minute the fleet would go on without Redis for up to half a minute after it is
   * back. A connection attempt to Redis is cheap: try at least every 2 s.
   */
  static final Delay RECONNECT_DELAY = Delay.exponential(Duration.ofMillis(10), Duration.ofSeconds(2), 2,
      TimeUnit.MILLISECONDS);

  private final RedisSettings settings;
  private final RedisURI uri;
  private final ClientResources resources;
  private final RedisClient client;
  private final String instance = UUID.randomUUID().toString();
  private final InvalidationJournal journal;
  private final ScheduledExecutorService connector =
      Executors.newSingleThreadScheduledExecutor(new DefaultThreadFactory("cachalot-redis-connect", true));
  private volatile StatefulRedisConnection<String, byte[]> connection;
  private volatile StatefulRedisPubSubConnection<String, String> pubsub;
  /** Null until the first state is known, so that a Redis down at start is logged too. */
  private Boolean lastUp;
  private volatile boolean closed;

  private RedisStore(RedisSettings settings, Consumer<CacheKey> onInvalidate, Runnable onGap,
      Optional<Path> positionFile) {
    this.settings = settings;
    this.journal = new InvalidationJournal(instance, redacted(), onInvalidate, onGap, positionFile, this::remove);
    this.uri = RedisURI.create(settings.uri());
    String password = System.getenv("CACHALOT_REDIS_PASSWORD");
    boolean uriHasCredentials = settings.uri().contains("@");
    if (!uriHasCredentials && password != null && !password.isEmpty()) {
      uri.setAuthentication(password.toCharArray());
    }
    uri.setTimeout(settings.commandTimeout());
    this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
        .reconnectDelay(RECONNECT_DELAY).build();
    this.client = RedisClient.create(resources, uri);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        // While disconnected, fail at once: the proxy then serves from its own tiers and the origin.
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(TimeoutOptions.builder().timeoutCommands().timeoutSource(new BodyAwareTimeout(
            settings.commandTimeout(), bodyTimeout(settings.commandTimeout()))).build())
        .build());
    client.addListener(new RedisConnectionStateListener() {
      @Override
      public void onRedisConnected(io.lettuce.core.RedisChannelHandler<?, ?> c, SocketAddress address) {
        if (pubsub != null) { // until both connections are made, connectOnce reports the state
          stateMayHaveChanged();
          try {
            connector.execute(RedisStore.this::catchUp); // what was missed meanwhile, at once
          } catch (RejectedExecutionException closing) {
            // closed meanwhile: nothing to catch up with
          }
        }
      }

      @Override
      public void onRedisDisconnected(io.lettuce.core.RedisChannelHandler<?, ?> c) {
        if (pubsub != null) {
          stateMayHaveChanged();
        }
      }
    });
  }

  /**
   * Starts connecting (in the background: a Redis that is down at start is retried every second).
   * {@code onInvalidate} receives the URIs other instances invalidated, on a Lettuce thread or the
   * connector thread, possibly twice; {@code onGap} runs when invalidations may have been missed.
   * With a {@code positionFile}, the place in the journal is kept there, and a later instance starting
   * with the same file applies what was invalidated in between.
   */
  public static RedisStore connect(RedisSettings settings, Consumer<CacheKey> onInvalidate, Runnable onGap,
      Optional<Path> positionFile) {
    RedisStore store = new RedisStore(settings, onInvalidate, onGap, positionFile);
    store.connector.execute(store::connectOnce);
    // Lettuce's listeners fire around, not after, a state change: a periodic look keeps the log honest.
    store.connector.scheduleWithFixedDelay(() -> {
      if (store.pubsub != null) {
        store.stateMayHaveChanged();
        store.catchUp();
      }
    }, 1, 1, TimeUnit.SECONDS);
    return store;
  }

  private void connectOnce() {
    if (closed) {
      return;
    }
    try {
      if (connection == null) {
        connection = client.connect(RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE), uri);
      }
      if (pubsub == null) {
        StatefulRedisPubSubConnection<String, String> ps = client.connectPubSub(StringCodec.UTF8, uri);
        ps.addListener(new RedisPubSubAdapter<>() {
          @Override
          public void message(String channel, String message) {
            journal.received(message);
          }
        });
        ps.sync().subscribe(CHANNEL); // on the connector thread: up() only once invalidations arrive
        pubsub = ps;
      }
      stateMayHaveChanged();
      catchUp();
    } catch (RuntimeException e) {
      stateMayHaveChanged();
      if (!closed) {
        connector.schedule(this::connectOnce, 1, TimeUnit.SECONDS);
      }
    }
  }

  /** Whether the shared tier is reachable now (admin metrics read this). */
  public boolean up() {
    StatefulRedisConnection<String, byte[]> c = connection;
    StatefulRedisPubSubConnection<String, String> ps = pubsub;
    return c != null && c.isOpen() && ps != null && ps.isOpen();
  }

  private synchronized void stateMayHaveChanged() {
    if (closed) {
      return; // shutting down is not an outage
    }
    boolean now = up();
    if (lastUp == null || now != lastUp) {
      lastUp = now;
      if (now) {
        log.info("shared cache {} is up", redacted());
      } else {
        log.warn("shared cache {} is down: serving from the local cache and the origin until it is back",
            redacted());
      }
    }
  }

  /** The URI as configured, without a password. */
  private String redacted() {
    return settings.uri().replaceFirst("//[^@/]*@", "//");
  }

  private RedisAsyncCommands<String, byte[]> commands() {
    StatefulRedisConnection<String, byte[]> c = connection;
    return c == null || !c.isOpen() ? null : c.async();
  }

  public long maxObjectBytes() {
    return settings.maxObjectBytes();
  }

  /** Moving a 1 MiB chunk takes longer than a small command: body chunks get their own, longer bound. */
  static Duration bodyTimeout(Duration command) {
    Duration scaled = command.multipliedBy(20);
    return scaled.compareTo(Duration.ofSeconds(1)) > 0 ? scaled : Duration.ofSeconds(1);
  }

  /** The command timeout, or the body timeout for commands on body-chunk keys. */
  private static final class BodyAwareTimeout extends TimeoutOptions.TimeoutSource {
    private static final byte[] BODY = (PREFIX + "body:").getBytes(StandardCharsets.US_ASCII);
    private final long command;
    private final long body;

    BodyAwareTimeout(Duration command, Duration body) {
      this.command = command.toNanos();
      this.body = body.toNanos();
    }

    @Override
    public long getTimeout(io.lettuce.core.protocol.RedisCommand<?, ?, ?> c) {
      var args = c.getArgs();
      ByteBuffer key = args == null ? null : args.getFirstEncodedKey();
      if (key != null && key.remaining() >= BODY.length) {
        boolean isBody = true;
        for (int i = 0; i < BODY.length && isBody; i++) {
          isBody = key.get(key.position() + i) == BODY[i];
        }
        if (isBody) {
          return body;
        }
      }
      return command;
    }

    @Override
    public TimeUnit getTimeUnit() {
      return TimeUnit.NANOSECONDS;
    }
  }

  // ---- reading ----

  /** Every variant of {@code key} stored in Redis; empty when none, or when Redis fails. Never exceptional. */
  public CompletableFuture<List<CachedResponse>> lookup(CacheKey key) {
    return lookupOrFail(key).exceptionally(failure -> {
      log.debug("shared lookup of {} failed: {}", key, failure.toString());
      return List.of();
    });
  }

  /** As {@link #lookup}, but completes exceptionally when Redis fails or times out. */
  public CompletableFuture<List<CachedResponse>> lookupOrFail(CacheKey key) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    if (redis == null) {
      return CompletableFuture.completedFuture(List.of());
    }
    String uriHash = sha(key.value());
    CompletableFuture<List<CachedResponse>> result = redis.smembers(PREFIX + "variants:" + uriHash)
        .thenCompose(ids -> {
          if (ids.isEmpty()) {
            return CompletableFuture.completedFuture(List.<KeyValue<String, byte[]>>of());
          }
          String[] metaKeys = ids.stream().map(id -> PREFIX + "meta:" + uriHash + ":" + new String(id,
              StandardCharsets.US_ASCII)).toArray(String[]::new);
          return redis.mget(metaKeys);
        })
        .thenCompose(metas -> {
          List<CompletableFuture<CachedResponse>> entries = new ArrayList<>();
          for (KeyValue<String, byte[]> meta : metas) {
            if (meta.hasValue()) {
              entries.add(readEntry(redis, key, uriHash, meta.getValue()));
            }
          }
          return CompletableFuture.allOf(entries.toArray(CompletableFuture[]::new)).thenApply(done -> {
            List<CachedResponse> found = new ArrayList<>();
            for (CompletableFuture<CachedResponse> e : entries) {
              CachedResponse r = e.join();
              if (r != null) {
                found.add(r);
              }
            }
            return found;
          });
        })
        .toCompletableFuture();
    return result;
  }

  /** One entry from its meta value; null when it is torn, expired or not this URI's. */
  private CompletableFuture<CachedResponse> readEntry(RedisAsyncCommands<String, byte[]> redis, CacheKey key,
      String uriHash, byte[] metaValue) {
    ByteBuffer b = ByteBuffer.wrap(metaValue);
    int chunks;
    long version;
    EntryFile.Summary summary;
    StoredResponse meta;
    try {
      chunks = b.getInt();
      version = b.getLong();
      summary = EntryFile.summary(b);
      meta = EntryFile.meta(b);
    } catch (RuntimeException corrupt) {
      return CompletableFuture.completedFuture(null);
    }
    if (!summary.key().equals(key) || chunks < 0 || chunks > 1 + summary.bodyLength() / CHUNK + 1) {
      return CompletableFuture.completedFuture(null);
    }
    List<CompletableFuture<byte[]>> parts = new ArrayList<>();
    for (int n = 0; n < chunks; n++) {
      parts.add(redis.get(bodyKey(uriHash, version, n)).toCompletableFuture());
    }
    return CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).thenApply(done -> {
      byte[][] arrays = new byte[chunks][];
      long length = 0;
      CRC32 crc = new CRC32();
      for (int n = 0; n < chunks; n++) {
        byte[] part = parts.get(n).join();
        if (part == null) {
          return null; // expired or evicted under memory pressure: a miss
        }
        arrays[n] = part;
        length += part.length;
        crc.update(part);
      }
      if (length != summary.bodyLength() || (int) crc.getValue() != summary.crc()) {
        return null;
      }
      ByteBuf body = chunks == 0 ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(arrays);
      return new CachedResponse(key, summary.variant(), meta, body.asReadOnly());
    });
  }

  // ---- writing ----

  /**
   * Stores a copy of {@code response} (the caller keeps the body): chunks first, meta last. Copies
   * the body at once, so the caller may release it when this returns. Returns false when the body is
   * too large for the shared tier or Redis is down.
   */
  public boolean put(CachedResponse response, CacheConfig config) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    ByteBuf body = response.body();
    int length = body.readableBytes();
    if (redis == null) {
      return false;
    }
    if (length > settings.maxObjectBytes()) {
      leaseNotShared(response.key()); // stays local: other instances need not wait for it
      return false;
    }
    long ttlMillis = ttl(response.meta(), config).toMillis();
    String uriHash = sha(response.key().value());
    String variantId = sha(response.variant());
    long version = ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE;
    int chunks = (length + CHUNK - 1) / CHUNK;
    CRC32 crc = new CRC32();
    List<CompletableFuture<String>> writes = new ArrayList<>();
    for (int n = 0; n < chunks; n++) {
      int from = body.readerIndex() + n * CHUNK;
      byte[] part = ByteBufUtil.getBytes(body, from, Math.min(CHUNK, body.readerIndex() + length - from));
      crc.update(part);
      writes.add(redis.set(bodyKey(uriHash, version, n), part, SetArgs.Builder.px(ttlMillis)).toCompletableFuture());
    }
    ByteBuffer header = EntryFile.header(response.key(), response.variant(), response.meta(), length,
        (int) crc.getValue());
    byte[] meta = ByteBuffer.allocate(12 + header.remaining()).putInt(chunks).putLong(version).put(header).array();
    String variantsKey = PREFIX + "variants:" + uriHash;
    CompletableFuture.allOf(writes.toArray(CompletableFuture[]::new))
        .thenCompose(done -> redis.set(PREFIX + "meta:" + uriHash + ":" + variantId, meta,
            SetArgs.Builder.px(ttlMillis)))
        .thenCompose(done -> redis.sadd(variantsKey, variantId.getBytes(StandardCharsets.US_ASCII)))
        .thenCompose(done -> redis.pexpire(variantsKey, Math.max(ttlMillis, TimeUnit.DAYS.toMillis(1))))
        .whenComplete((done, failure) -> {
          // Published (or failed): the fleet need not wait on this fill any longer.
          if (failure != null) {
            redis.del(leaseKey(uriHash));
            log.debug("cannot store {} in the shared cache: {}", response.key(), failure.toString());
          } else {
            redis.set(leaseKey(uriHash), PUBLISHED, SetArgs.Builder.px(PUBLISHED_MILLIS));
          }
        });
    return true;
  }

  /**
   * Redis TTL: the freshness lifetime plus the stale windows the response allows, plus a margin so
   * that a validating instance still finds the entry; at least the margin.
   */
  static Duration ttl(StoredResponse meta, CacheConfig config) {
    long seconds = 0;
    try {
      seconds = Freshness.lifetime(meta, config).value().toSeconds();
      CacheControl cc = CacheControl.of(meta.head().headers());
      seconds += Math.max(cc.staleWhileRevalidate().orElse(0), cc.staleIfError().orElse(0));
    } catch (RuntimeException e) {
      seconds = 0;
    }
    seconds = Math.min(Math.max(seconds, 0), TimeUnit.DAYS.toSeconds(365));
    return Duration.ofSeconds(seconds + MARGIN_SECONDS);
  }

  // ---- invalidation ----

  /**
   * Deletes every shared variant of {@code key} and tells the other instances to drop their copies;
   * completes with how many variants Redis held (0 when it is unreachable: the invalidation is then
   * sent when it is back), never exceptionally.
   */
  public CompletableFuture<Integer> remove(CacheKey key) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    if (redis == null) {
      journal.remember(key);
      return CompletableFuture.completedFuture(0);
    }
    String uriHash = sha(key.value());
    String variantsKey = PREFIX + "variants:" + uriHash;
    return redis.smembers(variantsKey).thenCompose(ids -> {
      String[] metas = new String[ids.size()];
      int i = 0;
      for (byte[] id : ids) {
        metas[i++] = PREFIX + "meta:" + uriHash + ":" + new String(id, StandardCharsets.US_ASCII);
      }
      CompletionStage<Long> deleted = metas.length == 0 ? CompletableFuture.completedFuture(0L) : redis.del(metas);
      redis.del(variantsKey);
      return deleted;
    }).handle((n, failure) -> {
      if (failure != null) {
        journal.remember(key);
        return 0;
      }
      journal.announce(redis, key);
      return n.intValue();
    }).toCompletableFuture();
  }

  /** Deletes one shared variant (a stored response found to be no longer usable) and tells the fleet. */
  public void remove(CacheKey key, String variant) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    if (redis == null) {
      journal.remember(key);
      return;
    }
    String uriHash = sha(key.value());
    redis.del(PREFIX + "meta:" + uriHash + ":" + sha(variant)).whenComplete((n, failure) -> {
      if (failure != null) {
        journal.remember(key);
      } else {
        journal.announce(redis, key);
      }
    });
  }

  /** On the connector thread, every second while connected and at once after a reconnection. */
  private void catchUp() {
    StatefulRedisConnection<String, byte[]> c = connection;
    if (!closed && c != null && c.isOpen()) {
      journal.catchUp(c);
    }
  }

  // ---- fleet-wide fill lease ----

  /** What became of a lease attempt. */
  public enum Lease {
    /** This instance fills the key; the others wait for it. */
    ACQUIRED,
    /** Another instance is filling it, or has just published it: poll the shared tier. */
    HELD,
    /** Go to the origin now: Redis is unavailable, or the last fill was not shareable. */
    GO
  }

  /** {@code SET lease NX PX 5000 GET}: a crashed leader's lease expires on its own. */
  public CompletableFuture<Lease> lease(CacheKey key) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    if (redis == null) {
      return CompletableFuture.completedFuture(Lease.GO);
    }
    return redis.setGet(leaseKey(sha(key.value())), instance.getBytes(StandardCharsets.US_ASCII),
            SetArgs.Builder.nx().px(LEASE_MILLIS))
        .thenApply(previous -> previous == null ? Lease.ACQUIRED
            : Arrays.equals(previous, PASS) ? Lease.GO : Lease.HELD)
        .toCompletableFuture()
        .exceptionally(failure -> Lease.GO);
  }

  /** Whether another instance is still filling {@code key}; exceptional when Redis fails. */
  public CompletableFuture<Boolean> leaseHeld(CacheKey key) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    if (redis == null) {
      return CompletableFuture.completedFuture(false);
    }
    return redis.get(leaseKey(sha(key.value())))
        .thenApply(v -> v != null && !Arrays.equals(v, PASS) && !Arrays.equals(v, PUBLISHED))
        .toCompletableFuture();
  }

  /** The leader's fill was not shareable: waiting instances go to the origin at once. */
  public void leaseNotShared(CacheKey key) {
    RedisAsyncCommands<String, byte[]> redis = commands();
    if (redis != null) {
      redis.set(leaseKey(sha(key.value())), PASS, SetArgs.Builder.px(LEASE_MILLIS));
    }
  }

  @Override
  public void close() {
    closed = true;
    connector.shutdownNow();
    try {
      client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
      resources.shutdown(0, 2, TimeUnit.SECONDS);
    } catch (RuntimeException e) {
      log.debug("closing the Redis client: {}", e.toString());
    }
  }

  private static String bodyKey(String uriHash, long version, int n) {
    return PREFIX + "body:" + uriHash + ":" + Long.toHexString(version) + ":" + n;
  }

  private static String leaseKey(String uriHash) {
    return PREFIX + "lease:" + uriHash;
  }

  static String sha(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
