package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.cachalot.sentence.LogCapture;
import dev.cachalot.sentence.TcpSentenceServer;
import dev.cachalot.sentence.UdpSentenceServer;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import dev.cachalot.trace.WireTrace;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * --trace on fetch and the sentence tools, run in-process: the lines a student would otherwise
 * read off Wireshark (DNS, the handshake or its absence, bytes and datagrams each way, timings).
 * Servers block until a signal when run as commands, so they are started as objects after their
 * command line's --trace has been applied.
 */
@Timeout(30)
class WireTraceCliTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy();

  private final LogCapture trace = LogCapture.of(WireTrace.NAME);

  @AfterEach
  void traceOff() {
    trace.close();
    Logger logger = (Logger) LoggerFactory.getLogger(WireTrace.NAME);
    logger.setLevel(Level.OFF);
    logger.setAdditive(true);
    logger.detachAppender("trace-stderr");
  }

  @Test
  void withoutTheFlagNothingIsTraced() throws Exception {
    try (UdpSentenceServer server = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0))) {
      int port = server.start().getPort();
      Run run = run("udp-client", "--host", "127.0.0.1", "--port", String.valueOf(port), "--message", "quiet");
      assertThat(run.out()).isEqualTo("QUIET\n");
      assertThat(trace.lines()).isEmpty();
      assertThat(run.err()).isEmpty();
    }
  }

  @Test
  void udpTraceShowsNoHandshakeAndEachDatagramWithItsRoundTrip() throws Exception {
    serverTrace("udp-server");
    try (UdpSentenceServer server = new UdpSentenceServer(new InetSocketAddress("127.0.0.1", 0))) {
      int port = server.start().getPort();
      Run run = run("udp-client", "--trace", "--host", "localhost", "--port", String.valueOf(port), "--message", "hello");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).as("the trace stays off stdout").isEqualTo("HELLO\n");
      List<String> lines = trace.awaitLines(6, Duration.ofSeconds(5));
      assertThat(lines).anyMatch(l -> l.matches("DNS: localhost -> [0-9a-f.:]+ in \\d+ ms"));
      assertThat(lines).anyMatch(l -> l.startsWith("UDP: socket 127.0.0.1:") && l.contains("-> 127.0.0.1:" + port)
          && l.endsWith("no handshake — the first datagram is the first packet"));
      assertThat(lines).anyMatch(l -> l.equals(
          "UDP: sent datagram of 5 bytes to 127.0.0.1:" + port + " (attempt 1 of 3): \"hello\""));
      assertThat(lines).anyMatch(l -> l.matches("UDP: received datagram of 5 bytes from 127\\.0\\.0\\.1:\\d+ \\(no connection.*"));
      assertThat(lines).anyMatch(l -> l.matches(
          "UDP: sent datagram of 5 bytes to 127\\.0\\.0\\.1:\\d+, \\d+ ms after the request arrived"));
      assertThat(lines).anyMatch(l -> l.matches(
          "UDP: received datagram of 5 bytes from 127\\.0\\.0\\.1:" + port + ", round trip \\d+ ms: \"HELLO\""));
      assertThat(lines).noneMatch(l -> l.contains("SYN"));
    }
  }

  @Test
  void udpTraceShowsEachUnansweredAttempt() throws Exception {
    // A bound socket that never answers: each attempt times out.
    try (java.net.DatagramSocket silent = new java.net.DatagramSocket(0, java.net.InetAddress.getByName("127.0.0.1"))) {
      Run run = run("udp-client", "--trace", "--host", "127.0.0.1", "--port", String.valueOf(silent.getLocalPort()),
          "--timeout", "100ms", "--retries", "2", "--message", "anyone?");
      assertThat(run.exitCode()).isNotZero();
      assertThat(trace.lines())
          .contains("DNS: 127.0.0.1 is an address, no lookup",
              "UDP: no reply within 100ms (attempt 1 of 2); sending again",
              "UDP: no reply within 100ms (attempt 2 of 2); giving up");
    }
  }

  @Test
  void tcpTraceShowsTheHandshakeAndTheBytesEachWay() throws Exception {
    serverTrace("tcp-server");
    try (TcpSentenceServer server = new TcpSentenceServer(new InetSocketAddress("127.0.0.1", 0), 65536)) {
      int port = server.start().getPort();
      Run run = run("tcp-client", "--trace", "--host", "localhost", "--port", String.valueOf(port), "--message", "hello");
      assertThat(run.exitCode()).isZero();
      assertThat(run.out()).isEqualTo("HELLO\n");
      List<String> lines = trace.awaitLines(9, Duration.ofSeconds(5));
      assertThat(lines).anyMatch(l -> l.matches("DNS: localhost -> [0-9a-f.:]+ in \\d+ ms"));
      assertThat(lines).anyMatch(l -> l.matches(
          "TCP: connected 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port + " in \\d+ ms \\(SYN, SYN-ACK, ACK\\)"));
      assertThat(lines).anyMatch(l -> l.matches("TCP: accepted 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port
          + " \\(the kernel completed SYN, SYN-ACK, ACK before accept\\)"));
      assertThat(lines).contains("TCP: sent 6 bytes to 127.0.0.1:" + port + ": \"hello\\n\"");
      assertThat(lines).anyMatch(l -> l.matches("TCP: received a line of 6 bytes from 127\\.0\\.0\\.1:\\d+"));
      assertThat(lines).anyMatch(l -> l.matches("TCP: sent 6 bytes to 127\\.0\\.0\\.1:\\d+, \\d+ ms after the line arrived"));
      assertThat(lines).anyMatch(l -> l.matches(
          "TCP: received 6 bytes from 127\\.0\\.0\\.1:" + port + " after \\d+ ms: \"HELLO\\\\n\""));
      assertThat(lines).anyMatch(l -> l.matches("TCP: closing 127\\.0\\.0\\.1:\\d+ -> 127\\.0\\.0\\.1:" + port + " \\(FIN\\)"));
      assertThat(lines).anyMatch(l -> l.matches(
          "TCP: connection from 127\\.0\\.0\\.1:\\d+ closed after \\d+ ms \\(6 bytes in, 6 bytes out\\)"));
    }
  }

  @Test
  void tcpTraceShowsARefusedConnection() throws Exception {
    int port;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      port = socket.getLocalPort();
    }
    Run run = run("tcp-client", "--trace", "--host", "127.0.0.1", "--port", String.valueOf(port), "--message", "x");
    assertThat(run.exitCode()).isNotZero();
    assertThat(trace.lines()).anyMatch(l -> l.matches("TCP: connection to 127\\.0\\.0\\.1:" + port
        + " refused in \\d+ ms \\(SYN answered by RST: nothing listens\\)"));
  }

  @Test
  void fetchTraceShowsConnectHeadsAndBytesEachWay() {
    origin.handle("/page", r -> Response.ok("hello, lab\n").header("Content-Type", "text/plain"));
    FetchRun run = fetch("fetch", "--trace", "--proxy", "localhost:" + proxy.port(), origin.url("/page"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).as("the trace stays off stdout").startsWith("HTTP/1.1 200 OK\n").endsWith("\n\nhello, lab\n");
    List<String> lines = trace.lines();
    assertThat(lines).anyMatch(l -> l.matches("DNS: localhost -> [0-9a-f.:]+ in \\d+ ms"));
    assertThat(lines).anyMatch(l -> l.matches(
        "TCP: connected 127\\.0\\.0\\.1:\\d+ -> proxy 127\\.0\\.0\\.1:" + proxy.port() + " in \\d+ ms \\(SYN, SYN-ACK, ACK\\)"));
    assertThat(lines).anyMatch(l -> l.toLowerCase(java.util.Locale.ROOT).startsWith(
        ("HTTP: request head: GET " + origin.url("/page") + " HTTP/1.1 | host: ").toLowerCase(java.util.Locale.ROOT)));
    assertThat(lines).anyMatch(l -> l.matches("TCP: sent \\d+ bytes"));
    assertThat(lines).anyMatch(l -> l.matches("HTTP: response head after \\d+ ms: HTTP/1\\.1 200 OK \\|.*(?i:content-type): text/plain.*"));
    assertThat(lines).anyMatch(l -> l.matches("HTTP: response complete after \\d+ ms: 11 body bytes"));
    String closed = lines.stream().filter(l -> l.startsWith("TCP: closed ")).findFirst().orElseThrow();
    assertThat(closed).matches("TCP: closed 127\\.0\\.0\\.1:\\d+ -> proxy 127\\.0\\.0\\.1:" + proxy.port()
        + " after \\d+ ms: \\d+ bytes sent, \\d+ bytes received");
    String sent = lines.stream().filter(l -> l.matches("TCP: sent \\d+ bytes")).findFirst().orElseThrow();
    assertThat(closed).contains(" " + sent.replaceAll("\\D", "") + " bytes sent, ");
    long received = Long.parseLong(closed.replaceAll(".* (\\d+) bytes received", "$1"));
    assertThat(received).as("head and body").isGreaterThan(11 + "HTTP/1.1 200 OK\r\n\r\n".length());
  }

  /** The command's --trace, as tcp-server --trace would apply it before blocking. */
  private static void serverTrace(String command) {
    Object server = command.equals("tcp-server") ? new TcpServerCommand() : new UdpServerCommand();
    new CommandLine(server).parseArgs("--trace", "--port", "0");
    TraceOptions options = server instanceof TcpServerCommand tcp ? tcp.trace : ((UdpServerCommand) server).trace;
    options.applyForServer();
  }

  record Run(int exitCode, String out, String err) {}

  record FetchRun(int exitCode, String out, String err) {}

  private static Run run(String... args) {
    CommandLine cli = Main.newCommandLine();
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    Stdin stdin = new Stdin(new ByteArrayInputStream(new byte[0]), StandardCharsets.UTF_8, false);
    ((TcpClientCommand) cli.getSubcommands().get("tcp-client").getCommand()).stdin = stdin;
    ((UdpClientCommand) cli.getSubcommands().get("udp-client").getCommand()).stdin = stdin;
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(), err.toString());
  }

  private static FetchRun fetch(String... args) {
    CommandLine cli = Main.newCommandLine();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cli.setErr(new PrintWriter(err, true));
    FetchCommand fetch = (FetchCommand) cli.getSubcommands().get("fetch").getCommand();
    fetch.stdin = new Stdin(new ByteArrayInputStream(new byte[0]), StandardCharsets.UTF_8, false);
    fetch.stdout = out;
    fetch.env = Map.of();
    fetch.stderrIsTerminal = false;
    int exitCode = cli.execute(args);
    return new FetchRun(exitCode, out.toString(StandardCharsets.ISO_8859_1), err.toString());
  }
}
