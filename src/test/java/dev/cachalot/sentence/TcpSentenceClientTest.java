package dev.cachalot.sentence;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cachalot.UserFacingException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class TcpSentenceClientTest {

  @Test
  void noServerListeningNamesHostPortAndTheCommandToStartOne() throws Exception {
    int port = freePort();
    UserFacingException e =
        catchThrowableOfType(UserFacingException.class,
            () -> TcpSentenceClient.connect("127.0.0.1", port, Duration.ZERO, Duration.ofSeconds(2)));
    assertThat(e.getMessage())
        .contains("127.0.0.1:" + port)
        .contains("no TCP server is listening")
        .contains("cachalot tcp-server --port " + port);
    assertThat(e.exitCode()).isEqualTo(69);
  }

  @Test
  void retryForWaitsForAServerThatStartsLater() throws Exception {
    int port = freePort();
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", port), 1024)) {
      CompletableFuture<Void> later =
          CompletableFuture.runAsync(server::start, CompletableFuture.delayedExecutor(400, TimeUnit.MILLISECONDS));
      try (TcpSentenceClient client =
          TcpSentenceClient.connect("127.0.0.1", port, Duration.ofSeconds(10), Duration.ofSeconds(5))) {
        assertThat(client.send("late but there")).isEqualTo("LATE BUT THERE");
      }
      later.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void retryForGivesUpWhenItRunsOut() throws Exception {
    int port = freePort();
    long start = System.nanoTime();
    UserFacingException e =
        catchThrowableOfType(UserFacingException.class,
            () -> TcpSentenceClient.connect("127.0.0.1", port, Duration.ofMillis(500), Duration.ofSeconds(2)));
    assertThat(e.getMessage()).contains("no TCP server is listening");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(300), Duration.ofSeconds(3));
  }

  @Test
  void anUnknownHostIsNamed() {
    UserFacingException e =
        catchThrowableOfType(UserFacingException.class,
            () -> TcpSentenceClient.connect("no-such-host.invalid", 12000, Duration.ZERO, Duration.ofSeconds(2)));
    assertThat(e.getMessage()).contains("unknown host 'no-such-host.invalid'");
    assertThat(e.exitCode()).isEqualTo(68);
  }

  @Test
  void aServerErrorLineBecomesAClearError() throws Exception {
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 8)) {
      int port = server.start().getPort();
      try (TcpSentenceClient client = TcpSentenceClient.connect("127.0.0.1", port, Duration.ZERO, Duration.ofSeconds(5))) {
        UserFacingException e = catchThrowableOfType(UserFacingException.class, () -> client.send("much too long"));
        assertThat(e.getMessage()).contains("refused the sentence: line longer than 8 bytes");
        assertThat(e.exitCode()).isEqualTo(65);
      }
    }
  }

  @Test
  void aSentenceWithALineBreakIsRefusedBeforeSending() throws Exception {
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 1024)) {
      int port = server.start().getPort();
      try (TcpSentenceClient client = TcpSentenceClient.connect("127.0.0.1", port, Duration.ZERO, Duration.ofSeconds(5))) {
        assertThat(catchThrowableOfType(UserFacingException.class, () -> client.send("two\nlines")))
            .hasMessageContaining("cannot contain a line break");
        assertThat(client.send("one line")).isEqualTo("ONE LINE");
      }
    }
  }

  static int freePort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
