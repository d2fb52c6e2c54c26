package dev.cachalot.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Closes an origin connection that sent more than its response was framed for (a body longer than
 * its Content-Length, a body after a 304): the surplus would sit in the decoder and be read as the
 * start of the next response, so the next request on the connection would fail after the origin had
 * acted on it. Sits before the HTTP decoder and looks at what the decoder left of each read once the
 * exchange has given the connection back to the pool; nginx closes such a connection too ("upstream
 * sent more data than specified").
 *
 * <p>The decoder consumes the read buffer itself when nothing was left over from the previous read,
 * which is always so once a response is complete; bytes it leaves in that buffer are surplus.
 */
final class OriginOverrun extends ChannelInboundHandlerAdapter {

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf raw)) {
      ctx.fireChannelRead(msg);
      return;
    }
    raw.retain();
    try {
      ctx.fireChannelRead(raw);
      if (raw.isReadable() && isIdle(ctx)) {
        if (Trace.on()) {
          Trace.event("origin {} sent {} bytes past the end of its response: closed, not reused", ctx.channel(),
              raw.readableBytes());
        }
        ctx.close();
      }
    } finally {
      raw.release();
    }
  }

  /** Given back to the pool: no exchange is waiting for these bytes. */
  private static boolean isIdle(ChannelHandlerContext ctx) {
    OriginPool.Slot slot = ctx.channel().attr(OriginPool.SLOT).get();
    return slot != null && slot.idle;
  }
}
