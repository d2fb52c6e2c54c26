package dev.cachalot.cache.store;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.StoredResponse;
import io.netty.buffer.ByteBuf;
import io.netty.util.IllegalReferenceCountException;
import java.util.Optional;

/**
 * A complete stored response: its head and timing (what the rules need) and its body, a read-only
 * buffer that hits send as retained duplicates, so that serving a hit copies nothing.
 *
 * @param key primary key (absolute URI)
 * @param variant secondary key from Vary, "" when the response does not vary
 */
public record CachedResponse(CacheKey key, String variant, StoredResponse meta, ByteBuf body) {

  /** Approximate bytes this entry holds, for the memory bound. */
  public int weight() {
    long headers = 64;
    for (var field : meta.head().headers()) {
      headers += field.name().length() + field.value().length() + 4;
    }
    for (var field : meta.requestHeaders()) {
      headers += field.name().length() + field.value().length() + 4;
    }
    return (int) Math.min(Integer.MAX_VALUE, body.readableBytes() + headers);
  }

  /**
   * A duplicate of the body that the caller owns and must release, or empty when the entry was
   * evicted (and its body released) between lookup and use.
   */
  public Optional<ByteBuf> retainBody() {
    // Retain first, then duplicate: a duplicate of a body released meanwhile would be unusable.
    try {
      body.retain();
    } catch (IllegalReferenceCountException evicted) {
      return Optional.empty();
    }
    return Optional.of(body.duplicate());
  }

  /** The same body with updated metadata, as after a 304 (RFC 9111 §4.3.4); the body gains one owner. */
  public Optional<CachedResponse> withMeta(StoredResponse freshened) {
    return retainBody().map(b -> new CachedResponse(key, variant, freshened, b));
  }
}
