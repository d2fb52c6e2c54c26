package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.Headers;
import dev.cachalot.cache.ResponseHead;
import dev.cachalot.cache.StoredResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

/**
 * The layout of one entry file: a small header block, then the body.
 *
 * <pre>
 *   int    magic "CCH1"
 *   int    header length (bytes that follow, up to the body)
 *   -- header --
 *   str    primary key (absolute URI)         str = int length + UTF-8 bytes
 *   str    variant (secondary key, "" when the response does not vary)
 *   long   body length
 *   int    CRC32 of the body
 *   int    status, str reason
 *   int    n, then n x (str name, str value)  response header lines as stored
 *   int    m, then m x (str name, str value)  request header lines (for Vary)
 *   long+int request time, long+int response time (epoch seconds + nanos)
 *   -- body --
 * </pre>
 *
 * Key, variant and body length come first so that the index is rebuilt from the first few hundred
 * bytes of each file. Everything is big-endian.
 */
final class EntryFile {

  static final int MAGIC = 0x43434831; // "CCH1"
  static final int PREFIX = 8;
  /** A header block larger than this is corrupt (request line and headers are limited far below). */
  static final int MAX_HEADER = 4 * 1024 * 1024;

  private EntryFile() {}

  /** The summary the index needs: parsed from the start of the header block. */
  record Summary(CacheKey key, String variant, long bodyLength, int crc, int headerLength) {
    long fileLength() {
      return PREFIX + (long) headerLength + bodyLength;
    }
  }

  /** The prefix and header block of an entry, ready to be written before the body. */
  static ByteBuffer header(CacheKey key, String variant, StoredResponse meta, long bodyLength, int crc) {
    byte[][] strings = new byte[4 + 2 * (meta.head().headers().size() + meta.requestHeaders().size())][];
    int n = 0;
    strings[n++] = utf8(key.value());
    strings[n++] = utf8(variant);
    strings[n++] = utf8(meta.head().reason());
    for (Headers.Field f : meta.head().headers()) {
      strings[n++] = utf8(f.name());
      strings[n++] = utf8(f.value());
    }
    for (Headers.Field f : meta.requestHeaders()) {
      strings[n++] = utf8(f.name());
      strings[n++] = utf8(f.value());
    }
    int size = 8 + 4 + 4 + 4 + 4 + 2 * 12;
    for (int i = 0; i < n; i++) {
      size += 4 + strings[i].length;
    }
    ByteBuffer b = ByteBuffer.allocate(PREFIX + size);
    b.putInt(MAGIC).putInt(size);
    int s = 0;
    putString(b, strings[s++]);
    putString(b, strings[s++]);
    b.putLong(bodyLength).putInt(crc).putInt(meta.head().status());
    putString(b, strings[s++]);
    b.putInt(meta.head().headers().size());
    for (int i = 0; i < meta.head().headers().size(); i++) {
      putString(b, strings[s++]);
      putString(b, strings[s++]);
    }
    b.putInt(meta.requestHeaders().size());
    for (int i = 0; i < meta.requestHeaders().size(); i++) {
      putString(b, strings[s++]);
      putString(b, strings[s++]);
    }
    putInstant(b, meta.requestTime());
    putInstant(b, meta.responseTime());
    return b.flip();
  }

  /**
   * Reads the prefix and the summary fields from {@code b} (positioned at the file's start).
   *
   * @throws CorruptEntryException when the bytes are not an entry header
   * @throws java.nio.BufferUnderflowException when {@code b} holds too little of the header
   */
  static Summary summary(ByteBuffer b) {
    if (b.remaining() < PREFIX || b.getInt() != MAGIC) {
      throw new CorruptEntryException("not a cache entry (bad magic)");
    }
    int headerLength = b.getInt();
    if (headerLength <= 0 || headerLength > MAX_HEADER) {
      throw new CorruptEntryException("bad header length " + headerLength);
    }
    String key = getString(b);
    String variant = getString(b);
    long bodyLength = b.getLong();
    int crc = b.getInt();
    if (bodyLength < 0) {
      throw new CorruptEntryException("bad body length " + bodyLength);
    }
    return new Summary(new CacheKey(key), variant, bodyLength, crc, headerLength);
  }

  /** The stored response from a whole header block, {@code b} positioned right after the summary. */
  static StoredResponse meta(ByteBuffer b) {
    int status = b.getInt();
    String reason = getString(b);
    Headers response = headers(b);
    Headers request = headers(b);
    Instant requestTime = getInstant(b);
    Instant responseTime = getInstant(b);
    try {
      return new StoredResponse(new ResponseHead(status, reason, response), request, requestTime, responseTime);
    } catch (IllegalArgumentException e) {
      throw new CorruptEntryException("bad stored response: " + e.getMessage());
    }
  }

  private static Headers headers(ByteBuffer b) {
    int count = b.getInt();
    if (count < 0 || count > 100_000) {
      throw new CorruptEntryException("bad header count " + count);
    }
    Headers.Builder h = Headers.builder();
    for (int i = 0; i < count; i++) {
      String name = getString(b);
      String value = getString(b);
      if (name.isEmpty()) {
        throw new CorruptEntryException("empty header name");
      }
      h.add(name, value);
    }
    return h.build();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static void putString(ByteBuffer b, byte[] s) {
    b.putInt(s.length).put(s);
  }

  private static String getString(ByteBuffer b) {
    int length = b.getInt();
    if (length < 0 || length > MAX_HEADER) {
      throw new CorruptEntryException("bad string length " + length);
    }
    byte[] bytes = new byte[length];
    b.get(bytes);
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static void putInstant(ByteBuffer b, Instant t) {
    b.putLong(t.getEpochSecond()).putInt(t.getNano());
  }

  private static Instant getInstant(ByteBuffer b) {
    long seconds = b.getLong();
    int nanos = b.getInt();
    try {
      return Instant.ofEpochSecond(seconds, nanos);
    } catch (RuntimeException e) {
      throw new CorruptEntryException("bad time");
    }
  }

  /** An entry file that is torn, truncated or not an entry at all. */
  static final class CorruptEntryException extends RuntimeException {
    CorruptEntryException(String message) {
      super(message, null, false, false);
    }
  }
}
