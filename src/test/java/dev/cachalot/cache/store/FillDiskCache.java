package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Random;

/**
 * For bench/startup-index.sh: fills a cache directory with N entries through the DiskStore API.
 * Usage: FillDiskCache DIR N [BODY_BYTES]
 */
public final class FillDiskCache {

  private FillDiskCache() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    int bodyBytes = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
    byte[] body = new byte[bodyBytes];
    new Random(1).nextBytes(body);
    ByteBuf buf = Unpooled.wrappedBuffer(body);
    Instant now = Instant.now();
    long started = System.nanoTime();
    try (DiskStore store = DiskStore.open(dir, Long.MAX_VALUE / 2, false)) {
      for (int i = 0; i < n; i++) {
        StoredResponse meta = new StoredResponse(new ResponseHead(200, "OK", Headers.of(
            "Content-Type", "application/octet-stream", "Cache-Control", "max-age=86400",
            "ETag", "\"" + i + "\"", "Date", "Mon, 23 Nov 2026 12:00:00 GMT")),
            Headers.of("Accept", "*/*", "User-Agent", "bench"), now, now);
        store.write(CacheKey.of("http://bench.example/objects/" + i + "?v=1"), "", meta, buf);
      }
      System.out.printf("wrote %d entries (%d bytes) in %d ms%n", store.entryCount(), store.bytes(),
          (System.nanoTime() - started) / 1_000_000);
    }
    buf.release();
  }
}
