package dev.cachalot.bench;

import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.CachePolicy;
import dev.cachalot.cache.Decision;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.store.CachedResponse;
import dev.cachalot.cache.store.MemoryStore;
import dev.cachalot.http.HopByHop;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The per-request work a cache hit does before any byte is written: build the key, look up its
 * variants, decide, and strip hop-by-hop fields. Each is measured alone (average time per call).
 * Run with {@code mvn -Pbench}; pass other JMH options with {@code -Djmh.args="..."}.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class HotPathBenchmarks {

    static final String URI = "http://127.0.0.1:8080/objects/1k?v=1";

    RequestHead request;
    Headers requestHeaders;
    MemoryStore store;
    CacheKey key;
    Optional<StoredResponse> stored;
    Instant now;

    @Setup(Level.Trial)
    public void setUp() {
        // What wrk sends through a forward proxy, plus a few fields that browsers add.
        requestHeaders = Headers.of(
                "Host", "127.0.0.1:8080",
                "User-Agent", "Mozilla/5.0 (X11; Linux x86_64) bench",
                "Accept", "*/*",
                "Accept-Encoding", "gzip, deflate",
                "Connection", "keep-alive, X-Trace",
                "Proxy-Connection", "keep-alive",
                "Keep-Alive", "timeout=5",
                "X-Trace", "abc",
                "Cookie", "a=b");
        request = new RequestHead("GET", URI, requestHeaders);
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        ResponseHead head = ResponseHead.of(200,
                "Server", "nginx",
                "Date", "Thu, 01 Jan 2026 00:00:00 GMT",
                "Content-Type", "application/octet-stream",
                "Content-Length", "1024",
                "Last-Modified", "Wed, 31 Dec 2025 00:00:00 GMT",
                "ETag", "\"6790-400\"",
                "Cache-Control", "max-age=3600",
                "Accept-Ranges", "bytes");
        StoredResponse meta = new StoredResponse(head, Headers.EMPTY, t, t);
        stored = Optional.of(meta);
        now = t.plusSeconds(60);
        store = new MemoryStore(64L * 1024 * 1024);
        key = CacheKey.of(URI);
        ByteBuf body = Unpooled.wrappedBuffer(new byte[1024]).asReadOnly();
        store.put(new CachedResponse(key, "", meta, body));
        // other keys, so the lookup is not in a one-entry map
        for (int i = 0; i < 1000; i++) {
            CacheKey other = CacheKey.of("http://127.0.0.1:8080/objects/" + i);
            store.put(new CachedResponse(other, "", meta, Unpooled.wrappedBuffer(new byte[16]).asReadOnly()));
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        store.close();
    }

    @Benchmark
    public CacheKey cacheKeyOf() {
        return CacheKey.of(request);
    }

    @Benchmark
    public List<CachedResponse> cacheKeyAndLookup() {
        return store.variants(CacheKey.of(request));
    }

    @Benchmark
    public List<CachedResponse> lookupOnly() {
        return store.variants(key);
    }

    @Benchmark
    public Decision decideFresh() {
        return CachePolicy.decide(request, stored, now, CacheConfig.DEFAULT);
    }

    @Benchmark
    public Decision decideMiss() {
        return CachePolicy.decide(request, Optional.empty(), now, CacheConfig.DEFAULT);
    }

    @Benchmark
    public Headers hopByHopStrip() {
        return HopByHop.strip(requestHeaders);
    }
}
