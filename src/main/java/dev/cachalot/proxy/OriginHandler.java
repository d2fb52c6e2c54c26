package dev.cachalot.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.nio.channels.ClosedChannelException;

/**
 * Last handler of an origin connection: hands what the origin sends to the exchange that owns the
 * connection, and closes the connection when it idles in the pool.
 */
final class OriginHandler extends ChannelInboundHandlerAdapter {

  private OriginListener listener;

  static OriginHandler of(Channel channel) {
    return channel.pipeline().get(OriginHandler.class);
  }

  /** Called on the connection's event loop when an exchange takes the connection. */
  void attach(OriginListener owner) {
    this.listener = owner;
  }

  void detach() {
    this.listener = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    OriginListener owner = listener;
    if (owner != null && msg instanceof HttpObject http) {
      owner.onOriginMessage(http);
    } else {
      // Bytes nobody asked for: the connection is out of step with its exchanges and must not be reused.
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    OriginListener owner = listener;
    if (owner != null) {
      owner.onOriginReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    OriginListener owner = listener;
    if (owner != null) {
      owner.onOriginWritabilityChanged(ctx.channel().isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    OriginListener owner = listener;
    listener = null;
    if (owner != null) {
      owner.onOriginFailure(new ClosedChannelException());
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    OriginListener owner = listener;
    listener = null;
    ctx.close();
    if (owner != null) {
      owner.onOriginFailure(cause);
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      OriginPool.Slot slot = ctx.channel().attr(OriginPool.SLOT).get();
      if (listener == null && slot != null && slot.idle) {
        ctx.close();
      }
      return;
    }
    ctx.fireUserEventTriggered(evt);
  }
}
