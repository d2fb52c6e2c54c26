package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The cache through the real proxy: a loopback origin that counts what reaches it, and the JDK HttpClient. */
@Timeout(60)
class CachingProxyTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy();

  private ExecutorService executor;
  private HttpClient client;

  @BeforeEach
  void setUp() {
    executor = Executors.newFixedThreadPool(4);
    client = HttpClient.newBuilder().executor(executor).proxy(proxy.selector())
        .version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  private HttpResponse<byte[]> get(String path, String... headers) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(origin.url(path))).timeout(Duration.ofSeconds(20));
    if (headers.length > 0) {
      request.headers(headers);
    }
    return client.send(request.build(), BodyHandlers.ofByteArray());
  }

  @Test
  void theLabsSecondRequestIsReadFromCacheAndNeverReachesTheOrigin() throws Exception {
    origin.handle("/", r -> Response.of(301, "moved\n").header("Location", "https://www.flipkart.com/")
        .header("Cache-Control", "max-age=300"));

    HttpResponse<byte[]> first = get("/");
    HttpResponse<byte[]> second = get("/");

    assertThat(first.statusCode()).isEqualTo(301);
    assertThat(first.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("stored"));
    assertThat(second.statusCode()).isEqualTo(301);
    assertThat(second.body()).isEqualTo(first.body());
    assertThat(second.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).startsWith("Cachalot; hit"));
    assertThat(second.headers().firstValue("Age")).isPresent();
    assertThat(origin.requests("/")).isEqualTo(1);
  }

  @Test
  void aTenMebibyteResponseIsServedWholeFromTheCache() throws Exception {
    byte[] body = TestOrigin.PatternBody.bytes(10 * 1024 * 1024);
    origin.handle("/big", r -> Response.ok(body).header("Cache-Control", "max-age=300"));

    assertThat(get("/big").body()).isEqualTo(body);
    HttpResponse<byte[]> hit = get("/big");

    assertThat(hit.body()).isEqualTo(body);
    assertThat(hit.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).startsWith("Cachalot; hit"));
    assertThat(origin.requests("/big")).isEqualTo(1);
  }

  @Test
  void aHundredConcurrentMissesForOneKeyMakeExactlyOneOriginRequest() throws Exception {
    AtomicInteger served = new AtomicInteger();
    origin.handle("/cold", r -> {
      served.incrementAndGet();
      return Response.pattern(2 * 1024 * 1024, false).header("Cache-Control", "max-age=300");
    });
    List<CompletableFuture<HttpResponse<byte[]>>> responses = new ArrayList<>();
    HttpRequest request = HttpRequest.newBuilder(URI.create(origin.url("/cold"))).timeout(Duration.ofSeconds(30)).build();
    for (int i = 0; i < 100; i++) {
      responses.add(client.sendAsync(request, BodyHandlers.ofByteArray()));
    }
    CompletableFuture.allOf(responses.toArray(CompletableFuture[]::new)).get(45, TimeUnit.SECONDS);

    byte[] expected = TestOrigin.PatternBody.bytes(2 * 1024 * 1024);
    for (CompletableFuture<HttpResponse<byte[]>> response : responses) {
      assertThat(response.get().statusCode()).isEqualTo(200);
      assertThat(Arrays.equals(response.get().body(), expected)).isTrue();
    }
    assertThat(origin.requests("/cold")).isEqualTo(1);
    assertThat(served).hasValue(1);
  }

  /**
   * Hit-for-miss: once a URI's response could not be stored, its misses stop collapsing. Two
   * concurrent requests must both reach the origin, which holds them unanswered; collapsed, the
   * second would wait behind the first and the origin would see only one.
   */
  @Test
  void missesForAUriJustFoundUncacheableGoToTheOriginSideBySide() throws Exception {
    AtomicInteger served = new AtomicInteger();
    origin.handle("/private", r -> served.incrementAndGet() == 1
        ? Response.ok("for you only").header("Cache-Control", "no-store")
        : Response.hang());
    assertThat(new String(get("/private").body())).isEqualTo("for you only");

    HttpRequest request = HttpRequest.newBuilder(URI.create(origin.url("/private"))).timeout(Duration.ofSeconds(20))
        .build();
    List<CompletableFuture<HttpResponse<byte[]>>> pending = List.of(
        client.sendAsync(request, BodyHandlers.ofByteArray()), client.sendAsync(request, BodyHandlers.ofByteArray()));
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (origin.requests("/private") < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(origin.requests("/private")).isEqualTo(3);
    } finally {
      pending.forEach(f -> f.cancel(true));
    }
  }

  /**
   * A response with no freshness information and no validator, as dynamic pages and APIs send, could
   * be reused only after a full refetch: it is passed on without being stored, so repeated requests
   * neither rewrite the cache nor find a stale copy (RFC 9111 §4.2, §4.3.1).
   */
  @Test
  void aResponseWithoutFreshnessOrValidatorIsPassedOnButNotStored() throws Exception {
    AtomicInteger served = new AtomicInteger();
    origin.handle("/api", r -> Response.ok("reply " + served.incrementAndGet()).header("Content-Type", "text/plain"));

    HttpResponse<byte[]> first = get("/api");
    HttpResponse<byte[]> second = get("/api");

    assertThat(new String(first.body())).isEqualTo("reply 1");
    assertThat(new String(second.body())).isEqualTo("reply 2");
    assertThat(first.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v)
        .contains("fwd=uri-miss").doesNotContain("stored"));
    assertThat(second.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v)
        .doesNotContain("fwd=stale").doesNotContain("stored"));
    assertThat(origin.requests("/api")).isEqualTo(2);
  }

  @Test
  void varyAcceptEncodingKeepsOneVariantPerEncoding() throws Exception {
    origin.handle("/v", r -> {
      String encoding = r.header("Accept-Encoding") == null ? "identity" : r.header("Accept-Encoding");
      return Response.ok("body for " + encoding).header("Vary", "Accept-Encoding").header("Cache-Control", "max-age=300");
    });

    assertThat(new String(get("/v", "Accept-Encoding", "gzip").body())).isEqualTo("body for gzip");
    assertThat(new String(get("/v", "Accept-Encoding", "br").body())).isEqualTo("body for br");
    HttpResponse<byte[]> gzipAgain = get("/v", "Accept-Encoding", "gzip");
    HttpResponse<byte[]> brAgain = get("/v", "Accept-Encoding", "br");

    assertThat(new String(gzipAgain.body())).isEqualTo("body for gzip");
    assertThat(new String(brAgain.body())).isEqualTo("body for br");
    assertThat(gzipAgain.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("hit"));
    assertThat(brAgain.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("hit"));
    assertThat(origin.requests("/v")).isEqualTo(2);
  }

  @Test
  void aPrivateResponseIsNeverServedToASecondClient() throws Exception {
    AtomicInteger user = new AtomicInteger();
    origin.handle("/account", r -> Response.ok("account of user " + user.incrementAndGet())
        .header("Cache-Control", "private, max-age=300"));

    String alice = new String(get("/account").body());
    String bob = new String(get("/account").body());

    assertThat(alice).isEqualTo("account of user 1");
    assertThat(bob).isEqualTo("account of user 2");
    assertThat(origin.requests("/account")).isEqualTo(2);
  }

  @Test
  void aSetCookieResponseIsNotSharedUnlessMarkedPublic() throws Exception {
    origin.handle("/login", r -> Response.ok("session").header("Set-Cookie", "sid=secret").header("Cache-Control", "max-age=300"));
    origin.handle("/banner", r -> Response.ok("banner").header("Set-Cookie", "seen=1").header("Cache-Control", "public, max-age=300"));

    get("/login");
    HttpResponse<byte[]> second = get("/login");
    get("/banner");
    get("/banner");

    assertThat(second.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).doesNotContain("hit"));
    assertThat(origin.requests("/login")).isEqualTo(2);
    assertThat(origin.requests("/banner")).isEqualTo(1);
  }

  @Test
  void aStaleResponseIsRevalidatedAndA304RefreshesIt() throws Exception {
    origin.handle("/etag", r -> "\"v1\"".equals(r.header("If-None-Match"))
        ? Response.of(304, new byte[0]).header("ETag", "\"v1\"").header("Cache-Control", "max-age=0")
        : Response.ok("version 1").header("ETag", "\"v1\"").header("Cache-Control", "max-age=0"));

    get("/etag");
    HttpResponse<byte[]> validated = get("/etag");

    assertThat(validated.statusCode()).isEqualTo(200);
    assertThat(new String(validated.body())).isEqualTo("version 1");
    assertThat(validated.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).contains("fwd-status=304"));
    assertThat(origin.lastRequestHeaders().get("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(origin.requests("/etag")).isEqualTo(2);
  }

  /** As in Squid's log: a revalidation names the origin it asked (HIER_DIRECT), a hit names none. */
  @Test
  void theAccessLogNamesTheOriginARevalidationAskedAndNoneForAHit(@TempDir Path dir) throws Exception {
    origin.handle("/etag", r -> "\"v1\"".equals(r.header("If-None-Match"))
        ? Response.of(304, new byte[0]).header("ETag", "\"v1\"").header("Cache-Control", "max-age=0")
        : Response.ok("version 1").header("ETag", "\"v1\"").header("Cache-Control", "max-age=0"));
    origin.handle("/fresh", r -> Response.ok("fresh").header("Cache-Control", "max-age=300"));
    Path log = dir.resolve("access.log");
    try (TestProxy logged = new TestProxy(c -> c.withAccessLog(Optional.of(log)), s -> s).start();
        RawHttp c = RawHttp.connect(logged.address(), Duration.ofSeconds(5))) {
      for (String path : List.of("/etag", "/etag", "/fresh", "/fresh")) {
        assertThat(c.write("GET " + origin.url(path) + " HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status()).isEqualTo(200);
      }
      assertThat(AccessControlTest.awaitLogLine(log, "TCP_REFRESH_UNMODIFIED/200")).contains(" HIER_DIRECT/127.0.0.1 ");
      assertThat(AccessControlTest.awaitLogLine(log, "TCP_MEM_HIT/200")).contains(" HIER_NONE/- ");
    }
  }

  @Test
  void anUnsafeMethodInvalidatesTheStoredResponse() throws Exception {
    origin.handle("/doc", r -> "POST".equals(r.method())
        ? Response.ok("updated")
        : Response.ok("document").header("Cache-Control", "max-age=300"));

    get("/doc");
    client.send(HttpRequest.newBuilder(URI.create(origin.url("/doc"))).POST(HttpRequest.BodyPublishers.ofString("x")).build(),
        BodyHandlers.ofString());
    HttpResponse<byte[]> after = get("/doc");

    assertThat(after.headers().firstValue("Cache-Status")).hasValueSatisfying(v -> assertThat(v).doesNotContain("hit"));
    assertThat(origin.requests("/doc")).isEqualTo(3);
  }

  @Test
  void headAndRangeAreAnsweredFromAStoredGet() throws Exception {
    origin.handle("/file", r -> Response.ok("0123456789").header("Cache-Control", "max-age=300"));
    get("/file");

    HttpResponse<Void> head = client.send(HttpRequest.newBuilder(URI.create(origin.url("/file")))
        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build(), BodyHandlers.discarding());
    HttpResponse<byte[]> range = get("/file", "Range", "bytes=2-4");
    HttpResponse<byte[]> unsatisfiable = get("/file", "Range", "bytes=50-60");

    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.headers().firstValue("Content-Length")).contains("10");
    assertThat(range.statusCode()).isEqualTo(206);
    assertThat(new String(range.body())).isEqualTo("234");
    assertThat(range.headers().firstValue("Content-Range")).contains("bytes 2-4/10");
    assertThat(unsatisfiable.statusCode()).isEqualTo(416);
    assertThat(origin.requests("/file")).isEqualTo(1);
  }
}
