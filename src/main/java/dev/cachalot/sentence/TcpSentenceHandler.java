package dev.cachalot.sentence;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.TooLongFrameException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import dev.cachalot.trace.WireTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** One connection: each line (already split by LineBasedFrameDecoder) answered in order. */
final class TcpSentenceHandler extends SimpleChannelInboundHandler<ByteBuf> {

  // Logged under the server's name: these are its log lines, as in the lab.
  private static final Logger log = LoggerFactory.getLogger(TcpSentenceServer.class);

  private final int maxLineBytes;
  // Lines already buffered behind an oversized one must not be answered after its error line.
  private boolean refused;
  private long openedNanos;
  private long bytesIn;
  private long bytesOut;

  TcpSentenceHandler(int maxLineBytes) {
    this.maxLineBytes = maxLineBytes;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) throws Exception {
    InetSocketAddress remote = (InetSocketAddress) ctx.channel().remoteAddress();
    log.info("Connected with address {}", remote.getAddress().getHostAddress());
    openedNanos = System.nanoTime();
    if (WireTrace.on()) {
      WireTrace.event("TCP: accepted {} -> {} (the kernel completed SYN, SYN-ACK, ACK before accept)",
          WireTrace.address(remote), WireTrace.address(ctx.channel().localAddress()));
    }
    super.channelActive(ctx);
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, ByteBuf line) {
    if (refused) {
      return;
    }
    log.info("Received data from socket connection");
    long start = System.nanoTime();
    // The decoder strips the line break; count it, it was on the wire.
    int received = line.readableBytes() + 1;
    bytesIn += received;
    if (WireTrace.on()) {
      WireTrace.event("TCP: received a line of {} bytes from {}", received, WireTrace.address(ctx.channel().remoteAddress()));
    }
    String reply = Uppercase.of(Uppercase.decode(ByteBufUtil.getBytes(line))) + "\n";
    ByteBuf out = Unpooled.copiedBuffer(reply, StandardCharsets.UTF_8);
    int sent = out.readableBytes();
    ctx.writeAndFlush(out)
        .addListener(
            future -> {
              if (future.isSuccess()) {
                bytesOut += sent;
                if (WireTrace.on()) {
                  WireTrace.event("TCP: sent {} bytes to {}, {} ms after the line arrived", sent,
                      WireTrace.address(ctx.channel().remoteAddress()), WireTrace.millisSince(start));
                }
                log.info("Sent data to socket connection");
              }
            });
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) throws Exception {
    if (WireTrace.on()) {
      WireTrace.event("TCP: connection from {} closed after {} ms ({} bytes in, {} bytes out)",
          WireTrace.address(ctx.channel().remoteAddress()), WireTrace.millisSince(openedNanos), bytesIn, bytesOut);
    }
    super.channelInactive(ctx);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (cause instanceof TooLongFrameException) {
      if (refused) {
        return;
      }
      refused = true;
      String error =
          Failures.ERROR_PREFIX + "line longer than " + maxLineBytes + " bytes; closing the connection\n";
      log.warn("Closing connection from {}: line longer than {} bytes", ctx.channel().remoteAddress(), maxLineBytes);
      ctx.writeAndFlush(Unpooled.copiedBuffer(error, StandardCharsets.UTF_8))
          .addListener(ChannelFutureListener.CLOSE);
    } else if (cause instanceof IOException) {
      // A client that resets its connection is routine, not a server problem.
      log.debug("Connection from {} failed", ctx.channel().remoteAddress(), cause);
      ctx.close();
    } else {
      log.warn("Closing connection from {} after an unexpected error", ctx.channel().remoteAddress(), cause);
      ctx.close();
    }
  }
}
