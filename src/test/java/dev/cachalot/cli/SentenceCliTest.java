package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.sentence.LogCapture;
import dev.cachalot.sentence.TcpSentenceServer;
import dev.cachalot.sentence.UdpSentenceServer;
import java.io.ByteArrayInputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The sentence commands driven in-process through Main's command line, on loopback. */
@Timeout(30)
class SentenceCliTest {

  private static final String LAB_SENTENCE = "hey, I am a student from 5f.";

  /** What one command run printed, and how it ended. */
  record Run(int exitCode, String out, String err) {}

  @Test
  void theLabsTcpExchangeWithPipedAnswersReadsLikeTheTranscript() throws Exception {
    try (LogCapture log = LogCapture.of(TcpSentenceServer.class);
        TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 65536)) {
      int port = server.start().getPort();
      Run run = run(piped("127.0.0.1\n" + port + "\n" + LAB_SENTENCE + "\n"), "tcp-client");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out())
          .isEqualTo(
              "Enter Server Name: 127.0.0.1\n"
                  + "Enter Server Port: " + port + "\n"
                  + "Enter a sentence: hey, I am a student from 5f.\n"
                  + "Modified Sentence from Server: HEY, I AM A STUDENT FROM 5F.\n");
      assertThat(run.err()).isEmpty();
      assertThat(log.awaitLines(5, Duration.ofSeconds(5)))
          .containsExactly(
              "The TCP Server is ready to receive",
              "Listening on 127.0.0.1:" + port,
              "Connected with address 127.0.0.1",
              "Received data from socket connection",
              "Sent data to socket connection");
    }
  }

  @Test
  void theLabsUdpExchangeWithPipedAnswersReadsLikeTheTranscript() throws Exception {
    try (LogCapture log = LogCapture.of(UdpSentenceServer.class);
        UdpSentenceServer server = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0))) {
      int port = server.start().getPort();
      Run run = run(piped("127.0.0.1\n" + port + "\n" + LAB_SENTENCE + "\n"), "udp-client");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out())
          .isEqualTo(
              "Enter Server Name: 127.0.0.1\n"
                  + "Enter Server Port: " + port + "\n"
                  + "Enter a sentence: hey, I am a student from 5f.\n"
                  + "Modified Sentence from Server: HEY, I AM A STUDENT FROM 5F.\n");
      assertThat(log.awaitLines(4, Duration.ofSeconds(5)))
          .containsExactly(
              "The UDP Server is ready to receive",
              "Listening on 127.0.0.1:" + port,
              "Received data from socket connection with address 127.0.0.1",
              "Sent data to socket connection");
    }
  }

  @Test
  void onATerminalThePromptsAreNotEchoedBecauseTheTerminalAlreadyShowsTheAnswers() throws Exception {
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 65536)) {
      int port = server.start().getPort();
      Stdin terminal = new Stdin(new ByteArrayInputStream(("straße\n").getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8, true);
      Run run = run(terminal, "tcp-client", "--host", "127.0.0.1", "--port", Integer.toString(port));
      assertThat(run.out()).isEqualTo("Enter a sentence: Modified Sentence from Server: STRASSE\n");
    }
  }

  @Test
  void withHostAndPortEachPipedLineIsSentAndItsReplyPrintedBare() throws Exception {
    try (TcpSentenceServer tcp = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 65536);
        UdpSentenceServer udp = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0))) {
      String tcpPort = Integer.toString(tcp.start().getPort());
      String udpPort = Integer.toString(udp.start().getPort());
      String lines = "first\r\nstraße\nı and i\n";
      Run overTcp = run(piped(lines), "tcp-client", "--host", "127.0.0.1", "--port", tcpPort);
      Run overUdp = run(piped(lines), "udp-client", "--host", "127.0.0.1", "--port", udpPort);
      assertThat(overTcp).isEqualTo(new Run(0, "FIRST\nSTRASSE\nI AND I\n", ""));
      assertThat(overUdp).isEqualTo(new Run(0, "FIRST\nSTRASSE\nI AND I\n", ""));
    }
  }

  @Test
  void messageSendsOneSentenceAndPrintsTheReplyBare() throws Exception {
    try (UdpSentenceServer server = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0))) {
      int port = server.start().getPort();
      Run run = run(piped(""), "udp-client", "--host", "127.0.0.1", "--port", Integer.toString(port), "--message", "héllo");
      assertThat(run).isEqualTo(new Run(0, "HÉLLO\n", ""));
    }
  }

  @Test
  void question1TcpClientBeforeServerNamesHostPortAndTheCommandToStartOne() throws Exception {
    int port = freeTcpPort();
    Run run = run(piped(""), "tcp-client", "--host", "127.0.0.1", "--port", Integer.toString(port), "--message", "x");
    assertThat(run.exitCode()).isEqualTo(69);
    assertThat(run.out()).isEmpty();
    assertOneLine(run.err())
        .contains("127.0.0.1:" + port)
        .contains("no TCP server is listening")
        .contains("cachalot tcp-server --port " + port);
  }

  @Test
  void question1RetryForWaitsForTheTcpServerToComeUp() throws Exception {
    int port = freeTcpPort();
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", port), 65536)) {
      CompletableFuture<Void> later =
          CompletableFuture.runAsync(server::start, CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS));
      Run run = run(piped(""), "tcp-client", "--host", "127.0.0.1", "--port", Integer.toString(port),
          "--retry-for", "5s", "--message", "patience");
      assertThat(run).isEqualTo(new Run(0, "PATIENCE\n", ""));
      later.get(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void question2UdpClientBeforeServerGivesUpAfterTimeoutTimesRetries() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      String port = Integer.toString(silent.getLocalPort());
      long start = System.nanoTime();
      Run run = run(piped(""), "udp-client", "--host", "127.0.0.1", "--port", port,
          "--timeout", "150ms", "--retries", "3", "--message", "x");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(run.exitCode()).isEqualTo(69);
      assertOneLine(run.err()).contains("no reply from 127.0.0.1:" + port).contains("3 attempt(s) of 150ms");
      assertThat(took).isBetween(Duration.ofMillis(450), Duration.ofMillis(450 + 1500));
    }
  }

  @Test
  void question2AClosedUdpPortIsReportedAtOnce() throws Exception {
    int port = freeUdpPort();
    long start = System.nanoTime();
    Run run = run(piped(""), "udp-client", "--host", "127.0.0.1", "--port", Integer.toString(port), "--message", "x");
    assertThat(run.exitCode()).isEqualTo(69);
    assertOneLine(run.err()).contains("nothing listens on UDP port " + port);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }

  @Test
  void question3DifferentPortsOnClientAndServerNameThePortTheClientUsed() throws Exception {
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 65536)) {
      int serverPort = server.start().getPort();
      int otherPort = freeTcpPort();
      Run run = run(piped("127.0.0.1\n" + otherPort + "\n"), "tcp-client");
      assertThat(run.exitCode()).isEqualTo(69);
      assertOneLine(run.err()).contains(":" + otherPort).doesNotContain(Integer.toString(serverPort));
    }
  }

  @Test
  void anUnknownHostIsNamed() throws Exception {
    Run run = run(piped(""), "udp-client", "--host", "no-such-host.invalid", "--message", "x");
    assertThat(run.exitCode()).isEqualTo(68);
    assertOneLine(run.err()).contains("unknown host 'no-such-host.invalid'");
  }

  @Test
  void aPortThatIsNotANumberIsOneLineNotAStackTrace() throws Exception {
    Run run = run(piped("127.0.0.1\ntwelve thousand\n"), "tcp-client");
    assertThat(run.exitCode()).isEqualTo(64);
    assertOneLine(run.err()).contains("'twelve thousand' is not a port");
  }

  @Test
  void inputEndingBeforeTheAnswersIsAClearError() throws Exception {
    Run run = run(piped("127.0.0.1\n"), "udp-client");
    assertThat(run.exitCode()).isEqualTo(66);
    assertOneLine(run.err()).contains("input ended before a server port was given");
  }

  @Test
  void anOversizedUdpSentenceIsRefusedBeforeSending() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      Run run = run(piped(""), "udp-client", "--host", "127.0.0.1", "--port", Integer.toString(silent.getLocalPort()),
          "--message", "x".repeat(65_508));
      assertThat(run.exitCode()).isEqualTo(65);
      assertOneLine(run.err()).contains("at most 65507");
    }
  }

  @Test
  void anOversizedTcpLineIsAClearErrorFromTheServer() throws Exception {
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 16)) {
      int port = server.start().getPort();
      Run run = run(piped("short\n" + "x".repeat(17) + "\n"), "tcp-client", "--host", "127.0.0.1", "--port", Integer.toString(port));
      assertThat(run.exitCode()).isEqualTo(65);
      assertThat(run.out()).isEqualTo("SHORT\n");
      assertOneLine(run.err()).contains("refused the sentence: line longer than 16 bytes");
    }
  }

  @Test
  void anEmptyUdpSentenceIsAClearError() throws Exception {
    try (UdpSentenceServer server = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0))) {
      int port = server.start().getPort();
      Run run = run(piped("\n"), "udp-client", "--host", "127.0.0.1", "--port", Integer.toString(port));
      assertThat(run.exitCode()).isEqualTo(65);
      assertOneLine(run.err()).contains("an empty sentence cannot be sent over UDP");
    }
  }

  @Test
  void anEmptyTcpSentenceGetsAnEmptyReply() throws Exception {
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 16)) {
      int port = server.start().getPort();
      Run run = run(piped("\nx\n"), "tcp-client", "--host", "127.0.0.1", "--port", Integer.toString(port));
      assertThat(run).isEqualTo(new Run(0, "\nX\n", ""));
    }
  }

  @Test
  void aBadDurationIsAUsageError() throws Exception {
    Run run = run(piped(""), "udp-client", "--host", "127.0.0.1", "--timeout", "soon", "--message", "x");
    assertThat(run.exitCode()).isEqualTo(CommandLine.ExitCode.USAGE);
    assertThat(run.err()).contains("'soon' is not a duration");
  }

  @Test
  void aServerWhosePortIsTakenSaysSoInOneLine() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      Run run = run(piped(""), "tcp-server", "--bind", "127.0.0.1", "--port", Integer.toString(taken.getLocalPort()));
      assertThat(run.exitCode()).isEqualTo(71);
      assertOneLine(run.err()).contains("cannot listen for TCP on 127.0.0.1:" + taken.getLocalPort()).contains("--port");
    }
  }

  @Test
  void everySentenceCommandIsRegisteredWithHelp() {
    for (String command : new String[] {"tcp-server", "tcp-client", "udp-server", "udp-client"}) {
      Run run = run(piped(""), command, "--help");
      assertThat(run.exitCode()).as(command).isZero();
      assertThat(run.out()).as(command).contains("Usage: cachalot " + command);
    }
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertOneLine(String err) {
    assertThat(err).as("one line, no stack trace").endsWith("\n").doesNotContain("\tat ").startsWith("cachalot: ");
    assertThat(err.strip().lines()).hasSize(1);
    return assertThat(err);
  }

  private static Stdin piped(String input) {
    return new Stdin(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8, false);
  }

  private static Run run(Stdin stdin, String... args) {
    CommandLine cli = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    if (cli.getSubcommands().get("tcp-client").getCommand() instanceof TcpClientCommand tcp) {
      tcp.stdin = stdin;
    }
    if (cli.getSubcommands().get("udp-client").getCommand() instanceof UdpClientCommand udp) {
      udp.stdin = stdin;
    }
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private static int freeTcpPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }

  private static int freeUdpPort() throws Exception {
    try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    }
  }
}
