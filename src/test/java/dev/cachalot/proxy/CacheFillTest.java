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
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CacheFillTest {

  private static final CacheKey KEY = CacheKey.of("http://origin.test/file");
  private static final StoredResponse META = new StoredResponse(
      new ResponseHead(200, "OK", Headers.of("Cache-Control", "max-age=60")), Headers.EMPTY,
      Instant.EPOCH, Instant.EPOCH);

  @Test
  void aWithdrawalAfterTheFillWasStoredLeavesTheStoredBodyIntact() {
    CacheFill fill = new CacheFill(KEY);
    fill.head(META);
    fill.chunk(bytes("hello "));
    fill.chunk(bytes("world"));
    ByteBuf body = copyOf(fill.chunks());
    CachedResponse stored = new CachedResponse(KEY, "", META, body.asReadOnly());
    fill.complete(stored);

    // The leader's client went away while the last bytes were still being written to it.
    fill.notShared();

    assertThat(body.refCnt()).isEqualTo(1);
    assertThat(stored.body().toString(StandardCharsets.US_ASCII)).isEqualTo("hello world");
    body.release();
  }

  @Test
  void aFollowerJoiningAfterTheFillWasStoredReplaysTheStoredBody() {
    CacheFill fill = new CacheFill(KEY);
    fill.head(META);
    fill.chunk(bytes("hello "));
    fill.chunk(bytes("world"));
    ByteBuf body = copyOf(fill.chunks());
    CachedResponse stored = new CachedResponse(KEY, "", META, body.asReadOnly());
    fill.complete(stored);
    Recorder late = new Recorder();

    assertThat(fill.follow(late)).isTrue();

    assertThat(late.received).isEqualTo("hello world");
    assertThat(late.completed).isSameAs(stored);
    assertThat(body.refCnt()).isEqualTo(1);
    body.release();
  }

  /** What StoringObserver does on completion: one buffer with the chunks' bytes, the chunks released. */
  private static ByteBuf copyOf(List<ByteBuf> chunks) {
    ByteBuf body = ByteBufAllocator.DEFAULT.directBuffer();
    for (ByteBuf chunk : chunks) {
      body.writeBytes(chunk, chunk.readerIndex(), chunk.readableBytes());
      chunk.release();
    }
    return body;
  }

  private static ByteBuf bytes(String text) {
    return ByteBufAllocator.DEFAULT.directBuffer().writeBytes(text.getBytes(StandardCharsets.US_ASCII));
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
