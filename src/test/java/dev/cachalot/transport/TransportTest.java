package dev.cachalot.transport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.Socket;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(20)
class TransportTest {

  /**
   * Native epoll exists on Linux only. Elsewhere these tests are skipped, but not on CI
   * ({@code CI=true}): CI runs Linux, and there the transport the proxy ships with must be tested.
   */
  private static void requireLinux() {
    boolean linux = "Linux".equals(System.getProperty("os.name"));
    if (!linux && "true".equalsIgnoreCase(System.getenv("CI"))) {
      fail("CI=true must run on Linux, where the proxy uses native epoll; this is " + System.getProperty("os.name"));
    }
    assumeThat(linux).as("native epoll exists on Linux only").isTrue();
  }

  @Test
  void onLinuxTheNativeEpollTransportIsTheOneChosen() {
    requireLinux();
    assertThat(Epoll.isAvailable()).as("native epoll: %s", Epoll.unavailabilityCause()).isTrue();
    assertThat(Transport.best()).isEqualTo(Transport.EPOLL);
  }

  @Test
  void anAcceptedEpollConnectionHoldsAtMostTheGivenUnsentBytesInTheKernel() throws Exception {
    requireLinux();
    assertThat(Epoll.isAvailable()).as("native epoll: %s", Epoll.unavailabilityCause()).isTrue();
    EventLoopGroup group = Transport.EPOLL.newGroup(1, new DefaultThreadFactory("transport-test", true));
    CompletableFuture<Long> applied = new CompletableFuture<>();
    try {
      Channel server = new ServerBootstrap().group(group).channel(Transport.EPOLL.serverChannel())
          .childHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel ch) {
              Transport.EPOLL.limitUnsent(ch, 96 * 1024);
              // Read back from the kernel (getsockopt), not from Netty's copy of the setting.
              applied.complete(((EpollSocketChannel) ch).config().getTcpNotSentLowAt());
            }
          })
          .bind("127.0.0.1", 0).sync().channel();
      try (Socket client = new Socket()) {
        client.connect(server.localAddress(), 5_000);
        assertThat(applied.get(5, TimeUnit.SECONDS)).isEqualTo(96 * 1024L);
      } finally {
        server.close().sync();
      }
    } finally {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }
  }
}
