package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.store.SharedStore;
import dev.cachalot.testing.RedisServer;
import dev.cachalot.testing.TcpRelay;
import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.ByteArrayCodec;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Several in-process proxies sharing one real redis-server, which the test starts, kills and restarts. */
@Timeout(30)
class FleetTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();

  private RedisServer redis;
  private final List<TestProxy> proxies = new ArrayList<>();
  private ExecutorService executor;

  @BeforeEach
  void setUp() throws Exception {
    redis = RedisServer.start();
    executor = Executors.newFixedThreadPool(8);
  }

  @AfterEach
  void tearDown() throws Exception {
    proxies.forEach(TestProxy::close);
    if (executor != null) {
      executor.shutdownNow();
    }
    if (redis != null) {
      redis.close();
    }
  }

  private TestProxy proxy() {
    return proxy(redis.uri());
  }

  /** A proxy whose connections to Redis go through a relay the test can cut. */
  private TestProxy proxyThrough(TcpRelay relay) {
    return proxy("redis://127.0.0.1:" + relay.port());
  }

  private TestProxy proxy(String uri) {
    return started(new TestProxy(c -> c.withCacheDir(Optional.empty(), c.cacheDiskBytes())
        .withRedis(Optional.of(RedisServer.patientSettings(uri)))));
  }

  private TestProxy proxyWithDiskCache(Path dir) {
    return started(new TestProxy(c -> c.withCacheDir(Optional.of(dir), c.cacheDiskBytes())
        .withRedis(Optional.of(RedisServer.patientSettings(redis.uri())))));
  }

  private TestProxy started(TestProxy p) {
    p.start();
    proxies.add(p);
    return p;
  }

  private HttpClient client(TestProxy p) {
    return HttpClient.newBuilder().executor(executor).proxy(p.selector()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  private HttpResponse<String> get(TestProxy p, String path) throws Exception {
    return client(p).send(HttpRequest.newBuilder(URI.create(origin.url(path))).timeout(Duration.ofSeconds(10))
        .build(), BodyHandlers.ofString());
  }

  /**
   * Two proxies sharing Redis, and a path whose body is v1, v2, ... (one version per origin request,
   * fresh for five minutes), already fetched once through the first proxy.
   */
  private TestProxy[] twoProxiesAfterAFetchOfV1ThroughTheFirst(String path) throws Exception {
    origin.handle(path, versions());
    TestProxy a = proxy();
    TestProxy b = proxy();
    awaitUp(a, b);
    assertThat(get(a, path).body()).isEqualTo("v1\n");
    return new TestProxy[] {a, b};
  }

  private void awaitBody(TestProxy p, String path, String body) throws InterruptedException {
    await(() -> {
      try {
        return get(p, path).body().equals(body);
      } catch (Exception e) {
        return false;
      }
    });
  }

  private HttpResponse<String> purge(TestProxy p, String path) throws Exception {
    return client(p).send(HttpRequest.newBuilder(URI.create(origin.url(path))).timeout(Duration.ofSeconds(10))
        .method("PURGE", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.ofString());
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met within 10 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /**
   * Until each proxy is connected and has marked its place in the invalidation journal (just after
   * connecting): a test that cuts or restarts Redis before that would test a proxy with no place to lose.
   */
  private void awaitUp(TestProxy... ps) throws InterruptedException {
    for (TestProxy p : ps) {
      await(p::redisUp);
    }
    await(() -> journalLength() >= ps.length);
  }

  private long journalLength() {
    RedisClient c = RedisClient.create(redis.uri());
    try (var connection = c.connect()) {
      return connection.sync().xlen("cachalot:v1:journal");
    } catch (RuntimeException down) {
      return 0;
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** How many entries (variants) Redis holds now, read with a plain Redis client. */
  private long sharedEntries() {
    RedisClient c = RedisClient.create(redis.uri());
    try (var connection = c.connect()) {
      return connection.sync().keys("cachalot:v1:meta:*").size();
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** Every shared entry's meta record, by the URI it names (read with a plain Redis client). */
  private Map<String, String> sharedMetas(String... paths) {
    RedisClient c = RedisClient.create(redis.uri());
    try (var connection = c.connect(ByteArrayCodec.INSTANCE)) {
      Map<String, String> byPath = new HashMap<>();
      for (byte[] key : connection.sync().keys("cachalot:v1:meta:*")) {
        String meta = new String(connection.sync().get(key), StandardCharsets.ISO_8859_1);
        for (String path : paths) {
          if (meta.contains(origin.url(path))) {
            byPath.put(path, meta);
          }
        }
      }
      return byPath;
    } finally {
      c.shutdown(Duration.ZERO, Duration.ofSeconds(1));
    }
  }

  /** A proxy publishes what it stored to Redis in the background: wait until Redis holds {@code n} entries. */
  private void awaitShared(long n) throws InterruptedException {
    await(() -> sharedEntries() == n);
  }

  private HttpResponse<String> hitThrough(TestProxy p, String path) throws Exception {
    awaitShared(1);
    return get(p, path);
  }

  /**
   * A 304 for a no-cache response leaves the shared copy as it was (Store.refresh): uploading the
   * whole body again on every request would buy nothing, as every use validates. A 304 that makes a
   * response fresh does update it; the proxy writes to Redis in order, so once that update shows,
   * an upload for the no-cache response issued before it would show too.
   */
  @Test
  void a304ForANoCacheResponseDoesNotUploadItAgain() throws Exception {
    for (String[] p : new String[][] {{"/v", "no-cache", "no-cache"}, {"/w", "max-age=0", "max-age=3600"}}) {
      origin.handle(p[0], r -> "\"1\"".equals(r.header("If-None-Match"))
          ? Response.of(304, "").header("ETag", "\"1\"").header("Cache-Control", p[2])
          : Response.ok("body of " + p[0]).header("ETag", "\"1\"").header("Cache-Control", p[1]));
    }
    TestProxy a = proxy();
    awaitUp(a);
    get(a, "/v");
    get(a, "/w");
    awaitShared(2);
    Map<String, String> before = sharedMetas("/v", "/w");
    assertThat(before).containsOnlyKeys("/v", "/w");

    for (int i = 0; i < 3; i++) {
      HttpResponse<String> v = get(a, "/v");
      assertThat(v.body()).isEqualTo("body of /v");
      assertThat(v.headers().firstValue("Cache-Status")).hasValueSatisfying(s -> assertThat(s).contains("fwd-status=304"));
    }
    assertThat(get(a, "/w").headers().firstValue("Cache-Status")).hasValueSatisfying(s -> assertThat(s).contains("fwd-status=304"));
    await(() -> !sharedMetas("/w").get("/w").equals(before.get("/w")));

    assertThat(sharedMetas("/v").get("/v")).isEqualTo(before.get("/v"));
    assertThat(origin.requests("/v")).isEqualTo(4);
  }

  @Test
  void aMissThroughOneProxyIsAHitThroughAnother() throws Exception {
    origin.handle("/shared", r -> Response.ok("from the origin\n").header("Cache-Control", "max-age=300"));
    TestProxy a = proxy();
    TestProxy b = proxy();
    awaitUp(a, b);

    assertThat(get(a, "/shared").body()).isEqualTo("from the origin\n");
    HttpResponse<String> fromB = hitThrough(b, "/shared");

    assertThat(fromB.body()).isEqualTo("from the origin\n");
    assertThat(fromB.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("hit"));
    assertThat(origin.requests("/shared")).isEqualTo(1);
  }

  @Test
  void aBodyOfSeveralChunksIsSharedWhole() throws Exception {
    byte[] body = TestOrigin.PatternBody.bytes(3 * 1024 * 1024 + 17);
    origin.handle("/big", r -> Response.ok(body).header("Cache-Control", "max-age=300"));
    TestProxy a = proxy();
    TestProxy b = proxy();
    awaitUp(a, b);

    get(a, "/big");
    awaitShared(1);
    HttpResponse<byte[]> fromB = client(b).send(HttpRequest.newBuilder(URI.create(origin.url("/big"))).build(),
        BodyHandlers.ofByteArray());

    assertThat(fromB.body()).isEqualTo(body);
    assertThat(origin.requests("/big")).isEqualTo(1);
  }

  @Test
  void threeProxiesWithFiftyConcurrentRequestsForOneColdKeyAskTheOriginAtMostThreeTimes() throws Exception {
    origin.handle("/cold", r -> {
      try {
        Thread.sleep(200); // a slow origin, so the requests overlap
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      return Response.ok("cold\n").header("Cache-Control", "max-age=300");
    });
    List<TestProxy> fleet = List.of(proxy(), proxy(), proxy());
    awaitUp(fleet.toArray(TestProxy[]::new));

    List<CompletableFuture<HttpResponse<String>>> all = new ArrayList<>();
    for (TestProxy p : fleet) {
      HttpClient c = client(p);
      for (int i = 0; i < 50; i++) {
        all.add(c.sendAsync(HttpRequest.newBuilder(URI.create(origin.url("/cold"))).timeout(Duration.ofSeconds(15))
            .build(), BodyHandlers.ofString()));
      }
    }
    for (CompletableFuture<HttpResponse<String>> f : all) {
      HttpResponse<String> r = f.get();
      assertThat(r.statusCode()).isEqualTo(200);
      assertThat(r.body()).isEqualTo("cold\n");
    }
    assertThat(origin.requests("/cold")).isBetween(1, 3);
  }

  @Test
  void redisKilledMidTestFailsNoRequestAndSharingResumesWhenItIsBack() throws Exception {
    origin.handle("/k", r -> Response.ok("k\n").header("Cache-Control", "max-age=300"));
    origin.handle("/during", r -> Response.ok("during\n").header("Cache-Control", "max-age=300"));
    origin.handle("/after", r -> Response.ok("after\n").header("Cache-Control", "max-age=300"));
    TestProxy a = proxy();
    TestProxy b = proxy();
    awaitUp(a, b);
    assertThat(get(a, "/k").statusCode()).isEqualTo(200);

    redis.kill();
    await(() -> !a.redisUp() && !b.redisUp());
    for (int i = 0; i < 10; i++) {
      assertThat(get(a, "/k").body()).isEqualTo("k\n"); // A's own memory tier
      assertThat(get(b, "/during").body()).isEqualTo("during\n");
      assertThat(get(a, "/during").body()).isEqualTo("during\n");
    }

    redis.restart();
    awaitUp(a, b);
    assertThat(sharedEntries()).isZero(); // a fresh, empty Redis
    assertThat(get(a, "/after").body()).isEqualTo("after\n");
    HttpResponse<String> fromB = hitThrough(b, "/after");
    assertThat(fromB.body()).isEqualTo("after\n");
    assertThat(fromB.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("hit"));
    assertThat(origin.requests("/after")).isEqualTo(1);
  }

  @Test
  void aPurgeThroughOneProxyIsSeenByAnother() throws Exception {
    TestProxy[] pair = twoProxiesAfterAFetchOfV1ThroughTheFirst("/p");
    TestProxy a = pair[0];
    TestProxy b = pair[1];
    assertThat(hitThrough(b, "/p").body()).isEqualTo("v1\n"); // now in B's memory tier too

    assertThat(purge(a, "/p").statusCode()).isEqualTo(200);

    awaitBody(b, "/p", "v2\n");
  }

  @Test
  void aPurgeThroughAProxyThatNeverServedTheUriRemovesTheSharedCopy() throws Exception {
    TestProxy[] pair = twoProxiesAfterAFetchOfV1ThroughTheFirst("/q");
    TestProxy a = pair[0];
    TestProxy b = pair[1];
    awaitShared(1);

    HttpResponse<String> purge = purge(b, "/q");

    assertThat(purge.statusCode()).as("B held no copy, but the fleet did").isEqualTo(200);
    assertThat(purge.body()).startsWith("purged 1 ");
    assertThat(sharedEntries()).isZero();
    awaitBody(a, "/q", "v2\n"); // A dropped its own copy on B's invalidation
    assertThat(purge(b, "/nothing-here").statusCode()).isEqualTo(404);
  }

  @Test
  void aProxyCutOffFromRedisDropsWhatWasPurgedMeanwhileOnceItIsBack() throws Exception {
    origin.handle("/p", versions());
    try (TcpRelay relay = TcpRelay.to(redis.port())) {
      TestProxy a = proxyThrough(relay);
      TestProxy b = proxy();
      awaitUp(a, b);
      assertThat(get(a, "/p").body()).isEqualTo("v1\n");
      awaitShared(1);

      cutOff(relay, a);
      assertThat(purge(b, "/p").statusCode()).isEqualTo(200); // A is not listening
      assertThat(get(a, "/p").body()).as("A cannot know yet").isEqualTo("v1\n");

      relay.restore();
      awaitUp(a);
      awaitBody(a, "/p", "v2\n");
    }
  }

  @Test
  void aPurgeMadeWhileRedisIsUnreachableReachesTheFleetWhenItIsBack() throws Exception {
    origin.handle("/q", versions());
    try (TcpRelay relay = TcpRelay.to(redis.port())) {
      TestProxy a = proxyThrough(relay);
      TestProxy b = proxy();
      awaitUp(a, b);
      assertThat(get(a, "/q").body()).isEqualTo("v1\n");
      assertThat(hitThrough(b, "/q").body()).isEqualTo("v1\n"); // now in B's memory tier too

      cutOff(relay, a);
      assertThat(purge(a, "/q").statusCode()).isEqualTo(200);
      assertThat(get(b, "/q").body()).as("nobody could tell B yet").isEqualTo("v1\n");

      relay.restore();
      awaitBody(b, "/q", "v2\n");
      assertThat(get(a, "/q").body()).isEqualTo("v2\n"); // the shared copy went too: B's v2, not v1
    }
  }

  @Test
  void aProxyThatMayHaveMissedInvalidationsBecauseRedisRestartedEmptyDropsCopiesRedisCannotConfirm()
      throws Exception {
    origin.handle("/r", versions());
    origin.handle("/s", versions());
    TestProxy a = proxy();
    awaitUp(a);
    assertThat(get(a, "/r").body()).isEqualTo("v1\n");
    awaitShared(1);

    redis.kill();
    await(() -> !a.redisUp());
    redis.restart(); // empty: an invalidation of /r sent meanwhile would be lost with it
    awaitUp(a);
    assertThat(get(a, "/s").body()).isEqualTo("v1\n");
    awaitShared(1);

    awaitBody(a, "/r", "v2\n");
    assertThat(get(a, "/s").body()).as("stored after the restart, so confirmed by Redis").isEqualTo("v1\n");
    assertThat(origin.requests("/s")).isEqualTo(1);
  }

  @Test
  void aProxyRestartedWithItsDiskCacheAppliesThePurgesMadeWhileItWasDown(@TempDir Path dir) throws Exception {
    TestProxy restarted = restartedAfterAPurgeWhileDown(dir, true);

    assertPurgedCopyGoneAndOtherServedFromDisk(restarted);
  }


  @Test
  void aProxyStartingWithADiskCacheButNoJournalPositionKeepsOnlyTheCopiesRedisConfirms(@TempDir Path dir)
      throws Exception {
    TestProxy restarted = restartedAfterAPurgeWhileDown(dir, false); // as on the first start with --cache-store

    assertPurgedCopyGoneAndOtherServedFromDisk(restarted);
  }

  /**
   * A proxy with a disk cache fetches /gone and /kept (v1 each) and stops; another proxy purges
   * /gone; the first starts again on the same directory, with or without its journal position.
   */
  private TestProxy restartedAfterAPurgeWhileDown(Path dir, boolean keepJournalPosition) throws Exception {
    origin.handle("/gone", versions());
    origin.handle("/kept", versions());
    TestProxy b = proxy();
    TestProxy a = proxyWithDiskCache(dir);
    awaitUp(a, b);
    assertThat(get(a, "/gone").body()).isEqualTo("v1\n");
    assertThat(get(a, "/kept").body()).isEqualTo("v1\n");
    awaitShared(2);
    await(() -> Files.exists(dir.resolve(SharedStore.JOURNAL_POSITION)));
    a.close();
    proxies.remove(a);
    if (!keepJournalPosition) {
      Files.delete(dir.resolve(SharedStore.JOURNAL_POSITION));
    }

    assertThat(purge(b, "/gone").statusCode()).isEqualTo(200);
    TestProxy restarted = proxyWithDiskCache(dir);
    awaitUp(restarted);
    return restarted;
  }

  private void assertPurgedCopyGoneAndOtherServedFromDisk(TestProxy restarted) throws Exception {
    awaitBody(restarted, "/gone", "v2\n");
    HttpResponse<String> kept = get(restarted, "/kept");
    assertThat(kept.body()).isEqualTo("v1\n");
    assertThat(kept.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("hit"));
    assertThat(origin.requests("/kept")).as("/kept was not purged: served from the disk tier").isEqualTo(1);
  }


  private static void cutOff(TcpRelay relay, TestProxy p) throws InterruptedException {
    relay.cut();
    await(() -> !p.redisUp());
  }

  /** v1, v2, ...: one version per origin request, fresh for five minutes. */
  private static TestOrigin.Handler versions() {
    int[] version = {0};
    return r -> Response.ok("v" + (++version[0]) + "\n").header("Cache-Control", "max-age=300");
  }
}
