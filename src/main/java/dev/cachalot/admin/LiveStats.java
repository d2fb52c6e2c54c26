package dev.cachalot.admin;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.cachalot.proxy.ProxyListener.Finished;
import dev.cachalot.proxy.TierSize;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The numbers behind {@code /api/stats} and the dashboard, in bounded memory: running totals, one
 * bucket per second for the last minute, the last {@value #RECENT} requests in a ring, and hit counts
 * per URL in a size-bounded Caffeine cache (its frequency-based eviction keeps the popular URLs).
 */
final class LiveStats {

  static final int RECENT = 50;
  static final int TOP = 20;
  static final int SECONDS = 60;
  static final int RATE_WINDOW = 10;
  private static final int TRACKED_URLS = 4096;

  private final LongSupplier clock;
  private final long startedMillis;

  final LongAdder requests = new LongAdder();
  final LongAdder lookups = new LongAdder();
  final LongAdder servedFromCache = new LongAdder();
  final LongAdder hits = new LongAdder();
  final LongAdder misses = new LongAdder();
  final LongAdder revalidations = new LongAdder();
  final LongAdder coalesced = new LongAdder();
  final LongAdder bytesFromCache = new LongAdder();
  final LongAdder bytesFromOrigin = new LongAdder();

  // Per-second buckets, indexed by epoch second modulo SECONDS; guarded by `this`.
  private final long[] second = new long[SECONDS];
  private final long[] secRequests = new long[SECONDS];
  private final long[] secLookups = new long[SECONDS];
  private final long[] secServed = new long[SECONDS];
  private final long[] secBytesSaved = new long[SECONDS];
  private final long[] secBytesOrigin = new long[SECONDS];

  // The last RECENT requests; guarded by `recent`.
  private final Finished[] recent = new Finished[RECENT];
  private int next;

  private final Cache<String, LongAdder> urlHits = Caffeine.newBuilder().maximumSize(TRACKED_URLS).build();

  LiveStats(LongSupplier clock) {
    this.clock = clock;
    this.startedMillis = clock.getAsLong();
  }

  void record(Finished request, ResultKind kind) {
    if (kind == ResultKind.REFRESHED && request.result().endsWith("_BACKGROUND")) {
      revalidations.increment();
      return;  // no client saw it: a background refresh is not a request
    }
    requests.increment();
    switch (kind) {
      case HIT -> hits.increment();
      case MISS -> misses.increment();
      case COALESCED -> coalesced.increment();
      default -> { }
    }
    if (kind.revalidation()) {
      revalidations.increment();
    }
    boolean served = kind.servedFromCache();
    if (kind.lookup()) {
      lookups.increment();
    }
    long saved = 0;
    long fromOrigin = 0;
    if (served) {
      servedFromCache.increment();
      bytesFromCache.add(request.bytes());
      saved = request.bytes();
      urlHits.get(request.url(), u -> new LongAdder()).increment();
    } else if (kind == ResultKind.MISS || kind == ResultKind.REFRESHED) {
      bytesFromOrigin.add(request.bytes());
      fromOrigin = request.bytes();
    }
    long sec = request.endMillis() / 1000;
    int i = (int) Math.floorMod(sec, (long) SECONDS);
    synchronized (this) {
      if (second[i] != sec) {
        second[i] = sec;
        secRequests[i] = 0;
        secLookups[i] = 0;
        secServed[i] = 0;
        secBytesSaved[i] = 0;
        secBytesOrigin[i] = 0;
      }
      secRequests[i]++;
      secLookups[i] += kind.lookup() ? 1 : 0;
      secServed[i] += served ? 1 : 0;
      secBytesSaved[i] += saved;
      secBytesOrigin[i] += fromOrigin;
    }
    synchronized (recent) {
      recent[next] = request;
      next = (next + 1) % RECENT;
    }
  }

  /** The last requests, newest first. */
  List<Finished> recent() {
    List<Finished> out = new ArrayList<>(RECENT);
    synchronized (recent) {
      for (int k = 1; k <= RECENT; k++) {
        Finished f = recent[Math.floorMod(next - k, RECENT)];
        if (f == null) {
          break;
        }
        out.add(f);
      }
    }
    return out;
  }

  /** URLs by hits, most first. */
  List<Map.Entry<String, Long>> topUrls() {
    return urlHits.asMap().entrySet().stream()
        .map(e -> Map.entry(e.getKey(), e.getValue().sum()))
        .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()).thenComparing(Map.Entry.comparingByKey()))
        .limit(TOP)
        .toList();
  }

  /** Requests per second over the last {@value #RATE_WINDOW} seconds, the current one included. */
  double requestsPerSecond() {
    long now = clock.getAsLong() / 1000;
    long sum = 0;
    synchronized (this) {
      for (long sec = now - RATE_WINDOW + 1; sec <= now; sec++) {
        int i = (int) Math.floorMod(sec, (long) SECONDS);
        if (second[i] == sec) {
          sum += secRequests[i];
        }
      }
    }
    return sum / (double) RATE_WINDOW;
  }

  double hitRatio() {
    long n = lookups.sum();
    return n == 0 ? 0 : servedFromCache.sum() / (double) n;
  }

  String json(List<TierSize> tiers, long openConnections, long openTunnels) {
    long nowMillis = clock.getAsLong();
    StringBuilder out = new StringBuilder(8192);
    out.append("{\"now\":").append(nowMillis)
        .append(",\"uptimeSeconds\":").append((nowMillis - startedMillis) / 1000)
        .append(",\"totals\":{\"requests\":").append(requests.sum())
        .append(",\"hits\":").append(hits.sum())
        .append(",\"misses\":").append(misses.sum())
        .append(",\"revalidations\":").append(revalidations.sum())
        .append(",\"coalesced\":").append(coalesced.sum())
        .append(",\"lookups\":").append(lookups.sum())
        .append(",\"servedFromCache\":").append(servedFromCache.sum())
        .append(",\"bytesFromCache\":").append(bytesFromCache.sum())
        .append(",\"bytesFromOrigin\":").append(bytesFromOrigin.sum())
        .append(",\"openConnections\":").append(openConnections)
        .append(",\"openTunnels\":").append(openTunnels)
        .append("},\"hitRatio\":");
    Json.number(out, hitRatio());
    out.append(",\"requestsPerSecond\":");
    Json.number(out, requestsPerSecond());
    out.append(",\"bytesSaved\":").append(bytesFromCache.sum());
    out.append(",\"tiers\":[");
    for (int k = 0; k < tiers.size(); k++) {
      TierSize t = tiers.get(k);
      out.append(k == 0 ? "" : ",").append("{\"name\":");
      Json.string(out, t.name()).append(",\"entries\":").append(t.entries()).append(",\"bytes\":").append(t.bytes())
          .append('}');
    }
    out.append("],\"history\":[");
    long now = nowMillis / 1000;
    synchronized (this) {
      for (long sec = now - SECONDS + 1; sec <= now; sec++) {
        int i = (int) Math.floorMod(sec, (long) SECONDS);
        boolean live = second[i] == sec;
        out.append(sec == now - SECONDS + 1 ? "" : ",")
            .append("{\"t\":").append(sec)
            .append(",\"requests\":").append(live ? secRequests[i] : 0)
            .append(",\"lookups\":").append(live ? secLookups[i] : 0)
            .append(",\"servedFromCache\":").append(live ? secServed[i] : 0)
            .append(",\"bytesSaved\":").append(live ? secBytesSaved[i] : 0)
            .append(",\"bytesFromOrigin\":").append(live ? secBytesOrigin[i] : 0)
            .append('}');
      }
    }
    out.append("],\"topUrls\":[");
    List<Map.Entry<String, Long>> top = topUrls();
    for (int k = 0; k < top.size(); k++) {
      out.append(k == 0 ? "" : ",").append("{\"url\":");
      Json.string(out, top.get(k).getKey()).append(",\"hits\":").append(top.get(k).getValue()).append('}');
    }
    out.append("],\"recent\":[");
    List<Finished> last = recent();
    for (int k = 0; k < last.size(); k++) {
      Finished f = last.get(k);
      out.append(k == 0 ? "" : ",").append("{\"time\":").append(f.endMillis()).append(",\"method\":");
      Json.string(out, f.method()).append(",\"url\":");
      Json.string(out, f.url()).append(",\"status\":").append(f.status()).append(",\"result\":");
      Json.string(out, f.result()).append(",\"elapsedMs\":").append(f.elapsedMillis())
          .append(",\"bytes\":").append(f.bytes()).append('}');
    }
    return out.append("]}").toString();
  }
}
