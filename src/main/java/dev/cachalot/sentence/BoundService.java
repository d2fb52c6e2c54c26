package dev.cachalot.sentence;

import dev.cachalot.transport.Transport;
import io.netty.bootstrap.AbstractBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * A bound sentence server: its channel and the event loops behind it. Binding logs the lab's
 * "ready" line; closing stops both, once.
 */
final class BoundService implements AutoCloseable {

  private final EventLoopGroup group;
  private final Channel channel;

  private BoundService(EventLoopGroup group, Channel channel) {
    this.group = group;
    this.channel = channel;
  }

  /** Binds {@code bootstrap} (which runs on {@code group}); on failure the group is stopped too. */
  static BoundService bind(AbstractBootstrap<?, ?> bootstrap, EventLoopGroup group, InetSocketAddress bind,
      String protocol, Transport transport, Logger log) {
    Channel channel;
    try {
      channel = bootstrap.bind(bind).syncUninterruptibly().channel();
    } catch (Exception e) {
      group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
      throw Failures.cannotBind(protocol, bind, e);
    }
    InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
    log.info("The {} Server is ready to receive", protocol);
    if (bind.getPort() == 0) {
      log.info("Listening on {}", Failures.describe(bound));
    } else {
      log.debug("Listening on {} ({})", Failures.describe(bound), transport);
    }
    return new BoundService(group, channel);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) channel.localAddress();
  }

  @Override
  public void close() {
    channel.close().syncUninterruptibly();
    group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }
}
