package dev.cachalot.rules;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A loopback origin laid out like a Debian mirror (by-hash and pool files with no freshness headers,
 * an InRelease that changes with every archive update) and two rounds of "apt-get update and install"
 * through the proxy, each round as from a fresh state folder (no client-side cache, no conditionals).
 */
@Timeout(60)
class DebianMirrorTest {

  private static final List<String> BY_HASH = List.of(
      "/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/0f3c1b2a9d",
      "/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/7ae41c55e0",
      "/debian/dists/bookworm/main/i18n/by-hash/SHA256/c0ffee1234");
  private static final List<String> POOL = List.of(
      "/debian/pool/main/h/hello/hello_2.10-3_amd64.deb",
      "/debian/pool/main/c/curl/curl_7.88.1-10_amd64.deb",
      "/debian/pool/main/c/curl/libcurl4_7.88.1-10_amd64.deb");
  private static final String IN_RELEASE = "/debian/dists/bookworm/InRelease";

  @RegisterExtension final TestOrigin mirror = new TestOrigin();
  private final AtomicInteger archiveVersion = new AtomicInteger(1);
  private TestProxy proxy;
  private HttpClient client;

  @BeforeEach
  void mirrorLayout() {
    for (String path : BY_HASH) {
      mirror.handle(path, r -> Response.ok("index " + path + "\n").header("Content-Type", "application/octet-stream"));
    }
    for (String path : POOL) {
      mirror.handle(path, r -> Response.ok(("deb " + path + "\n").repeat(100))
          .header("Content-Type", "application/vnd.debian.binary-package"));
    }
    mirror.handle(IN_RELEASE, r -> Response.ok("Origin: Debian\nVersion: " + archiveVersion.get() + "\n"));
  }

  @AfterEach
  void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  private void startProxy(Rules rules) {
    proxy = new TestProxy(c -> c.withCache(c.cacheMemBytes(), c.cache().withRules(rules))).start();
    client = HttpClient.newBuilder().proxy(proxy.selector()).version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5)).build();
  }

  /** One "apt-get update" and install into a fresh state folder: every file, no conditionals. */
  private List<HttpResponse<String>> aptRound() throws Exception {
    List<HttpResponse<String>> answers = new ArrayList<>();
    List<String> all = new ArrayList<>();
    all.add(IN_RELEASE);
    all.addAll(BY_HASH);
    all.addAll(POOL);
    for (String path : all) {
      HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(mirror.url(path)))
          .timeout(Duration.ofSeconds(10)).build(), BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isEqualTo(200);
      answers.add(r);
    }
    return answers;
  }

  private int originFetches(List<String> paths) {
    return paths.stream().mapToInt(mirror::requests).sum();
  }

  @Test
  void withPresetDebianTheSecondRoundFetchesNoByHashOrPoolFileFromTheOrigin() throws Exception {
    startProxy(Rules.of(Presets.get("debian")));
    aptRound();
    archiveVersion.incrementAndGet(); // the mirror updates between the two rounds
    List<HttpResponse<String>> second = aptRound();

    assertThat(originFetches(BY_HASH)).isEqualTo(BY_HASH.size());
    assertThat(originFetches(POOL)).isEqualTo(POOL.size());
    assertThat(second.get(1).headers().firstValue("Cache-Status").orElse(""))
        .contains("hit").contains("detail=rule:debian-by-hash");
    assertThat(second.get(4).headers().firstValue("Cache-Status").orElse(""))
        .contains("hit").contains("detail=rule:debian-pool");
    // InRelease: five minutes of freshness, then revalidated; within the five minutes it is a hit.
    assertThat(second.get(0).headers().firstValue("Cache-Status").orElse(""))
        .contains("hit").contains("detail=rule:debian-release");
  }

  @Test
  void withoutThePresetEveryFileIsFetchedAgain() throws Exception {
    startProxy(Rules.EMPTY);
    aptRound();
    archiveVersion.incrementAndGet();
    List<HttpResponse<String>> second = aptRound();

    assertThat(originFetches(BY_HASH)).isEqualTo(2 * BY_HASH.size());
    assertThat(originFetches(POOL)).isEqualTo(2 * POOL.size());
    assertThat(mirror.requests(IN_RELEASE)).isEqualTo(2);
    assertThat(second.get(0).body()).contains("Version: 2");
  }

  @Test
  void aBypassRuleSendsMatchingRequestsPastTheCacheAndSaysWhichRule() throws Exception {
    List<Rule> rules = new ArrayList<>();
    rules.add(Rule.of("no-pool", UrlPattern.glob("*/pool/*", false), new Action.Bypass()));
    rules.addAll(Presets.get("debian"));
    startProxy(Rules.of(rules));
    aptRound();
    List<HttpResponse<String>> second = aptRound();

    assertThat(originFetches(POOL)).isEqualTo(2 * POOL.size());
    assertThat(originFetches(BY_HASH)).isEqualTo(BY_HASH.size());
    assertThat(second.get(4).headers().firstValue("Cache-Status").orElse(""))
        .contains("fwd=bypass").contains("detail=rule:no-pool");
  }
}
