package dev.cachalot.sentence;

import dev.cachalot.transport.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Upper-cases each line of each TCP connection, many connections at once. */
public final class TcpSentenceServer implements AutoCloseable {

  public static final int DEFAULT_PORT = 12000;
  public static final int DEFAULT_MAX_LINE = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(TcpSentenceServer.class);

  private final InetSocketAddress bind;
  private final int maxLineBytes;
  private BoundService service;

  /** @param bind where to listen; port 0 picks a free port, reported by {@link #start()} */
  public TcpSentenceServer(InetSocketAddress bind, int maxLineBytes) {
    if (maxLineBytes < 1) {
      throw new IllegalArgumentException("maxLineBytes must be at least 1, got " + maxLineBytes);
    }
    this.bind = bind;
    this.maxLineBytes = maxLineBytes;
  }

  /** Binds and starts serving; returns the address actually bound. */
  public synchronized InetSocketAddress start() {
    if (service != null) {
      throw new IllegalStateException("already started");
    }
    Transport transport = Transport.best();
    EventLoopGroup group = transport.newGroup(0, new DefaultThreadFactory("tcp-sentence"));
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(transport.serverChannel())
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    // failFast: refuse an oversized line as soon as it passes the limit rather
                    // than buffering it up to its newline.
                    ch.pipeline()
                        .addLast(new LineBasedFrameDecoder(maxLineBytes, true, true))
                        .addLast(new TcpSentenceHandler(maxLineBytes));
                  }
                });
    service = BoundService.bind(bootstrap, group, bind, "TCP", transport, log);
    return service.address();
  }

  @Override
  public synchronized void close() {
    if (service != null) {
      service.close();
      service = null;
    }
  }
}
