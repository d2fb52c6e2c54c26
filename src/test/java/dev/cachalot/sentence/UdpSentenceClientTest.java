package dev.cachalot.sentence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cachalot.UserFacingException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UdpSentenceClientTest {

  @Test
  void aClosedPortIsReportedAtOnceWhenTheOsSaysSo() throws Exception {
    int port = freeUdpPort();
    long start = System.nanoTime();
    try (UdpSentenceClient client = UdpSentenceClient.open("127.0.0.1", port, Duration.ofSeconds(5), 3)) {
      UserFacingException e = catchThrowableOfType(UserFacingException.class, () -> client.send("anyone?"));
      assertThat(e.getMessage()).contains("127.0.0.1:" + port).contains("nothing listens on UDP port " + port);
      assertThat(e.exitCode()).isEqualTo(69);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).as("no waiting out the timeout").isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aServerThatNeverAnswersIsGivenUpOnAfterTimeoutTimesRetries() throws Exception {
    // Bound but silent: no ICMP comes back, so only the timeout can end the wait.
    try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        UdpSentenceClient client = UdpSentenceClient.open("127.0.0.1", blackHole.getLocalPort(), Duration.ofMillis(200), 3)) {
      long start = System.nanoTime();
      UserFacingException e = catchThrowableOfType(UserFacingException.class, () -> client.send("hello?"));
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(e.getMessage())
          .contains("no reply from 127.0.0.1:" + blackHole.getLocalPort())
          .contains("3 attempt(s) of 200ms")
          .contains("cachalot udp-server --port " + blackHole.getLocalPort());
      assertThat(took).isBetween(Duration.ofMillis(600), Duration.ofMillis(600 + 1000));
    }
  }

  @Test
  void anOversizedSentenceIsRefusedBeforeSending() throws Exception {
    try (DatagramSocket blackHole = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"));
        UdpSentenceClient client = UdpSentenceClient.open("127.0.0.1", blackHole.getLocalPort(), Duration.ofSeconds(5), 1)) {
      long start = System.nanoTime();
      UserFacingException e =
          catchThrowableOfType(UserFacingException.class, () -> client.send("x".repeat(UdpSentenceServer.MAX_DATAGRAM + 1)));
      assertThat(e.getMessage()).contains("65508 bytes").contains("at most 65507");
      assertThat(e.exitCode()).isEqualTo(65);
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void anUnknownHostIsNamed() {
    UserFacingException e =
        catchThrowableOfType(UserFacingException.class,
            () -> UdpSentenceClient.open("no-such-host.invalid", 12000, Duration.ofSeconds(1), 1));
    assertThat(e.getMessage()).contains("unknown host 'no-such-host.invalid'");
    assertThat(e.exitCode()).isEqualTo(68);
  }

  static int freeUdpPort() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
