package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Copies raw bytes from one side of a tunnel to the other. It reads the next chunk only after the
 * previous one was written, so a slow reader slows the writer instead of filling memory; a half-close
 * on one side is passed on as a half-close on the other.
 */
final class RelayHandler extends ChannelInboundHandlerAdapter {

  private final Channel peer;
  private final AtomicLong bytes;

  RelayHandler(Channel peer, AtomicLong bytes) {
    this.peer = peer;
    this.bytes = bytes;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof ByteBuf buf) {
      bytes.addAndGet(buf.readableBytes());
    }
    peer.writeAndFlush(msg).addListener((ChannelFutureListener) f -> {
      if (f.isSuccess()) {
        ctx.read();
      } else {
        closeBoth(ctx);
      }
    });
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof ChannelInputShutdownEvent) {
      if (peer instanceof DuplexChannel duplex && peer.isActive()) {
        duplex.shutdownOutput();
        if (ctx.channel() instanceof DuplexChannel self && self.isOutputShutdown() || duplex.isInputShutdown()) {
          closeBoth(ctx);
        }
      } else {
        closeBoth(ctx);
      }
      return;
    }
    if (evt instanceof IdleStateEvent) {
      closeBoth(ctx);
      return;
    }
    ctx.fireUserEventTriggered(evt);
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
