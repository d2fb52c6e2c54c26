package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies raw bytes from one side of a tunnel to the other. A side is read as long as its peer takes
 * the bytes: once more than {@link #WATER_MARK}'s high mark waits unwritten for the peer, reading
 * stops until the peer has drained below the low mark, so a slow reader slows the writer instead of
 * filling memory. What one read cycle brought is flushed at once. A half-close on one side is passed
 * on as a half-close on the other, after the bytes before it.
 *
 * <p>Reading the next chunk only after the previous one was written (as this handler once did)
 * cost two epoll_ctl calls and a wake-up per chunk: a 1 GiB download through a tunnel took three
 * times as long as direct.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

  /** Per direction: at most this much queued for a slow peer (plus one read) before reading pauses. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(128 * 1024, 512 * 1024);
  /** Reads grow to 256 KiB while a side keeps delivering; shared, as each channel keeps its own handle. */
  private static final AdaptiveRecvByteBufAllocator READS = new AdaptiveRecvByteBufAllocator(512, 16 * 1024, 256 * 1024);

  private final Channel peer;
  private final AtomicLong bytes;

  RelayHandler(Channel peer, AtomicLong bytes) {
    this.peer = peer;
    this.bytes = bytes;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    ctx.channel().config().setWriteBufferWaterMark(WATER_MARK);
    ctx.channel().config().setRecvByteBufAllocator(READS);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      bytes.addAndGet(buf.readableBytes());
    }
    peer.write(msg).addListener((ChannelFutureListener) f -> {
      if (!f.isSuccess()) {
        closeBoth(ctx);
      }
    });
    if (!peer.isWritable()) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    peer.flush();
    ctx.fireChannelReadComplete();
  }

  /** This side drained what its peer sent: the peer may be read again. */
  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && peer.isActive()) {
      peer.config().setAutoRead(true);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      // The empty write completes after everything queued before it: only then may the peer's output end.
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener((ChannelFutureListener) f -> halfClose(ctx));
      return;
    }
    if (evt instanceof IdleStateEvent) {
      closeBoth(ctx);
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }

  private void halfClose(ChannelHandlerContext ctx) {
    if (peer instanceof DuplexChannel duplex && peer.isActive()) {
      duplex.shutdownOutput();
      if (ctx.channel() instanceof DuplexChannel self && self.isOutputShutdown() || duplex.isInputShutdown()) {
        closeBoth(ctx);
      }
    } else {
      closeBoth(ctx);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (peer.isActive()) {
      peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    closeBoth(ctx);
  }

  private void closeBoth(ChannelHandlerContext ctx) {
    ctx.close();
    peer.close();
  }
}
