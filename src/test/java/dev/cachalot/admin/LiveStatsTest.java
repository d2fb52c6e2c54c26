package dev.cachalot.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.proxy.ProxyListener.Finished;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The bounded structures behind /api/stats, driven by a fake clock. */
class LiveStatsTest {

  private final AtomicLong now = new AtomicLong(1_700_000_000_000L);
  private final LiveStats stats = new LiveStats(now::get);

  private void request(String url, String result, long bytes) {
    Finished f = new Finished(now.get() - 5, now.get(), "127.0.0.1", "GET", url, 200, result, bytes, "HIER_NONE/-");
    stats.record(f, ResultKind.of(result));
  }

  @ParameterizedTest
  @CsvSource({
      "TCP_MEM_HIT, HIT, true", "TCP_STALE_HIT, HIT, true", "TCP_REFRESH_UNMODIFIED, REVALIDATED, true",
      "TCP_REFRESH_FAIL_OLD, REVALIDATED, true", "TCP_REFRESH_MODIFIED, REFRESHED, false",
      "TCP_MISS_COLLAPSED, COALESCED, true", "TCP_MISS, MISS, false", "TCP_MISS_ABORTED, MISS, false",
      "TCP_TUNNEL, TUNNEL, false", "TCP_DENIED, OTHER, false", "NONE, OTHER, false",
      "TCP_REFRESH_UNMODIFIED_BACKGROUND, REFRESHED, false"})
  void resultCodesClassify(String result, ResultKind kind, boolean fromCache) {
    assertThat(ResultKind.of(result)).isEqualTo(kind);
    assertThat(kind.servedFromCache()).isEqualTo(fromCache);
  }

  @Test
  void recentKeepsTheLastFiftyNewestFirst() {
    for (int i = 0; i < 120; i++) {
      request("http://o/" + i, "TCP_MISS", 1);
    }
    List<Finished> recent = stats.recent();
    assertThat(recent).hasSize(LiveStats.RECENT);
    assertThat(recent.get(0).url()).isEqualTo("http://o/119");
    assertThat(recent.get(49).url()).isEqualTo("http://o/70");
  }

  @Test
  void topUrlsAreTheTwentyMostHit() {
    for (int i = 0; i < 30; i++) {
      for (int n = 0; n <= i; n++) {
        request("http://o/" + i, "TCP_MEM_HIT", 10);
      }
    }
    request("http://o/missed", "TCP_MISS", 10);
    List<Map.Entry<String, Long>> top = stats.topUrls();
    assertThat(top).hasSize(LiveStats.TOP);
    assertThat(top.get(0)).isEqualTo(Map.entry("http://o/29", 30L));
    assertThat(top.get(19)).isEqualTo(Map.entry("http://o/10", 11L));
    assertThat(top).extracting(Map.Entry::getKey).doesNotContain("http://o/missed");
  }

  @Test
  void rateIsOverTheLastTenSeconds() {
    for (int s = 0; s < 30; s++) {
      for (int i = 0; i < s; i++) {
        request("http://o/x", "TCP_MISS", 1);
      }
      now.addAndGet(1000);
    }
    // Seconds 20..29 carried 20+21+...+29 = 245 requests; the clock is now in second 30 (none yet).
    now.addAndGet(-1000);
    assertThat(stats.requestsPerSecond()).isEqualTo((20 + 21 + 22 + 23 + 24 + 25 + 26 + 27 + 28 + 29) / 10.0);
    now.addAndGet(61_000);
    assertThat(stats.requestsPerSecond()).isZero();
  }

  @Test
  void totalsAndRatio() {
    request("http://o/a", "TCP_MISS", 100);
    request("http://o/a", "TCP_MEM_HIT", 100);
    request("http://o/a", "TCP_MISS_COLLAPSED", 100);
    request("http://o/a", "TCP_REFRESH_UNMODIFIED", 100);
    request("connect:443", "TCP_TUNNEL", 5000);
    request("http://o/a", "TCP_REFRESH_UNMODIFIED_BACKGROUND", 0);
    assertThat(stats.requests.sum()).isEqualTo(5);
    assertThat(stats.lookups.sum()).isEqualTo(4);
    assertThat(stats.hitRatio()).isEqualTo(0.75);
    assertThat(stats.bytesFromCache.sum()).isEqualTo(300);
    assertThat(stats.bytesFromOrigin.sum()).isEqualTo(100);
    assertThat(stats.revalidations.sum()).isEqualTo(2);
    assertThat(stats.coalesced.sum()).isEqualTo(1);
  }

  @Test
  void jsonEscapesWhatComesFromTheWire() {
    request("http://o/\"quoted\"<script>", "TCP_MEM_HIT", 1);
    String json = stats.json(List.of(), 0, 0);
    assertThat(json).contains("http://o/\\\"quoted\\\"\\u003cscript\\u003e").doesNotContain("<script>");
  }
}
