package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.store.CachedResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class CacheFillTest {

  private static final CacheKey KEY = CacheKey.of("http://origin.test/file");
  private static final StoredResponse META = new StoredResponse(
      new ResponseHead(200, "OK", Headers.of("Cache-Control", "max-age=60")), Headers.EMPTY,
      Instant.EPOCH, Instant.EPOCH);

  private final CacheFill fill = new CacheFill(KEY);

  @Test
  void aWithdrawalAfterTheFillWasStoredLeavesTheStoredBodyIntact() {
    CachedResponse stored = storeFill("hello ", "world");

    // The leader's exchange gave up after its response was stored (a malformed request body).
    fill.notShared();

    assertThat(stored.body().refCnt()).isEqualTo(1);
    assertThat(stored.body().toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
    stored.body().release();
  }

  @Test
  void aFollowerJoiningAfterTheFillWasStoredReplaysTheStoredBody() {
    CachedResponse stored = storeFill("hello ", "world");
    Recorder late = new Recorder();

    assertThat(fill.follow(late)).isTrue();

    assertThat(late.received).isEqualTo("hello world");
    assertThat(late.completed).isSameAs(stored);
    assertThat(stored.body().refCnt()).isEqualTo(1);
    stored.body().release();
  }

  /**
   * Fills with these chunks and completes as StoringObserver does: one buffer with the chunks' bytes,
   * the chunks released.
   */
  private CachedResponse storeFill(String... chunks) {
    fill.head(META);
    for (String chunk : chunks) {
      fill.chunk(ByteBufAllocator.DEFAULT.directBuffer().writeBytes(chunk.getBytes(StandardCharsets.US_ASCII)));
    }
    ByteBuf body = ByteBufAllocator.DEFAULT.directBuffer();
    for (ByteBuf chunk : fill.chunks()) {
      body.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
      chunk.release();
    }
    CachedResponse stored = new CachedResponse(KEY, "", META, body.asReadOnly());
    fill.complete(stored);
    return stored;
  }

  private static final class Recorder implements CacheFill.Follower {
    String received = "";
    CachedResponse completed;

    @Override
    public void onHead(StoredResponse head) {}

    @Override
    public void onChunk(ByteBuf chunk) {
      received += chunk.toString(StandardCharsets.US_ASCII);
      chunk.release();
    }

    @Override
    public void onComplete(CachedResponse stored) {
      completed = stored;
    }

    @Override
    public void onNotShared() {}

    @Override
    public void onFailed() {}
  }
}
