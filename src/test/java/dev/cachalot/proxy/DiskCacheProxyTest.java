package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The disk tier through the proxy, in-process: restarts, corruption, PURGE, reverse mode. */
class DiskCacheProxyTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @TempDir Path dir;
  private TestProxy proxy;

  @AfterEach
  void stop() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private TestProxy start(UnaryOperator<ProxyConfig> more) {
    if (proxy != null) {
      proxy.close();
    }
    proxy = new TestProxy(c -> more.apply(c.withCacheDir(Optional.of(dir), 8L << 20))).start();
    return proxy;
  }

  private TestProxy start() {
    return start(UnaryOperator.identity());
  }

  private RawHttp.Response send(String requestHead) {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write(requestHead);
      return raw.readResponse();
    }
  }

  private RawHttp.Response get(String path) {
    return send("GET " + origin.url(path) + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  }

  private RawHttp.Response purge(String target) {
    return send("PURGE " + target + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
  }

  private void page(String path, String body) {
    origin.handle(path, r -> Response.ok(body).header("Cache-Control", "max-age=3600"));
  }

  @Test
  void hitsSurviveARestartWithoutContactingTheOrigin() {
    page("/a", "alpha");
    page("/b", "beta".repeat(10_000));
    start();
    assertThat(get("/a").bodyText()).isEqualTo("alpha");
    assertThat(get("/b").bodyText()).isEqualTo("beta".repeat(10_000));
    start(); // close flushes the disk writes; the new proxy has an empty memory tier
    RawHttp.Response a = get("/a");
    assertThat(a.bodyText()).isEqualTo("alpha");
    assertThat(a.headers().get("Cache-Status")).contains("hit");
    assertThat(get("/b").bodyText()).isEqualTo("beta".repeat(10_000));
    assertThat(get("/a").bodyText()).isEqualTo("alpha"); // now from memory
    assertThat(origin.requests("/a")).isEqualTo(1);
    assertThat(origin.requests("/b")).isEqualTo(1);
  }

  /** The origin's validator for /v; a matching If-None-Match gets a 304 with {@code cc304}. */
  private void validated(String path, String cc200, String cc304) {
    origin.handle(path, r -> "\"v1\"".equals(r.header("If-None-Match"))
        ? Response.of(304, "").header("ETag", "\"v1\"").header("Cache-Control", cc304)
        : Response.ok("validated body").header("ETag", "\"v1\"").header("Cache-Control", cc200));
  }

  /** The identity of the one entry file (a rewrite replaces the file, so its key changes). */
  private Object entryFile() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
      List<Path> all = files.filter(Files::isRegularFile).toList();
      assertThat(all).hasSize(1);
      return Files.readAttributes(all.get(0), java.nio.file.attribute.BasicFileAttributes.class).fileKey();
    }
  }

  /**
   * A no-cache response is validated on every request; a 304 that leaves it so refreshes the memory
   * copy only (RFC 9111 §4.3.4), instead of rewriting the file each time.
   */
  @Test
  void a304ForAResponseValidatedOnEveryUseDoesNotRewriteItsFile() throws IOException {
    validated("/v", "no-cache", "no-cache");
    start();
    assertThat(get("/v").bodyText()).isEqualTo("validated body");
    start(); // close flushes the disk write
    Object before = entryFile();
    for (int i = 0; i < 3; i++) {
      RawHttp.Response r = get("/v");
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("validated body");
      assertThat(r.headers().get("Cache-Status")).contains("fwd-status=304");
    }
    start();
    assertThat(origin.requests("/v")).isEqualTo(4);
    assertThat(entryFile()).isEqualTo(before);
    assertThat(get("/v").bodyText()).as("the file still serves, after a validation").isEqualTo("validated body");
  }

  @Test
  void a304ThatMakesTheResponseFreshRewritesItsFile() throws IOException {
    validated("/w", "max-age=0", "max-age=3600");
    start();
    assertThat(get("/w").bodyText()).isEqualTo("validated body");
    start();
    Object before = entryFile();
    assertThat(get("/w").headers().get("Cache-Status")).contains("fwd-status=304");
    start(); // the refreshed entry, fresh for an hour, is what the disk holds now
    assertThat(entryFile()).isNotEqualTo(before);
    RawHttp.Response hit = get("/w");
    assertThat(hit.headers().get("Cache-Status")).contains("hit");
    assertThat(origin.requests("/w")).isEqualTo(2);
  }

  @Test
  void aCorruptedFileIsRefetchedNotServed() throws IOException {
    page("/c", "the real body");
    start();
    assertThat(get("/c").bodyText()).isEqualTo("the real body");
    proxy.close();
    proxy = null;
    Path file;
    try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
      file = files.filter(Files::isRegularFile).findFirst().orElseThrow();
    }
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(f.length() - 1);
      f.write('!');
    }
    start();
    RawHttp.Response again = get("/c");
    assertThat(again.bodyText()).isEqualTo("the real body");
    assertThat(origin.requests("/c")).isEqualTo(2);
  }

  @Test
  void purgeRemovesFromBothTiers() {
    page("/p", "purge me");
    start();
    get("/p");
    assertThat(purge(origin.url("/p")).status()).isEqualTo(200);
    assertThat(purge(origin.url("/p")).status()).isEqualTo(404);
    assertThat(purge(origin.url("/never")).status()).isEqualTo(404);
    get("/p");
    assertThat(origin.requests("/p")).isEqualTo(2);
    assertThat(purge(origin.url("/p")).status()).isEqualTo(200);
    start();
    get("/p");
    assertThat(origin.requests("/p")).isEqualTo(3);
  }

  @Test
  void purgeFromAClientThatIsNotAdminIsForbidden() {
    page("/f", "keep me");
    start(c -> c.withAdmin(AdminAccess.NOBODY));
    get("/f");
    assertThat(purge(origin.url("/f")).status()).isEqualTo(403);
    get("/f");
    assertThat(origin.requests("/f")).isEqualTo(1);
  }

  @Test
  void reverseModeServesOriginFormRequestsAndCachesThem() {
    page("/r", "reversed");
    start(c -> c.withReverse(ReverseRoutes.parse(List.of(origin.url("")), false)));
    String request = "GET /r HTTP/1.1\r\nHost: www.example.test\r\n\r\n";
    RawHttp.Response first = send(request);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.bodyText()).isEqualTo("reversed");
    assertThat(origin.lastRequest().header("Host")).isEqualTo("www.example.test");
    assertThat(send(request).headers().get("Cache-Status")).contains("hit");
    assertThat(origin.requests("/r")).isEqualTo(1);
    assertThat(send("PURGE /r HTTP/1.1\r\nHost: www.example.test\r\n\r\n").status()).isEqualTo(200);
    send(request);
    assertThat(origin.requests("/r")).isEqualTo(2);
  }

  @Test
  void reverseModePointsTheOriginsSelfReferencesAtTheClientsHostAndInvalidatesThem() {
    page("/doc", "document");
    origin.handle("/edit", r -> Response.ok("saved")
        .header("Location", origin.url("/doc")).header("Content-Location", origin.url("/doc")));
    start(c -> c.withReverse(ReverseRoutes.parse(List.of(origin.url("")), false)));
    String getDoc = "GET /doc HTTP/1.1\r\nHost: www.example.test\r\n\r\n";
    send(getDoc);
    assertThat(send(getDoc).headers().get("Cache-Status")).contains("hit");

    RawHttp.Response posted = send("POST /edit HTTP/1.1\r\nHost: www.example.test\r\nContent-Length: 1\r\n\r\nx");

    assertThat(posted.headers().get("Location")).isEqualTo("http://www.example.test/doc");
    assertThat(posted.headers().get("Content-Location")).isEqualTo("http://www.example.test/doc");
    assertThat(send(getDoc).headers().get("Cache-Status")).doesNotContain("hit");
    assertThat(origin.requests("/doc")).isEqualTo(2);
  }

  @Test
  void reverseModeRewritesHostAndRoutesByHost() {
    page("/h", "by host");
    start(c -> c.withReverse(ReverseRoutes.parse(List.of("app.test=" + origin.url("")), true)));
    RawHttp.Response ok = send("GET /h HTTP/1.1\r\nHost: APP.test:8080\r\n\r\n");
    assertThat(ok.bodyText()).isEqualTo("by host");
    assertThat(origin.lastRequest().header("Host")).isEqualTo(origin.authority());
    assertThat(send("GET /h HTTP/1.1\r\nHost: other.test\r\n\r\n").status()).isEqualTo(421);
    assertThat(send("GET /h HTTP/1.1\r\nHost: bad host\r\n\r\n").status()).isEqualTo(400);
  }
}
