package dev.cachalot.cache.store;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.testing.RedisServer;
import dev.cachalot.testing.TcpRelay;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The invalidation journal between two stores on a real redis-server, one of them behind a relay the test cuts. */
@Timeout(60)
class RedisStoreTest {

  private RedisServer redis;
  private TcpRelay relay;
  private RedisStore cutOff;
  private RedisStore other;
  private final Set<CacheKey> invalidatedAtOther = ConcurrentHashMap.newKeySet();
  private final AtomicInteger gapsAtOther = new AtomicInteger();

  @BeforeEach
  void setUp() throws Exception {
    redis = RedisServer.start();
    relay = TcpRelay.to(redis.port());
    cutOff = RedisStore.connect(RedisServer.patientSettings("redis://127.0.0.1:" + relay.port()), key -> { },
        () -> { }, Optional.empty());
    other = RedisStore.connect(RedisServer.patientSettings(redis.uri()), invalidatedAtOther::add,
        gapsAtOther::incrementAndGet, Optional.empty());
    await(() -> cutOff.up() && other.up());
    // Each store marks its place in the journal just after it connects: a test that cut or restarted
    // Redis before that would test a store that has no place to lose.
    await(() -> journalLength() >= 2);
  }

  private long journalLength() {
    io.lettuce.core.RedisClient c = io.lettuce.core.RedisClient.create(redis.uri());
    try (var connection = c.connect()) {
      return connection.sync().xlen(InvalidationJournal.JOURNAL);
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** Closes what setUp started: nothing, when redis-server is missing and the tests are skipped. */
  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable started : new AutoCloseable[] {cutOff, other, relay, redis}) {
      if (started != null) {
        started.close();
      }
    }
  }

  @Test
  void invalidationsMadeWhileRedisIsUnreachableAreSentWhenItIsBack() throws Exception {
    relay.cut();
    await(() -> !cutOff.up());
    CacheKey key = new CacheKey("http://example.test/while-away");

    assertThat(cutOff.remove(key).get()).isZero();
    relay.restore();

    await(() -> invalidatedAtOther.contains(key));
    assertThat(gapsAtOther).hasValue(0);
  }

  @Test
  void moreInvalidationsWhileUnreachableThanItKeepsTellTheFleetItMissedSome() throws Exception {
    relay.cut();
    await(() -> !cutOff.up());

    for (int i = 0; i <= InvalidationJournal.PENDING_LIMIT; i++) {
      cutOff.remove(new CacheKey("http://example.test/" + i));
    }
    relay.restore();

    await(() -> gapsAtOther.get() > 0);
    await(() -> invalidatedAtOther.contains(new CacheKey("http://example.test/0")));
    assertThat(invalidatedAtOther).doesNotContain(new CacheKey("http://example.test/" + InvalidationJournal.PENDING_LIMIT));
  }

  @Test
  void anInstanceWhoseJournalPlaceIsGoneIsToldItMayHaveMissedInvalidations() throws Exception {
    redis.kill();
    await(() -> !other.up());
    redis.restart();

    await(() -> gapsAtOther.get() > 0);
  }

  @Test
  void afterALongOutageItIsBackWithinAFewSecondsOfRedis() throws Exception {
    relay.cut();
    await(() -> !cutOff.up());
    Thread.sleep(10_000); // Lettuce's default would wait 8 s, then 16 s, between attempts by now

    relay.restore();
    long back = System.nanoTime();
    await(cutOff::up);

    assertThat(Duration.ofNanos(System.nanoTime() - back)).isLessThan(Duration.ofSeconds(4));
  }

  /**
   * The race this closes: an instance's shared lookup misses, the leader's entry lands and its lease
   * goes, then the instance takes the lease and asks the origin a second time.
   */
  @Test
  void aMissRightAfterTheLeaderPublishedLooksAgainInsteadOfTakingTheLease() throws Exception {
    CacheKey key = new CacheKey("http://example.test/just-published");
    assertThat(other.lease(key).get()).isEqualTo(RedisStore.Lease.ACQUIRED);
    Instant now = Instant.now();
    StoredResponse meta = new StoredResponse(ResponseHead.of(200, "Cache-Control", "max-age=300"), Headers.EMPTY,
        now, now);
    ByteBuf body = Unpooled.copiedBuffer("v1\n", StandardCharsets.US_ASCII);
    try {
      assertThat(other.put(new CachedResponse(key, "", meta, body), CacheConfig.DEFAULT)).isTrue();
    } finally {
      body.release();
    }
    await(() -> !cutOff.leaseHeld(key).join()); // published: nobody is filling it any more

    assertThat(cutOff.lease(key).get()).isEqualTo(RedisStore.Lease.HELD);
    await(() -> cutOff.lease(key).join() == RedisStore.Lease.ACQUIRED); // the mark is brief
  }

  @Test
  void aStartWithRedisUpLogsItUpOnceAndNeverDown() throws Exception {
    Logger logger = (Logger) LoggerFactory.getLogger(RedisStore.class);
    ListAppender<ILoggingEvent> events = new ListAppender<>();
    events.start();
    logger.addAppender(events);
    try (RedisStore started = RedisStore.connect(RedisServer.patientSettings(redis.uri()), key -> { }, () -> { },
        Optional.empty())) {
      await(started::up);
      Thread.sleep(1500); // past the periodic look at the state
    } finally {
      logger.detachAppender(events);
    }
    assertThat(events.list).extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("shared cache " + redis.uri() + " is up");
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 20 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }
}
