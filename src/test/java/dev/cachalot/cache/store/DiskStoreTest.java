package dev.cachalot.cache.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskStoreTest {

  @TempDir Path dir;

  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  static StoredResponse meta(String... headerPairs) {
    return new StoredResponse(new ResponseHead(200, "OK", Headers.of(headerPairs)),
        Headers.of("Accept-Encoding", "gzip"), T0, T0.plusMillis(5));
  }

  static void write(DiskStore store, String url, String variant, String body) throws IOException {
    ByteBuf buf = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
    try {
      store.write(CacheKey.of(url), variant, meta("Cache-Control", "max-age=60", "Content-Type", "text/plain"), buf);
    } finally {
      buf.release();
    }
  }

  static String readOne(DiskStore store, String url) {
    List<CachedResponse> found = store.read(CacheKey.of(url), null, ByteBufAllocator.DEFAULT);
    try {
      return found.isEmpty() ? null : found.get(0).body().toString(StandardCharsets.UTF_8);
    } finally {
      found.forEach(e -> e.body().release());
    }
  }

  @Test
  void roundTripsHeadMetaAndBodyAcrossReopen() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/a", "", "hello");
      write(store, "http://example.org/a", "accept-encoding=gzip", "hello gzip");
    }
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(store.entryCount()).isEqualTo(2);
      assertThat(store.variantNames(CacheKey.of("http://example.org/a"))).containsExactlyInAnyOrder("", "accept-encoding=gzip");
      List<CachedResponse> found = store.read(CacheKey.of("http://example.org/a"), Set.of(""), ByteBufAllocator.DEFAULT);
      assertThat(found).hasSize(1);
      CachedResponse e = found.get(0);
      assertThat(e.body().toString(StandardCharsets.UTF_8)).isEqualTo("hello");
      assertThat(e.meta()).isEqualTo(meta("Cache-Control", "max-age=60", "Content-Type", "text/plain"));
      e.body().release();
    }
  }

  @Test
  void fileNamesAreHashesNotUrlText() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/../../etc/passwd", "", "x");
    }
    try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
      List<Path> entries = files.filter(Files::isRegularFile).toList();
      assertThat(entries).hasSize(1);
      Path rel = dir.resolve("v1").relativize(entries.get(0));
      assertThat(rel.toString()).matches("[0-9a-f]{2}/[0-9a-f]{2}/[0-9a-f]{64}");
    }
  }

  @Test
  void corruptBodyIsDetectedRemovedAndNotServed() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/c", "", "precious bytes");
      Path file = onlyFile();
      try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
        f.seek(f.length() - 3);
        f.write('X');
      }
      assertThat(readOne(store, "http://example.org/c")).isNull();
      assertThat(Files.exists(file)).isFalse();
      assertThat(store.entryCount()).isZero();
      assertThat(store.bytes()).isZero();
    }
  }

  @Test
  void tornEntryIsRemovedAtStartAndStrayTempFilesAreCleared() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/t", "", "0123456789");
    }
    Path file = onlyFile();
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(f.length() - 4);
    }
    Files.writeString(dir.resolve("tmp").resolve("deadbeef.1.tmp"), "half an entry");
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(Files.list(dir.resolve("tmp")).count()).isZero();
      assertThat(store.needsReconcile()).isTrue(); // index from the journal; the scan finds the torn file
      store.reconcile();
      assertThat(store.entryCount()).isZero();
      assertThat(Files.exists(file)).isFalse();
    }
    Files.delete(dir.resolve("index"));
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(store.needsReconcile()).isFalse(); // no journal: rebuilt from the entry headers
      assertThat(store.entryCount()).isZero();
    }
  }

  @Test
  void entriesTheJournalMissedAreFoundAndMissingFilesDropped() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/kept", "", "kept");
    }
    Path journal = dir.resolve("index");
    byte[] snapshot = Files.readAllBytes(journal);
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/orphan", "", "written, then a crash before its journal record");
      store.remove(CacheKey.of("http://example.org/kept"));
    }
    Files.write(journal, snapshot); // as if the last records were lost
    try (RandomAccessFile f = new RandomAccessFile(journal.toFile(), "rw")) {
      f.seek(f.length());
      f.write(new byte[] {0, 0, 1, 0, 1, 2}); // and a torn record after them
    }
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(store.variantNames(CacheKey.of("http://example.org/kept"))).containsExactly("");
      store.reconcile();
      assertThat(store.variantNames(CacheKey.of("http://example.org/kept"))).isEmpty();
      assertThat(readOne(store, "http://example.org/orphan")).startsWith("written");
      assertThat(store.entryCount()).isEqualTo(1);
    }
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(store.entryCount()).isEqualTo(1);
    }
  }

  @Test
  void evictionKeepsTheDirectoryUnderItsBound() throws IOException {
    long bound = 64 * 1024;
    String body = "x".repeat(1000);
    try (DiskStore store = DiskStore.open(dir, bound, false)) {
      for (int i = 0; i < 500; i++) {
        write(store, "http://example.org/churn/" + i, "", body);
        assertThat(store.bytes()).isLessThanOrEqualTo(bound);
        if (i % 7 == 0) {
          assertThat(readOne(store, "http://example.org/churn/0")).isEqualTo(body); // recently used: kept
        }
      }
      assertThat(readOne(store, "http://example.org/churn/499")).isEqualTo(body);
      assertThat(readOne(store, "http://example.org/churn/1")).isNull();
    }
    long onDisk;
    try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
      onDisk = files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    }
    assertThat(onDisk).isLessThanOrEqualTo(bound);
  }

  @Test
  void aLockedDirectoryIsRefused() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      assertThat(DiskStore.isLocked(dir)).isTrue();
      assertThatThrownBy(() -> DiskStore.open(dir, 1 << 20, false)).isInstanceOf(DiskStore.LockedException.class);
    }
    assertThat(DiskStore.isLocked(dir)).isFalse();
  }

  @Test
  void removeDropsEveryVariant() throws IOException {
    try (DiskStore store = DiskStore.open(dir, 1 << 20, false)) {
      write(store, "http://example.org/v", "a", "1");
      write(store, "http://example.org/v", "b", "2");
      assertThat(store.remove(CacheKey.of("http://example.org/v"))).isEqualTo(2);
      assertThat(store.remove(CacheKey.of("http://example.org/v"))).isZero();
      assertThat(store.entryCount()).isZero();
      assertThat(ByteBufUtil.hexDump(new byte[0])).isEmpty();
    }
  }

  private Path onlyFile() throws IOException {
    try (Stream<Path> files = Files.walk(dir.resolve("v1"))) {
      List<Path> list = files.filter(Files::isRegularFile).toList();
      assertThat(list).hasSize(1);
      return list.get(0);
    }
  }
}
