package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.store.DiskStore;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cachalot cache stats|purge}, on a directory and through a running proxy. */
class CacheCommandTest {

  @TempDir Path dir;

  private void store(String url) throws Exception {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      ByteBuf body = Unpooled.wrappedBuffer(new byte[] {1, 2, 3});
      Instant t = Instant.parse("2026-01-01T00:00:00Z");
      store.write(CacheKey.of(url), "", new StoredResponse(ResponseHead.of(200, "Cache-Control", "max-age=60"),
          Headers.EMPTY, t, t), body);
      body.release();
    }
  }

  @Test
  void statsAndOfflinePurgeWorkOnADirectory() throws Exception {
    store("http://example.org/x");
    assertThat(Main.run("cache", "stats", "--cache-dir", dir.toString())).isZero();
    assertThat(Main.run("cache", "purge", "http://example.org/x", "--cache-dir", dir.toString())).isZero();
    assertThat(Main.run("cache", "purge", "http://example.org/x", "--cache-dir", dir.toString())).isEqualTo(1);
  }

  @Test
  void offlinePurgeIsRefusedWhileAProxyHoldsTheDirectory() throws Exception {
    store("http://example.org/y");
    try (DiskStore held = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(Main.run("cache", "purge", "http://example.org/y", "--cache-dir", dir.toString())).isEqualTo(2);
      assertThat(held.entryCount()).isEqualTo(1);
    }
  }

  @Test
  void purgeThroughARunningProxy() {
    try (TestOrigin origin = new TestOrigin().start();
        TestProxy proxy = new TestProxy(c -> c.withCacheDir(Optional.of(dir), 1 << 20)).start()) {
      origin.handle("/z", r -> Response.ok("zed").header("Cache-Control", "max-age=60"));
      try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
        raw.write("GET " + origin.url("/z") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
        assertThat(raw.readResponse().status()).isEqualTo(200);
      }
      assertThat(Main.run("cache", "purge", origin.url("/z"), "--proxy", proxy.hostPort())).isZero();
      assertThat(Main.run("cache", "purge", origin.url("/z"), "--proxy", proxy.hostPort())).isEqualTo(1);
    }
  }
}
