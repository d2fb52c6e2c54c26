package dev.cachalot.sentence;

import dev.cachalot.transport.Transport;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import dev.cachalot.trace.WireTrace;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Answers each UDP datagram with its upper-cased text, sent back to the datagram's sender. */
public final class UdpSentenceServer implements AutoCloseable {

  public static final int DEFAULT_PORT = 12000;
  /** The largest UDP payload over IPv4: 65,535 minus the 8-byte UDP and 20-byte IP headers. */
  public static final int MAX_DATAGRAM = 65_507;

  private static final Logger log = LoggerFactory.getLogger(UdpSentenceServer.class);

  private final InetSocketAddress bind;
  private BoundService service;

  /** @param bind where to listen; port 0 picks a free port, reported by {@link #start()} */
  public UdpSentenceServer(InetSocketAddress bind) {
    this.bind = bind;
  }

  /** Binds and starts serving; returns the address actually bound. */
  public synchronized InetSocketAddress start() {
    if (service != null) {
      throw new IllegalStateException("already started");
    }
    Transport transport = Transport.best();
    // One datagram channel is served by one event loop; more threads would sit idle.
    EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("udp-sentence"));
    Bootstrap bootstrap =
        new Bootstrap()
            .group(group)
            .channel(transport.datagramChannel())
            // Netty reads datagrams into 2 KiB buffers by default and silently truncates longer ones.
            .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM + 1))
            // Room for bursts from many clients at once before the kernel drops datagrams.
            .option(ChannelOption.SO_RCVBUF, 4 * 1024 * 1024)
            .handler(new Handler());
    service = BoundService.bind(bootstrap, group, bind, "UDP", transport, log);
    return service.address();
  }

  @Override
  public synchronized void close() {
    if (service != null) {
      service.close();
      service = null;
    }
  }

  private static final class Handler extends SimpleChannelInboundHandler<DatagramPacket> {

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
      InetSocketAddress sender = packet.sender();
      long start = System.nanoTime();
      if (WireTrace.on()) {
        WireTrace.event("UDP: received datagram of {} bytes from {} (no connection: each datagram stands alone)",
            packet.content().readableBytes(), WireTrace.address(sender));
      }
      log.info("Received data from socket connection with address {}", sender.getAddress().getHostAddress());
      byte[] reply = Uppercase.encode(Uppercase.of(Uppercase.decode(ByteBufUtil.getBytes(packet.content()))));
      if (reply.length > MAX_DATAGRAM) {
        // Upper-casing can grow text (ß becomes SS), past what one datagram can carry.
        reply = Uppercase.encode(Failures.ERROR_PREFIX + "the upper-cased sentence is longer than "
            + MAX_DATAGRAM + " bytes, too long for one datagram");
      }
      if (reply.length == 0) {
        // Netty silently drops a zero-length datagram on write; do not log a reply never sent.
        log.debug("Not answering an empty datagram from {}", sender);
        return;
      }
      int length = reply.length;
      ctx.writeAndFlush(new DatagramPacket(Unpooled.wrappedBuffer(reply), sender))
          .addListener(
              future -> {
                if (future.isSuccess()) {
                  if (WireTrace.on()) {
                    WireTrace.event("UDP: sent datagram of {} bytes to {}, {} ms after the request arrived", length,
                        WireTrace.address(sender), WireTrace.millisSince(start));
                  }
                  log.info("Sent data to socket connection");
                } else {
                  log.warn("Could not reply to {}: {}", sender, future.cause().toString());
                }
              });
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      // A UDP socket has no peer to drop: log and keep serving everyone else.
      log.warn("UDP server error: {}", cause.toString());
    }
  }
}
