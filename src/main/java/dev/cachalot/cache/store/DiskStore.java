package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.StoredResponse;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored responses in a directory, one file per variant, bounded in bytes. Every method blocks on
 * file I/O: callers run them on their own threads (see {@link TieredStore}), never on an event loop.
 *
 * <p>Layout: {@code DIR/lock} (held while a process uses the directory), {@code DIR/tmp/} (entries
 * being written), {@code DIR/v1/ab/cd/abcd...} (complete entries). A file's name is the SHA-256 of
 * its primary key and variant in hex, fanned out by its first two byte pairs: nothing from a URL
 * ever becomes part of a path. The format of a file is described in {@link EntryFile}.
 *
 * <p>Crash safety: an entry is written to {@code tmp/}, then renamed into place atomically, so a
 * reader sees either the whole previous file or the whole new one, never a partial write by this
 * process; a crash leaves at most stray temporary files, deleted at the next start. Each file
 * carries its body length and the body's CRC32; a file whose size or checksum does not match (a
 * torn write after power loss, a disk error, tampering) is deleted when read and never served.
 *
 * <p>fsync policy: by default entries are not fsynced. A process crash (even {@code kill -9})
 * loses nothing already renamed, since the data is in the kernel's page cache; a power loss or
 * kernel crash may lose recent entries or leave them torn, which the length and CRC checks detect.
 * A cache can always refetch, so durability is traded for throughput. With {@code fsync} set, each
 * entry's data is forced to the device before the rename (the directory itself is not synced).
 *
 * <p>Index: in memory, rebuilt at start from each file's header block (key, variant, body length),
 * never from bodies. Eviction is least-recently-used by an access time kept in the index (at
 * start, a file's response time), and brings the directory down to 90% of its bound.
 */
public final class DiskStore implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(DiskStore.class);
  private static final int SUMMARY_READ = 4096;
  private static final HexFormat HEX = HexFormat.of();

  private final Path root;
  private final Path entries;
  private final Path tmp;
  private final long maxBytes;
  private final boolean fsync;
  private final FileChannel lockChannel;
  private final FileLock lock;
  // Replaced (presized) only while the journal loads, before the store is published.
  private ConcurrentHashMap<String, IndexEntry> index = new ConcurrentHashMap<>();
  private ConcurrentHashMap<CacheKey, Set<String>> byKey = new ConcurrentHashMap<>();
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicLong tmpCounter = new AtomicLong();
  private final AtomicLong clock = new AtomicLong();
  private FileChannel journal;
  private int journalRecords;
  private volatile boolean fromJournal;

  private static final class IndexEntry {
    final CacheKey key;
    final String variant;
    final long size;
    volatile long lastUsed;

    IndexEntry(CacheKey key, String variant, long size, long lastUsed) {
      this.key = key;
      this.variant = variant;
      this.size = size;
      this.lastUsed = lastUsed;
    }
  }

  /** The directory is in use by another process (or another store in this one). */
  public static final class LockedException extends IOException {
    public LockedException(Path dir) {
      super("cache directory " + dir + " is in use by a running proxy (lock held on " + dir.resolve("lock") + ")");
    }
  }

  private DiskStore(Path root, long maxBytes, boolean fsync, FileChannel lockChannel, FileLock lock) {
    this.root = root;
    this.entries = root.resolve("v1");
    this.tmp = root.resolve("tmp");
    this.maxBytes = maxBytes;
    this.fsync = fsync;
    this.lockChannel = lockChannel;
    this.lock = lock;
  }

  /**
   * Opens (creating when needed) and locks a cache directory, and rebuilds the index from it.
   *
   * @throws LockedException when another store holds the directory
   */
  public static DiskStore open(Path dir, long maxBytes, boolean fsync) throws IOException {
    if (maxBytes <= 0) {
      throw new IllegalArgumentException("--cache-disk must be positive, got " + maxBytes + " bytes");
    }
    Path root = dir.toAbsolutePath();
    Files.createDirectories(root);
    FileChannel channel = FileChannel.open(root.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      channel.close();
      throw new LockedException(root);
    }
    DiskStore store = new DiskStore(root, maxBytes, fsync, channel, lock);
    try {
      if (!store.replayJournal()) {
        store.rebuild();
        store.compactJournal();
      }
    } catch (IOException | RuntimeException e) {
      store.close();
      throw e;
    }
    return store;
  }

  /** True when some process holds the directory's lock file. */
  public static boolean isLocked(Path dir) throws IOException {
    Path lockFile = dir.resolve("lock");
    if (!Files.exists(lockFile)) {
      return false;
    }
    try (FileChannel channel = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
      FileLock lock = channel.tryLock();
      if (lock == null) {
        return true;
      }
      lock.release();
      return false;
    } catch (OverlappingFileLockException e) {
      return true;
    }
  }

  private void rebuild() throws IOException {
    long started = System.nanoTime();
    Files.createDirectories(entries);
    Files.createDirectories(tmp);
    clearTmp();
    List<Path> fans = new ArrayList<>();
    try (DirectoryStream<Path> top = Files.newDirectoryStream(entries)) {
      top.forEach(fans::add);
    }
    fans.parallelStream().forEach(fan -> {
      try (DirectoryStream<Path> second = Files.newDirectoryStream(fan)) {
        for (Path dir : second) {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
              indexFile(file);
            }
          }
        }
      } catch (IOException e) {
        log.warn("cannot read cache directory {}: {}", fan, e.toString());
      }
    });
    log.info("disk cache {}: {} entries, {} bytes (bound {}), indexed in {} ms", root, index.size(), bytes.get(),
        maxBytes, (System.nanoTime() - started) / 1_000_000);
    if (bytes.get() > maxBytes) {
      evict();
    }
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private void clearTmp() throws IOException {
    try (DirectoryStream<Path> stray = Files.newDirectoryStream(tmp)) {
      for (Path p : stray) {
        Files.deleteIfExists(p);
      }
    }
  }

  private void indexFile(Path file) {
    String name = file.getFileName().toString();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer b = ByteBuffer.allocate(SUMMARY_READ);
      readFully(ch, b, 0);
      b.flip();
      EntryFile.Summary summary;
      try {
        summary = EntryFile.summary(b);
      } catch (BufferUnderflowException e) {
        b = ByteBuffer.allocate((int) Math.min(ch.size(), EntryFile.PREFIX + (long) EntryFile.MAX_HEADER));
        readFully(ch, b, 0);
        summary = EntryFile.summary(b.flip());
      }
      if (ch.size() != summary.fileLength() || !name.equals(fileName(summary.key(), summary.variant()))) {
        throw new EntryFile.CorruptEntryException("size or name does not match the header");
      }
      add(name, new IndexEntry(summary.key(), summary.variant(), summary.fileLength(), clock.incrementAndGet()));
    } catch (EntryFile.CorruptEntryException | BufferUnderflowException e) {
      log.warn("removing corrupt cache entry {}: {}", file, e.getMessage());
      deleteQuietly(file);
    } catch (IOException e) {
      log.warn("cannot read cache entry {}: {}", file, e.toString());
    }
  }

  // --- the index journal ---

  /**
   * Loads the index from {@code DIR/index}: a snapshot of the index followed by one record per entry
   * added or removed since. Each record carries its length and CRC32; a torn tail (a crash in the
   * middle of an append) ends the replay and is cut off. Returns false when there is no journal.
   * The journal is a start-up accelerator only: {@link #reconcile} checks it against the entry files.
   */
  private boolean replayJournal() throws IOException {
    long started = System.nanoTime();
    Path file = root.resolve("index");
    if (!Files.exists(file)) {
      return false;
    }
    Files.createDirectories(entries);
    Files.createDirectories(tmp);
    clearTmp();
    long good = 0;
    int records = 0;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      if (ch.size() > Integer.MAX_VALUE) {
        return false;
      }
      ByteBuffer all = ByteBuffer.allocate((int) ch.size());
      int expected = (int) Math.min(ch.size() / 100, 10_000_000);
      if (expected > 1024) {
        // Presized: no rehashing while a large index loads.
        index = new ConcurrentHashMap<>(expected * 4 / 3 + 16);
        byKey = new ConcurrentHashMap<>(expected * 4 / 3 + 16);
      }
      readFully(ch, all, 0);
      all.flip();
      while (all.remaining() >= 8) {
        int length = all.getInt();
        int crc = all.getInt();
        if (length <= 0 || length > all.remaining()) {
          break;
        }
        ByteBuffer payload = all.slice(all.position(), length);
        CRC32 check = new CRC32();
        check.update(payload.duplicate());
        if ((int) check.getValue() != crc) {
          break;
        }
        all.position(all.position() + length);
        try {
          applyRecord(payload);
        } catch (RuntimeException e) {
          break;
        }
        records++;
        good = all.position();
      }
      if (good < ch.size()) {
        log.warn("disk cache index {}: cutting a torn tail of {} bytes", file, ch.size() - good);
        ch.truncate(good);
      }
    }
    journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    journalRecords = records;
    fromJournal = true;
    log.info("disk cache {}: {} entries, {} bytes (bound {}), index loaded in {} ms", root, index.size(), bytes.get(),
        maxBytes, (System.nanoTime() - started) / 1_000_000);
    return true;
  }

  private void applyRecord(ByteBuffer b) {
    byte op = b.get();
    String name = getString(b);
    if (!isName(name)) {
      throw new EntryFile.CorruptEntryException("bad name");
    }
    if (op == 1) {
      CacheKey key = new CacheKey(getString(b));
      String variant = getString(b);
      long size = b.getLong();
      add(name, new IndexEntry(key, variant, size, clock.incrementAndGet()));
    } else if (op == 2) {
      forget(name, null);
    } else {
      throw new EntryFile.CorruptEntryException("bad op");
    }
  }

  private static boolean isName(String name) {
    if (name.length() != 64) {
      return false;
    }
    for (int i = 0; i < 64; i++) {
      char c = name.charAt(i);
      if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f')) {
        return false;
      }
    }
    return true;
  }

  private static String getString(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0 || length > b.remaining()) {
      throw new EntryFile.CorruptEntryException("bad string");
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static ByteBuffer record(byte op, String name, IndexEntry e) {
    byte[] n = name.getBytes(StandardCharsets.US_ASCII);
    byte[] k = e == null ? new byte[0] : e.key.value().getBytes(StandardCharsets.UTF_8);
    byte[] v = e == null ? new byte[0] : e.variant.getBytes(StandardCharsets.UTF_8);
    int length = 1 + 4 + n.length + (e == null ? 0 : 4 + k.length + 4 + v.length + 8);
    ByteBuffer b = ByteBuffer.allocate(8 + length);
    b.putInt(length).putInt(0).put(op).putInt(n.length).put(n);
    if (e != null) {
      b.putInt(k.length).put(k).putInt(v.length).put(v).putLong(e.size);
    }
    CRC32 crc = new CRC32();
    crc.update(b.array(), 8, length);
    b.putInt(4, (int) crc.getValue());
    return b.flip();
  }

  private synchronized void journal(byte op, String name, IndexEntry e) {
    if (journal == null) {
      return;
    }
    try {
      ByteBuffer b = record(op, name, e);
      while (b.hasRemaining()) {
        journal.write(b);
      }
      journalRecords++;
      if (journalRecords > 4 * Math.max(1024, index.size())) {
        compactJournal();
      }
    } catch (IOException ex) {
      log.warn("cannot append to the disk cache index: {}", ex.toString());
    }
  }

  /** Rewrites the journal as a snapshot of the index (to a temporary file, renamed into place). */
  public synchronized void compactJournal() throws IOException {
    Path file = root.resolve("index");
    Path temp = root.resolve("index.tmp");
    int records = 0;
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
        StandardOpenOption.WRITE)) {
      ByteBuffer out = ByteBuffer.allocate(1 << 16);
      for (var e : index.entrySet()) {
        ByteBuffer r = record((byte) 1, e.getKey(), e.getValue());
        if (r.remaining() > out.remaining()) {
          out.flip();
          while (out.hasRemaining()) {
            ch.write(out);
          }
          out.clear();
        }
        if (r.remaining() > out.capacity()) {
          while (r.hasRemaining()) {
            ch.write(r);
          }
        } else {
          out.put(r);
        }
        records++;
      }
      out.flip();
      while (out.hasRemaining()) {
        ch.write(out);
      }
      if (fsync) {
        ch.force(false);
      }
    }
    if (journal != null) {
      journal.close();
    }
    Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    journal = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    journalRecords = records;
  }

  /**
   * Checks the index against the entry files (reading their headers, never their bodies): adds files
   * the journal missed (a crash between a rename and its journal record), drops entries whose file
   * is gone, deletes torn files, then compacts the journal. Blocking and slow on a large directory;
   * runs on its own thread after a start from the journal, while the proxy serves.
   */
  public void reconcile() {
    long started = System.nanoTime();
    List<Path> fans = new ArrayList<>();
    try (DirectoryStream<Path> top = Files.newDirectoryStream(entries)) {
      top.forEach(fans::add);
    } catch (IOException e) {
      log.warn("cannot scan {}: {}", entries, e.toString());
      return;
    }
    Set<String> seen = ConcurrentHashMap.newKeySet();
    fans.parallelStream().forEach(fan -> {
      try (DirectoryStream<Path> second = Files.newDirectoryStream(fan)) {
        for (Path d : second) {
          try (DirectoryStream<Path> files = Files.newDirectoryStream(d)) {
            for (Path file : files) {
              String name = file.getFileName().toString();
              seen.add(name);
              IndexEntry known = index.get(name);
              if (known != null && sizeOf(file) != known.size && forget(name, known)) {
                journal((byte) 2, name, null); // torn or replaced behind our back: look at its header again
                known = null;
              }
              if (known == null) {
                indexFile(file);
                IndexEntry added = index.get(name);
                if (added != null) {
                  journal((byte) 1, name, added);
                }
              }
            }
          }
        }
      } catch (IOException e) {
        log.warn("cannot read cache directory {}: {}", fan, e.toString());
      }
    });
    int dropped = 0;
    for (String name : new ArrayList<>(index.keySet())) {
      if (!seen.contains(name) && !Files.exists(pathOf(name))) {
        if (forget(name, null)) {
          journal((byte) 2, name, null);
          dropped++;
        }
      }
    }
    try {
      compactJournal();
    } catch (IOException e) {
      log.warn("cannot rewrite the disk cache index: {}", e.toString());
    }
    fromJournal = false;
    log.info("disk cache {}: checked against {} files in {} ms ({} stale index entries dropped)", root, seen.size(),
        (System.nanoTime() - started) / 1_000_000, dropped);
    if (bytes.get() > maxBytes) {
      evict();
    }
  }

  /** True when the index came from the journal and has not been checked against the files yet. */
  public boolean needsReconcile() {
    return fromJournal;
  }

  /** The variant names of a URI stored here. */
  public Set<String> variantNames(CacheKey key) {
    Set<String> names = byKey.get(key);
    return names == null ? Set.of() : names;
  }

  /**
   * Reads the named variants of a URI (all of them when {@code variants} is null) into buffers from
   * {@code alloc}, which the caller owns. Missing, torn or corrupt files are dropped from the index
   * (and the directory) and left out.
   */
  public List<CachedResponse> read(CacheKey key, Set<String> variants, ByteBufAllocator alloc) {
    List<CachedResponse> found = new ArrayList<>();
    for (String variant : variants == null ? variantNames(key) : variants) {
      CachedResponse entry = read(key, variant, alloc);
      if (entry != null) {
        found.add(entry);
      }
    }
    return found;
  }

  private CachedResponse read(CacheKey key, String variant, ByteBufAllocator alloc) {
    String name = fileName(key, variant);
    Path file = pathOf(name);
    ByteBuf body = null;
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long size = ch.size();
      ByteBuffer prefix = ByteBuffer.allocate(EntryFile.PREFIX);
      readFully(ch, prefix, 0);
      prefix.flip();
      if (prefix.remaining() < EntryFile.PREFIX || prefix.getInt() != EntryFile.MAGIC) {
        throw new EntryFile.CorruptEntryException("bad magic");
      }
      int headerLength = prefix.getInt();
      if (headerLength <= 0 || headerLength > EntryFile.MAX_HEADER || headerLength + 8L > size) {
        throw new EntryFile.CorruptEntryException("bad header length");
      }
      ByteBuffer header = ByteBuffer.allocate(EntryFile.PREFIX + headerLength);
      readFully(ch, header, 0);
      header.flip();
      EntryFile.Summary summary = EntryFile.summary(header);
      StoredResponse meta = EntryFile.meta(header);
      if (!summary.key().equals(key) || !summary.variant().equals(variant)) {
        throw new EntryFile.CorruptEntryException("file holds another key");
      }
      if (size != summary.fileLength() || summary.bodyLength() > Integer.MAX_VALUE) {
        throw new EntryFile.CorruptEntryException("size " + size + " does not match header (" + summary.fileLength() + ")");
      }
      int length = (int) summary.bodyLength();
      body = alloc.directBuffer(Math.max(length, 1));
      long position = EntryFile.PREFIX + (long) headerLength;
      while (body.writerIndex() < length) {
        int n = body.writeBytes(ch, position + body.writerIndex(), length - body.writerIndex());
        if (n < 0) {
          throw new EntryFile.CorruptEntryException("truncated body");
        }
      }
      if (crc(body) != summary.crc()) {
        throw new EntryFile.CorruptEntryException("body checksum mismatch");
      }
      touch(name);
      CachedResponse entry = new CachedResponse(key, variant, meta, body.asReadOnly());
      body = null;
      return entry;
    } catch (NoSuchFileException e) {
      if (forget(name, null)) {
        journal((byte) 2, name, null);
      }
      return null;
    } catch (EntryFile.CorruptEntryException | BufferUnderflowException e) {
      log.warn("removing corrupt cache entry {} ({} {}): {}", file, key, variant, e.getMessage());
      if (forget(name, null)) {
        journal((byte) 2, name, null);
      }
      deleteQuietly(file);
      return null;
    } catch (IOException e) {
      log.warn("cannot read cache entry {}: {}", file, e.toString());
      return null;
    } finally {
      if (body != null) {
        body.release();
      }
    }
  }

  /**
   * Writes an entry: to a temporary file, then renamed into place; visible to lookups only after.
   * Entries larger than the whole bound are not written. The caller keeps ownership of {@code body}.
   */
  public void write(CacheKey key, String variant, StoredResponse meta, ByteBuf body) throws IOException {
    long length = body.readableBytes();
    ByteBuffer header = EntryFile.header(key, variant, meta, length, crc(body));
    long size = header.remaining() + length;
    if (size > maxBytes) {
      return;
    }
    String name = fileName(key, variant);
    Path temp = tmp.resolve(name + "." + tmpCounter.incrementAndGet() + ".tmp");
    try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      while (header.hasRemaining()) {
        ch.write(header);
      }
      for (ByteBuffer part : body.nioBuffers(body.readerIndex(), body.readableBytes())) {
        while (part.hasRemaining()) {
          ch.write(part);
        }
      }
      if (fsync) {
        ch.force(false);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp);
      throw e;
    }
    Path target = pathOf(name);
    try {
      Files.createDirectories(target.getParent());
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
    } catch (IOException e) {
      deleteQuietly(temp);
      throw e;
    }
    IndexEntry entry = new IndexEntry(key, variant, size, clock.incrementAndGet());
    add(name, entry);
    journal((byte) 1, name, entry);
    if (bytes.get() > maxBytes) {
      evict();
    }
  }

  /** Removes every variant of a URI; returns how many there were. */
  public int remove(CacheKey key) {
    Set<String> names = byKey.get(key);
    if (names == null) {
      return 0;
    }
    int removed = 0;
    for (String variant : Set.copyOf(names)) {
      if (remove(key, variant)) {
        removed++;
      }
    }
    return removed;
  }

  /** Removes one variant; true when it was stored. */
  public boolean remove(CacheKey key, String variant) {
    String name = fileName(key, variant);
    boolean known = forget(name, null);
    deleteQuietly(pathOf(name));
    if (known) {
      journal((byte) 2, name, null);
    }
    return known;
  }

  /** Deletes least recently used entries until the directory is at 90% of its bound. */
  public synchronized void evict() {
    long target = maxBytes - maxBytes / 10;
    if (bytes.get() <= maxBytes) {
      return;
    }
    List<java.util.Map.Entry<String, IndexEntry>> all = new ArrayList<>(index.entrySet());
    all.sort(Comparator.comparingLong(e -> e.getValue().lastUsed));
    int evicted = 0;
    for (var e : all) {
      if (bytes.get() <= target) {
        break;
      }
      if (forget(e.getKey(), e.getValue())) {
        deleteQuietly(pathOf(e.getKey()));
        journal((byte) 2, e.getKey(), null);
        evicted++;
      }
    }
    log.debug("disk cache: evicted {} entries, {} bytes left", evicted, bytes.get());
  }

  public long entryCount() {
    return index.size();
  }

  public long bytes() {
    return bytes.get();
  }

  public long maxBytes() {
    return maxBytes;
  }

  public Path directory() {
    return root;
  }

  private void add(String name, IndexEntry entry) {
    IndexEntry old = index.put(name, entry);
    bytes.addAndGet(entry.size - (old == null ? 0 : old.size));
    byKey.compute(entry.key, (k, names) -> {
      if (names == null) {
        return Set.of(entry.variant);
      }
      if (names.contains(entry.variant)) {
        return names;
      }
      java.util.HashSet<String> more = new java.util.HashSet<>(names);
      more.add(entry.variant);
      return Set.copyOf(more);
    });
  }

  private void touch(String name) {
    IndexEntry e = index.get(name);
    if (e != null) {
      e.lastUsed = clock.incrementAndGet();
    }
  }

  /** Drops a file from the index (only when it is still {@code expected}, if given); true when it was there. */
  private boolean forget(String name, IndexEntry expected) {
    IndexEntry removed;
    if (expected != null) {
      removed = index.remove(name, expected) ? expected : null;
    } else {
      removed = index.remove(name);
    }
    if (removed == null) {
      return false;
    }
    bytes.addAndGet(-removed.size);
    byKey.computeIfPresent(removed.key, (k, names) -> {
      if (index.containsKey(name) || !names.contains(removed.variant)) {
        return names;
      }
      java.util.HashSet<String> fewer = new java.util.HashSet<>(names);
      fewer.remove(removed.variant);
      return fewer.isEmpty() ? null : Set.copyOf(fewer);
    });
    return true;
  }

  static String fileName(CacheKey key, String variant) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(key.value().getBytes(StandardCharsets.UTF_8));
      sha.update((byte) 0);
      sha.update(variant.getBytes(StandardCharsets.UTF_8));
      return HEX.formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Where an entry lives; the name is always 64 hex digits. */
  Path pathOf(String name) {
    return entries.resolve(name.substring(0, 2)).resolve(name.substring(2, 4)).resolve(name);
  }

  private static int crc(ByteBuf body) {
    CRC32 crc = new CRC32();
    for (ByteBuffer part : body.nioBuffers(body.readerIndex(), body.readableBytes())) {
      crc.update(part);
    }
    return (int) crc.getValue();
  }

  private static void readFully(FileChannel ch, ByteBuffer b, long position) throws IOException {
    while (b.hasRemaining()) {
      int n = ch.read(b, position + b.position());
      if (n < 0) {
        return;
      }
    }
  }

  private static void deleteQuietly(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      log.warn("cannot delete {}: {}", file, e.toString());
    }
  }

  @Override
  public void close() {
    try {
      compactJournal();
    } catch (IOException | RuntimeException e) {
      log.warn("cannot rewrite the disk cache index: {}", e.toString());
    }
    synchronized (this) {
      try {
        if (journal != null) {
          journal.close();
          journal = null;
        }
      } catch (IOException e) {
        // the journal is only an accelerator
      }
    }
    try {
      lock.release();
    } catch (IOException | RuntimeException e) {
      // closing the channel releases it anyway
    }
    try {
      lockChannel.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
