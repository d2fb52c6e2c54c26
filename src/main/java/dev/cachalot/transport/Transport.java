package dev.cachalot.transport;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;

/**
 * The Netty transport for this machine: native epoll where the kernel and jar allow it (fewer
 * copies, no selector garbage), NIO everywhere else. One place decides, so every server and
 * client in the process uses the same kind of channel.
 */
public enum Transport {
  EPOLL,
  NIO;

  private static final Transport BEST = Epoll.isAvailable() ? EPOLL : NIO;

  public static Transport best() {
    return BEST;
  }

  public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
    IoHandlerFactory io = this == EPOLL ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
    return new MultiThreadIoEventLoopGroup(threads, threadFactory, io);
  }

  public Class<? extends ServerChannel> serverChannel() {
    return this == EPOLL ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
  }

  public Class<? extends Channel> socketChannel() {
    return this == EPOLL ? EpollSocketChannel.class : NioSocketChannel.class;
  }

  public Class<? extends Channel> datagramChannel() {
    return this == EPOLL ? EpollDatagramChannel.class : NioDatagramChannel.class;
  }

  /**
   * Lets the kernel hold at most {@code bytes} of {@code ch}'s outgoing data that it has not sent yet
   * (TCP_NOTSENT_LOWAT); the rest waits in the channel's outbound queue. What is in flight stays
   * unlimited, so a long fat link is not slowed. Without it the send buffer autotunes up to
   * {@code tcp_wmem}'s maximum (4 MiB here) of copies of bytes the proxy already holds. NIO cannot
   * set the option; there the kernel buffers as it always has.
   */
  public void limitUnsent(Channel ch, long bytes) {
    if (ch instanceof EpollSocketChannel epoll) {
      epoll.config().setTcpNotSentLowAt(bytes);
    }
  }
}
