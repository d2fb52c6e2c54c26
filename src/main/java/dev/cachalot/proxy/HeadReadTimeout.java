package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Slowloris guard: a client must complete each request head within the header-read timeout
 * (default 10 s) of the connection opening or of the request's first byte; otherwise it gets 408 and
 * a close. Two handlers share the state: {@link #raw()} sits before the first-line sniffer and sees
 * bytes arrive, {@link #decoded()} sits after the HTTP codec and sees heads complete and responses
 * go out. Waiting for the next request on a kept-alive connection is the idle timeout's business, not this one's.
 */
final class HeadReadTimeout {

  static final String RAW = "head-timeout";
  static final String DECODED = "head-timeout-decoded";

  private final ProxyEngine engine;
  private final long timeoutNanos;
  private ChannelHandlerContext rawCtx;
  private ChannelHandlerContext decodedCtx;
  private ScheduledFuture<?> timer;
  private boolean armed;
  private long deadlineNanos;
  /** Waiting for (the rest of) a request head. */
  private boolean inHead = true;
  /** The last request's body is complete: the next byte starts a new head. */
  private boolean betweenRequests;
  /** Requests whose response has not been fully written yet. */
  private int pendingResponses;
  private boolean off;
  /** A CONNECT awaits its answer; no head timer runs meanwhile (its bytes may be tunnel data). */
  private boolean connectPending;
  private long headStart = System.currentTimeMillis();

  HeadReadTimeout(ProxyEngine engine, long timeoutNanos) {
    this.engine = engine;
    this.timeoutNanos = timeoutNanos;
  }

  /** The handler before the sniffer; {@link #owner} gives the shared state to the codec-side handler. */
  abstract static class Raw extends ChannelInboundHandlerAdapter {
    abstract HeadReadTimeout owner();
  }

  Raw raw() {
    return new Raw() {
      @Override
      HeadReadTimeout owner() {
        return HeadReadTimeout.this;
      }

      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        rawCtx = ctx;
        if (ctx.channel().isActive()) {
          arm();
        }
      }

      @Override
      public void channelActive(ChannelHandlerContext ctx) {
        arm();
        ctx.fireChannelActive();
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (betweenRequests && !connectPending && msg instanceof ByteBuf buf && buf.isReadable()) {
          betweenRequests = false;
          inHead = true;
          headStart = System.currentTimeMillis();
          arm();
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void channelInactive(ChannelHandlerContext ctx) {
        cancelTimer();
        ctx.fireChannelInactive();
      }
    };
  }

  ChannelDuplexHandler decoded() {
    return new ChannelDuplexHandler() {
      @Override
      public void handlerAdded(ChannelHandlerContext ctx) {
        decodedCtx = ctx;
      }

      @Override
      public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest request) {
          inHead = false;
          pendingResponses++;
          disarm();
          if (HttpMethod.CONNECT.equals(request.method())) {
            connectPending = true;
          }
        }
        if (msg instanceof LastHttpContent && !inHead) {
          betweenRequests = true;
        }
        ctx.fireChannelRead(msg);
      }

      @Override
      public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (connectPending && msg instanceof HttpResponse response && response.status().code() >= 200) {
          connectPending = false;
          if (response.status().code() < 300) {
            // The connection becomes a tunnel: from here on its bytes are not HTTP.
            off = true;
            cancelTimer();
          }
        }
        if (msg instanceof LastHttpContent && pendingResponses > 0
            && !(msg instanceof HttpResponse r && r.status().code() < 200)) {
          pendingResponses--;
        }
        ctx.write(msg, promise);
      }
    };
  }

  /**
   * Starts the head's deadline. The timer is lazy: one stays scheduled and, when it fires early
   * because the deadline moved on, schedules itself for the rest, so that a busy keep-alive
   * connection does not schedule and cancel a timer for every request.
   */
  private void arm() {
    if (off || rawCtx == null) {
      return;
    }
    armed = true;
    deadlineNanos = System.nanoTime() + timeoutNanos;
    if (timer == null) {
      timer = rawCtx.executor().schedule(this::expired, timeoutNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void disarm() {
    armed = false;
  }

  private void cancelTimer() {
    armed = false;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void expired() {
    timer = null;
    if (off || !armed || !inHead || !rawCtx.channel().isActive()) {
      return;
    }
    long remaining = deadlineNanos - System.nanoTime();
    if (remaining > 0) {
      timer = rawCtx.executor().schedule(this::expired, remaining, TimeUnit.NANOSECONDS);
      return;
    }
    if (pendingResponses > 0) {
      // A pipelined head behind a response still being written: wait for that response first.
      arm();
      return;
    }
    off = true;
    String cause = "request head not received within " + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms";
    var response = ConnectionLimits.rawResponse(408, "Request Timeout", cause, engine.config.pseudonym());
    engine.accessLog.record(headStart, ConnectionLimits.clientOf(rawCtx.channel()), "NONE", 408,
        response.readableBytes(), "-", "-", "HIER_NONE/-", "text/plain");
    // Raw bytes from the first handler: valid whether or not the HTTP codec is installed yet.
    rawCtx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
