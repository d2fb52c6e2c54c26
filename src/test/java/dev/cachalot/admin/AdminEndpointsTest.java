package dev.cachalot.admin;

import static dev.cachalot.admin.AdminHarness.total;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.proxy.AdminAccess;
import dev.cachalot.proxy.LoginThrottle;
import dev.cachalot.proxy.ProxyAuth;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Real traffic through the proxy, then the admin endpoints' numbers, read by a real client. */
@Timeout(60)
class AdminEndpointsTest {

  private static final String BODY_A = "cacheable body A\n";
  private static final String BODY_B = "cacheable body B, a little longer\n";

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  private AdminHarness harness;

  @BeforeEach
  void setUp() throws Exception {
    origin.handle("/a", r -> Response.ok(BODY_A).header("Cache-Control", "max-age=300"));
    origin.handle("/b", r -> Response.ok(BODY_B).header("Cache-Control", "max-age=300"));
    origin.handle("/private", r -> Response.ok("not stored\n").header("Cache-Control", "no-store"));
    harness = new AdminHarness();
    // 4 misses (a, b, private twice), 4 hits (a three times, b once).
    for (String path : List.of("/a", "/a", "/a", "/a", "/b", "/b", "/private", "/private")) {
      HttpResponse<String> response = harness.get(origin.url(path));
      assertThat(response.statusCode()).isEqualTo(200);
    }
  }

  @AfterEach
  void tearDown() {
    harness.close();
  }

  @Test
  @SuppressWarnings("unchecked")
  void statsCountTheTraffic() throws Exception {
    Map<String, Object> stats = harness.statsWhen(s -> total(s, "requests") >= 8);

    assertThat(total(stats, "requests")).isEqualTo(8);
    assertThat(total(stats, "hits")).isEqualTo(4);
    assertThat(total(stats, "misses")).isEqualTo(4);
    assertThat(total(stats, "coalesced")).isZero();
    assertThat(total(stats, "bytesFromCache")).isEqualTo(3L * BODY_A.length() + BODY_B.length());
    assertThat(total(stats, "bytesFromOrigin")).isEqualTo(BODY_A.length() + BODY_B.length() + 2L * "not stored\n".length());
    assertThat(((Number) stats.get("hitRatio")).doubleValue()).isEqualTo(0.5);
    assertThat(((Number) stats.get("bytesSaved")).longValue()).isEqualTo(total(stats, "bytesFromCache"));
    // All eight happened within the last 10 s.
    assertThat(((Number) stats.get("requestsPerSecond")).doubleValue()).isEqualTo(0.8);

    List<Map<String, Object>> tiers = (List<Map<String, Object>>) stats.get("tiers");
    assertThat(tiers).singleElement().satisfies(tier -> {
      assertThat(tier.get("name")).isEqualTo("memory");
      assertThat(((Number) tier.get("entries")).longValue()).isEqualTo(2);
      assertThat(((Number) tier.get("bytes")).longValue()).isPositive();
    });

    List<Map<String, Object>> top = (List<Map<String, Object>>) stats.get("topUrls");
    assertThat(top).hasSize(2);
    assertThat(top.get(0)).containsEntry("url", origin.url("/a"));
    assertThat(((Number) top.get(0).get("hits")).longValue()).isEqualTo(3);
    assertThat(((Number) top.get(1).get("hits")).longValue()).isEqualTo(1);

    List<Map<String, Object>> recent = (List<Map<String, Object>>) stats.get("recent");
    assertThat(recent).hasSize(8);
    assertThat(recent.get(0)).containsEntry("url", origin.url("/private")).containsEntry("method", "GET")
        .containsEntry("result", "TCP_MISS").containsKeys("time", "status", "elapsedMs", "bytes");
    assertThat(((Number) recent.get(0).get("status")).intValue()).isEqualTo(200);
    assertThat(recent).extracting(r -> r.get("result"))
        .containsExactly("TCP_MISS", "TCP_MISS", "TCP_MEM_HIT", "TCP_MISS", "TCP_MEM_HIT", "TCP_MEM_HIT",
            "TCP_MEM_HIT", "TCP_MISS");

    List<Map<String, Object>> history = (List<Map<String, Object>>) stats.get("history");
    assertThat(history).hasSize(LiveStats.SECONDS);
    assertThat(history.stream().mapToLong(p -> ((Number) p.get("requests")).longValue()).sum()).isEqualTo(8);
  }

  @Test
  void prometheusTextParsesAndNamesTheMeters() throws Exception {
    harness.statsWhen(s -> total(s, "requests") >= 8);
    HttpResponse<String> response = harness.admin("GET", "/metrics");
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("text/plain"));

