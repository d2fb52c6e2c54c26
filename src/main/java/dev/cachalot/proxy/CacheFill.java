package dev.cachalot.proxy;

import dev.cachalot.cache.CacheKey;
import dev.cachalot.cache.StoredResponse;
import dev.cachalot.cache.store.CachedResponse;
import io.netty.buffer.ByteBuf;
import java.util.ArrayList;
import java.util.List;

/**
 * A response being fetched for the cache while other clients wait for the same URI (request
 * collapsing). The leader's exchange feeds it; followers replay what arrived so far and then
 * receive each new chunk as it comes, so they stream from the same fill instead of asking the origin.
 * Followers are told to go to the origin themselves when the response turns out not to be shareable.
 */
final class CacheFill {

  /** A collapsed request's view of the fill; callbacks arrive on any thread. */
  interface Follower {
    void onHead(StoredResponse head);

    void onChunk(ByteBuf chunk);

    void onComplete(CachedResponse stored);

    /** Not shareable, or failed before the head: fetch independently. */
    void onNotShared();

    /** Failed after the head: the follower's response cannot be completed. */
    void onFailed();
  }

  private enum State { WAITING, STREAMING, COMPLETE, NOT_SHARED, FAILED }

  final CacheKey key;
  private final List<ByteBuf> chunks = new ArrayList<>();
  private final List<Follower> followers = new ArrayList<>();
  private State state = State.WAITING;
  private StoredResponse head;
  private CachedResponse stored;

  CacheFill(CacheKey key) {
    this.key = key;
  }

  /** Joins the fill; false when it is already known not to be shareable. */
  synchronized boolean follow(Follower follower) {
    switch (state) {
      case NOT_SHARED, FAILED:
        return false;
      case WAITING:
        followers.add(follower);
        return true;
      default:
        break;
    }
    follower.onHead(head);
    for (ByteBuf chunk : chunks) {
      follower.onChunk(chunk.retainedDuplicate());
    }
    if (state == State.COMPLETE) {
      follower.onComplete(stored);
    } else {
      followers.add(follower);
    }
    return true;
  }

  synchronized void head(StoredResponse response) {
    state = State.STREAMING;
    head = response;
    followers.forEach(f -> f.onHead(response));
  }

  /** Adds a chunk the fill owns (a copy of what the origin sent). */
  synchronized void chunk(ByteBuf chunk) {
    chunks.add(chunk);
    for (Follower f : followers) {
      f.onChunk(chunk.retainedDuplicate());
    }
  }

  synchronized List<ByteBuf> chunks() {
    return List.copyOf(chunks);
  }

  long size() {
    long size = 0;
    synchronized (this) {
      for (ByteBuf chunk : chunks) {
        size += chunk.readableBytes();
      }
    }
    return size;
  }

  /**
   * The fill is stored as {@code response}, whose body holds the chunks' bytes (the chunks were
   * handed over to it, or released): a follower that joins from now on replays that body.
   */
  synchronized void complete(CachedResponse response) {
    state = State.COMPLETE;
    stored = response;
    chunks.clear();
    chunks.add(response.body());
    followers.forEach(f -> f.onComplete(response));
    followers.clear();
  }

  synchronized void notShared() {
    if (state == State.COMPLETE) {
      // Too late to withdraw: the stored entry owns the bytes, and followers have their response.
      return;
    }
    State before = state;
    state = before == State.WAITING ? State.NOT_SHARED : State.FAILED;
    for (Follower f : followers) {
      if (before == State.WAITING) {
        f.onNotShared();
      } else {
        f.onFailed();
      }
    }
    followers.clear();
    chunks.forEach(ByteBuf::release);
    chunks.clear();
  }
}
