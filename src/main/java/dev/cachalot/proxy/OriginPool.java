package dev.cachalot.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoop;
import io.netty.util.AttributeKey;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keep-alive connections to origins, per event loop and (host, port), with a cap per origin and
 * loop. Keeping each connection on the loop of the client connections that use it means an
 * exchange never crosses threads. A connection handed
 * out is owned by one exchange until it is released (reusable) or discarded (closed). Idle
 * connections are closed by the idle handler in their pipeline (see {@link OriginChannels}).
 */
final class OriginPool {

  static final AttributeKey<Slot> SLOT = AttributeKey.valueOf("cachalot.origin.slot");

  private final Bootstrap bootstrap;
  private final int maxPerOrigin;
  private final Duration waitTimeout;
  private final ConcurrentHashMap<LoopOrigin, PerOrigin> origins = new ConcurrentHashMap<>();

  OriginPool(Bootstrap bootstrap, int maxPerOrigin, Duration waitTimeout) {
    this.bootstrap = bootstrap;
    this.maxPerOrigin = maxPerOrigin;
    this.waitTimeout = waitTimeout;
  }

  /** A connection to {@code key}, reused when one is idle; new connections run on {@code loop}. */
  Future<Channel> acquire(OriginKey key, EventLoop loop) {
    Promise<Channel> promise = loop.newPromise();
    PerOrigin origin = origins.computeIfAbsent(new LoopOrigin(loop, key), PerOrigin::new);
    Channel idle;
    boolean connect = false;
    synchronized (origin) {
      idle = origin.pollIdle();
      if (idle == null) {
        if (origin.open < maxPerOrigin) {
          origin.open++;
          connect = true;
        } else {
          origin.waiters.add(promise);
          loop.schedule(() -> timeOutWaiter(origin, promise), waitTimeout.toMillis(), TimeUnit.MILLISECONDS);
        }
      }
    }
    if (idle != null) {
      idle.attr(SLOT).get().uses++;
      promise.setSuccess(idle);
    } else if (connect) {
      connect(origin, promise);
    }
    return promise;
  }

  /** Gives back a connection whose last response was complete and which may carry another. */
  void release(Channel channel) {
    release(channel, -1);
  }

  /**
   * Gives back a connection; {@code keepAliveSeconds} is the origin's announced idle timeout
   * (Keep-Alive: timeout=N), or -1: the pool stops reusing the connection a second before the
   * origin would close it, so that a request is never written into a connection being closed.
   */
  void release(Channel channel, long keepAliveSeconds) {
    Slot slot = channel.attr(SLOT).get();
    if (!channel.isActive() || slot == null) {
      channel.close();
      return;
    }
    slot.idleSinceNanos = System.nanoTime();
    slot.reusableForNanos = keepAliveSeconds > 0
        ? TimeUnit.SECONDS.toNanos(keepAliveSeconds - 1) : Long.MAX_VALUE;
    PerOrigin origin = slot.origin;
    Promise<Channel> waiter;
    synchronized (origin) {
      waiter = origin.waiters.poll();
      if (waiter == null) {
        slot.idle = true;
        origin.idle.push(channel);
      }
    }
    if (waiter != null && !waiter.trySuccess(channel)) {
      release(channel);
    }
  }

  /** True when the connection carried an earlier exchange: the origin may have closed it meanwhile. */
  static boolean wasReused(Channel channel) {
    Slot slot = channel.attr(SLOT).get();
    return slot != null && slot.uses > 1;
  }

  /**
   * Closes the idle connections to an origin on this loop: after one of them turned out closed by
   * the origin, the others (released around the same time) are suspect too, and a retry must not
   * pick one of them.
   */
  void evictIdle(OriginKey key, EventLoop loop) {
    PerOrigin origin = origins.get(new LoopOrigin(loop, key));
    if (origin == null) {
      return;
    }
    List<Channel> suspects;
    synchronized (origin) {
      suspects = List.copyOf(origin.idle);
      origin.idle.clear();
    }
    suspects.forEach(Channel::close);
  }

  /** Closes a connection that must not be reused (aborted, close-delimited, or in doubt). */
  void discard(Channel channel) {
    channel.close();
  }

  int idleCount(OriginKey key) {
    int idle = 0;
    for (PerOrigin origin : origins.values()) {
      if (origin.key.equals(key)) {
        synchronized (origin) {
          idle += origin.idle.size();
        }
      }
    }
    return idle;
  }

  void closeAll() {
    for (PerOrigin origin : origins.values()) {
      synchronized (origin) {
        origin.idle.forEach(Channel::close);
        origin.idle.clear();
      }
    }
  }

  private void connect(PerOrigin origin, Promise<Channel> promise) {
    ChannelFuture connecting = bootstrap.clone(origin.where.loop())
        .connect(InetSocketAddress.createUnresolved(origin.key.host(), origin.key.port()));
    connecting.addListener(f -> {
      if (f.isSuccess()) {
        Channel channel = connecting.channel();
        Slot slot = new Slot(origin);
        slot.uses = 1;
        channel.attr(SLOT).set(slot);
        channel.closeFuture().addListener(closed -> onClosed(origin, channel));
        if (!promise.trySuccess(channel)) {
          release(channel);
        }
      } else {
        freeSlot(origin);
        promise.tryFailure(f.cause());
      }
    });
  }

  private void onClosed(PerOrigin origin, Channel channel) {
    synchronized (origin) {
      origin.idle.remove(channel);
    }
    freeSlot(origin);
  }

  private void freeSlot(PerOrigin origin) {
    Promise<Channel> waiter;
    synchronized (origin) {
      waiter = origin.waiters.poll();
      if (waiter == null) {
        origin.open--;
        return;
      }
    }
    connect(origin, waiter);
  }

  private void timeOutWaiter(PerOrigin origin, Promise<Channel> waiter) {
    boolean removed;
    synchronized (origin) {
      removed = origin.waiters.remove(waiter);
    }
    if (removed) {
      waiter.tryFailure(new TimeoutException("all " + maxPerOrigin + " connections to " + origin.key
          + " stayed busy for " + waitTimeout.toSeconds() + " s"));
    }
  }

  /** Per-connection bookkeeping: which origin it belongs to and whether it sits in the idle list. */
  static final class Slot {
    final PerOrigin origin;
    volatile boolean idle;
    int uses;
    long idleSinceNanos;
    long reusableForNanos = Long.MAX_VALUE;

    Slot(PerOrigin origin) {
      this.origin = origin;
    }
  }

  record LoopOrigin(EventLoop loop, OriginKey key) {}

  static final class PerOrigin {
    final LoopOrigin where;
    final OriginKey key;
    final Deque<Channel> idle = new ArrayDeque<>();
    final Deque<Promise<Channel>> waiters = new ArrayDeque<>();
    int open;

    PerOrigin(LoopOrigin where) {
      this.where = where;
      this.key = where.key();
    }

    /** Most recently used first: warm connections, and the cold ones age out through idle eviction. */
    Channel pollIdle() {
      Channel channel;
      long now = System.nanoTime();
      while ((channel = idle.poll()) != null) {
        Slot slot = channel.attr(SLOT).get();
        slot.idle = false;
        if (channel.isActive() && now - slot.idleSinceNanos < slot.reusableForNanos) {
          return channel;
        }
        channel.close();
      }
      return null;
    }
  }
}