    // Every sample line: name{labels} value, per the text exposition format.
    Pattern sample = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{([^}]*)})? (-?[0-9.eE+-]+|NaN|[+-]Inf)");
    Map<String, Double> samples = new HashMap<>();
    for (String line : response.body().split("\n")) {
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      Matcher m = sample.matcher(line);
      assertThat(m.matches()).as("sample line: %s", line).isTrue();
      samples.put(m.group(1) + (m.group(3) == null ? "" : "{" + m.group(3) + "}"), Double.parseDouble(
          m.group(4).replace("+Inf", "Infinity").replace("-Inf", "-Infinity")));
    }
    assertThat(samples).containsEntry("cachalot_requests_total{method=\"GET\",result=\"TCP_MEM_HIT\",status=\"2xx\"}", 4.0)
        .containsEntry("cachalot_requests_total{method=\"GET\",result=\"TCP_MISS\",status=\"2xx\"}", 4.0)
        .containsEntry("cachalot_cache_hits_total", 4.0)
        .containsEntry("cachalot_cache_misses_total", 4.0)
        .containsEntry("cachalot_cache_revalidations_total", 0.0)
        .containsEntry("cachalot_cache_coalesced_total", 0.0)
        .containsEntry("cachalot_bytes_served_bytes_total{source=\"cache\"}", 3.0 * BODY_A.length() + BODY_B.length())
        .containsEntry("cachalot_cache_entries{tier=\"memory\"}", 2.0)
        .containsEntry("cachalot_client_latency_seconds_count", 8.0)
        .containsEntry("cachalot_origin_latency_seconds_count", 4.0)
        .containsEntry("cachalot_tunnels", 0.0)
        .containsKeys("cachalot_cache_size_bytes{tier=\"memory\"}", "cachalot_client_connections",
            "cachalot_bytes_served_bytes_total{source=\"origin\"}")
        .hasKeySatisfying(new org.assertj.core.api.Condition<>(k -> k.startsWith("cachalot_origin_latency_seconds_bucket{"),
            "origin latency histogram buckets"))
        .hasKeySatisfying(new org.assertj.core.api.Condition<>(k -> k.startsWith("jvm_memory_used_bytes{"),
            "JVM memory"));
  }

  @Test
  void healthAndEdges() throws Exception {
    HttpResponse<String> health = harness.admin("GET", "/healthz");
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(health.body()).isEqualTo("ok\n");

    HttpResponse<String> page = harness.admin("GET", "/");
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.body()).contains("<canvas id=\"chart\"");
    assertThat(harness.admin("GET", "/app.js").body()).contains("api/stats");
    assertThat(harness.admin("GET", "/style.css").statusCode()).isEqualTo(200);

    assertThat(harness.admin("GET", "/nope").statusCode()).isEqualTo(404);
    assertThat(harness.admin("POST", "/metrics").statusCode()).isEqualTo(405);
    HttpResponse<String> purge = harness.admin("PURGE", "/http://example.test/");
    assertThat(purge.statusCode()).isEqualTo(405);
    assertThat(purge.headers().firstValue("Allow")).hasValue("GET, HEAD");
    assertThat(purge.body()).contains("proxy's port").contains("curl -X PURGE -x");
  }

  @Test
  void postToApiReloadReadsTheConfigurationAgainAndKeepsTheRunningOneWhenTheFileIsBad(@TempDir Path dir)
      throws Exception {
    HttpResponse<String> none = harness.admin("POST", "/api/reload");
    assertThat(none.statusCode()).isEqualTo(409);
    assertThat(none.body()).contains("without --config");

    Path file = dir.resolve("limit");
    Files.writeString(file, "10");
    List<Integer> applied = new java.util.ArrayList<>();
    dev.cachalot.config.ConfigReloader<Integer> reloader = new dev.cachalot.config.ConfigReloader<>(
        file.toString(), () -> Integer.parseInt(Files.readString(file).strip()), applied::add, n -> "limit " + n);
    harness.admin.reloadWith(reloader::reload);

    HttpResponse<String> get = harness.admin("GET", "/api/reload");
    assertThat(get.statusCode()).as("a reload changes state: POST only").isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("POST");
    assertThat(applied).isEmpty();

    HttpResponse<String> ok = harness.admin("POST", "/api/reload");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("reloaded: limit 10\n");
    assertThat(applied).containsExactly(10);

    Files.writeString(file, "ten");
    HttpResponse<String> refused = harness.admin("POST", "/api/reload");
    assertThat(refused.statusCode()).isEqualTo(422);
    assertThat(refused.body()).startsWith("refused, the running configuration stays: ").contains("\"ten\"");
    assertThat(applied).as("nothing applied from the bad file").containsExactly(10);
  }

  /** With --admin-auth-file every endpoint but /healthz needs Basic credentials of a user in the file. */
  @Test
  void adminAuthFileRequiresAUserEverywhereButHealthz(@TempDir Path dir) throws Exception {
    try (AdminServer guarded = guardedBy(dir);
        RawHttp c = RawHttp.connect(guarded.address(), Duration.ofSeconds(5))) {
      var none = c.write("GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
      assertThat(none.status()).isEqualTo(401);
      assertThat(none.headers().get("WWW-Authenticate")).startsWith("Basic realm=\"cachalot admin\"");
      assertThat(get(c, "/metrics", basic("ops", "guess")).status()).isEqualTo(401);
      assertThat(c.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status()).isEqualTo(200);
      for (String path : List.of("/api/stats", "/metrics", "/")) {
        assertThat(get(c, path, basic("ops", "s3cret")).status()).as(path).isEqualTo(200);
      }
    }
  }

  /**
   * A client that fails to log in 10 times within a minute gets 429 for new credentials, as on the
   * proxy port, and they are not hashed; credentials verified before, and /healthz, still work.
   */
  @Test
  void failedAdminLoginsAreThrottledPerClient(@TempDir Path dir) throws Exception {
    try (AdminServer guarded = guardedBy(dir);
        RawHttp c = RawHttp.connect(guarded.address(), Duration.ofSeconds(5))) {
      assertThat(get(c, "/api/stats", basic("ops", "s3cret")).status()).isEqualTo(200);
      for (int i = 0; i < LoginThrottle.DEFAULT_LIMIT; i++) {
        assertThat(get(c, "/api/stats", basic("ops", "guess" + i)).status()).as("guess %d", i).isEqualTo(401);
      }
      RawHttp.Response throttled = get(c, "/api/stats", basic("ops", "one more guess"));
      assertThat(throttled.status()).isEqualTo(429);
      assertThat(Long.parseLong(throttled.headers().get("Retry-After"))).isBetween(1L, 60L);
      assertThat(throttled.bodyText()).contains("too many failed admin logins from 127.0.0.1");
      assertThat(get(c, "/api/stats", basic("dev", "right but new")).status()).isEqualTo(429);
      assertThat(get(c, "/api/stats", basic("ops", "s3cret")).status()).isEqualTo(200);
      assertThat(c.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status()).isEqualTo(200);
    }
  }

  private static AdminServer guardedBy(Path dir) throws Exception {
    Path users = dir.resolve("admins");
    Files.writeString(users, ProxyAuth.pbkdf2Line("ops", "salt", "s3cret", 1000) + "\n"
        + ProxyAuth.pbkdf2Line("dev", "salt2", "right but new", 1000) + "\n");
    return AdminServer.start(new InetSocketAddress("127.0.0.1", 0), new ProxyMetrics(), AdminAccess.LOOPBACK,
        Optional.of(ProxyAuth.load(users, "--admin-auth-file")));
  }

  private static String basic(String user, String password) {
    return Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static RawHttp.Response get(RawHttp c, String path, String basicCredentials) {
    return c.write("GET " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Basic " + basicCredentials + "\r\n\r\n")
        .readResponse();
  }

  @Test
  void remoteClientsNeedAdminAllow() throws Exception {
    java.net.InetAddress lan = dev.cachalot.testing.LanAddress.require();
    dev.cachalot.proxy.Cidr remote = dev.cachalot.proxy.Cidr.parse(lan.getHostAddress() + "/32");
    for (boolean admitted : List.of(false, true)) {
      try (AdminServer wide = AdminServer.start(new InetSocketAddress("0.0.0.0", 0), new ProxyMetrics(),
          AdminAccess.loopbackAnd(admitted ? List.of(remote) : List.of()), Optional.empty())) {
        int port = wide.address().getPort();
        try (RawHttp local = RawHttp.connect(
            new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(5))) {
          assertThat(local.write("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n").readResponse().status()).isEqualTo(200);
        }
        try (RawHttp far = RawHttp.connect(
            new InetSocketAddress(lan, port), Duration.ofSeconds(5))) {
          var r = far.write("GET /api/stats HTTP/1.1\r\nHost: x\r\n\r\n").readResponse();
          assertThat(r.status()).as(admitted ? "in --admin-allow" : "not this host, not allowed")
              .isEqualTo(admitted ? 200 : 403);
        }
      }
    }
  }
}
