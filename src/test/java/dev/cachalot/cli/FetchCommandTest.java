package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** `cachalot fetch` driven in-process through Main's command line, against the real proxy on loopback. */
@Timeout(30)
class FetchCommandTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy();

  record Run(int exitCode, String out, String err) {}

  @BeforeEach
  void handlers() {
    origin.handle("/page", r -> Response.ok("hello, lab\n").header("Content-Type", "text/plain"));
    origin.handle("/", r -> Response.ok("root page\n"));
    origin.handle("/missing", r -> Response.of(404, "nope\n"));
  }

  private Run run(String stdin, Map<String, String> env, String... args) {
    return run(false, stdin, env, args);
  }

  private Run run(boolean terminal, String stdin, Map<String, String> env, String... args) {
    CommandLine cli = Main.newCommandLine();
    StringWriter err = new StringWriter();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    cli.setErr(new PrintWriter(err, true));
    FetchCommand fetch = (FetchCommand) cli.getSubcommands().get("fetch").getCommand();
    fetch.stdin = new Stdin(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)), StandardCharsets.UTF_8, false);
    fetch.stdout = out;
    fetch.env = env;
    fetch.stderrIsTerminal = terminal;
    int exitCode = cli.execute(args);
    return new Run(exitCode, out.toString(StandardCharsets.ISO_8859_1), err.toString());
  }

  @Test
  void fetchesAUrlGivenAsArgument() {
    Run run = run("", Map.of(), "fetch", "--proxy", proxy.hostPort(), origin.authority() + "/page");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("HTTP/1.1 200 OK\n").contains("Content-Type: text/plain\n")
        .endsWith("\n\nhello, lab\n");
    assertThat(run.err()).isEmpty();
  }

  @Test
  void asksForTheRequestLikeTheLab() {
    Run run = run(origin.authority() + "\n", Map.of(), "fetch", "--proxy", proxy.hostPort());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Input request: " + origin.authority() + "\nHTTP/1.1 200 OK\n")
        .endsWith("\n\nroot page\n");
    assertThat(origin.lastRequest().uri()).isEqualTo("/");
  }

  @Test
  void takesTheProxyFromHttpProxy() {
    Run run = run("", Map.of("http_proxy", "http://" + proxy.hostPort() + "/"), "fetch", origin.url("/page"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).endsWith("hello, lab\n");
  }

  @Test
  void errorStatusesExitZero() throws Exception {
    Run notFound = run("", Map.of(), "fetch", "--proxy", proxy.hostPort(), origin.url("/missing"));
    assertThat(notFound.exitCode()).isZero();
    assertThat(notFound.out()).startsWith("HTTP/1.1 404 Not Found\n").endsWith("nope\n");
    int closed = closedPort();
    Run badGateway = run("", Map.of(), "fetch", "--proxy", proxy.hostPort(), "127.0.0.1:" + closed + "/");
    assertThat(badGateway.exitCode()).isZero();
    assertThat(badGateway.out()).startsWith("HTTP/1.1 502 Bad Gateway\n").contains("127.0.0.1:" + closed);
  }

  /** As curl --fail: exit 22 for a status of 400 or more, with the answer still printed and a one-line error. */
  @Test
  void failExitsTwentyTwoOnErrorStatuses() throws Exception {
    Run notFound = run("", Map.of(), "fetch", "--fail", "--proxy", proxy.hostPort(), origin.url("/missing"));
    assertThat(notFound.exitCode()).isEqualTo(22);
    assertThat(notFound.out()).startsWith("HTTP/1.1 404 Not Found\n").endsWith("nope\n");
    assertThat(notFound.err()).isEqualTo("cachalot: the answer was 404 Not Found (--fail)\n");
    int closed = closedPort();
    Run badGateway = run("", Map.of(), "fetch", "-f", "--proxy", proxy.hostPort(), "127.0.0.1:" + closed + "/");
    assertThat(badGateway.exitCode()).isEqualTo(22);
    assertThat(badGateway.out()).contains("127.0.0.1:" + closed);
    Run ok = run("", Map.of(), "fetch", "--fail", "--proxy", proxy.hostPort(), origin.url("/page"));
    assertThat(ok.exitCode()).as(ok.err()).isZero();
  }

  @Test
  void noProxyIsOneLineAndNonZero() throws Exception {
    int closed = closedPort();
    Run run = run("", Map.of(), "fetch", "--proxy", "127.0.0.1:" + closed, "example.org");
    assertThat(run.exitCode()).isEqualTo(69);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).isEqualTo("cachalot: no proxy listening on 127.0.0.1:" + closed
        + " — start one with `cachalot proxy --listen 127.0.0.1:" + closed + "`\n");
  }

  @Test
  void unknownProxyHostIsOneLine() {
    Run run = run("", Map.of("HTTP_PROXY", "nonexistent.invalid:3128"), "fetch", "example.org");
    assertThat(run.exitCode()).isEqualTo(68);
    assertThat(run.err()).startsWith("cachalot: unknown proxy host 'nonexistent.invalid'").doesNotContain("\tat ");
    assertThat(run.err().strip()).doesNotContain("\n");
  }

  @Test
  void headPrintsHeadOnly() {
    Run run = run("", Map.of(), "fetch", "--proxy", proxy.hostPort(), "--head", origin.url("/page"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("HTTP/1.1 200 OK\n").contains("content-length: 11\n").endsWith("\n\n");
    assertThat(origin.lastRequest().method()).isEqualTo("HEAD");
  }

  @Test
  void outputFileGetsTheBody(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("page.txt");
    Run run = run("", Map.of(), "fetch", "--proxy", proxy.hostPort(), "-o", file.toString(), origin.url("/page"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("HTTP/1.1 200 OK\n").endsWith("\n\n");
    assertThat(Files.readString(file)).isEqualTo("hello, lab\n");
  }

  @Test
  void progressBarOnATerminalWhileDownloadingToAFile(@TempDir Path dir) throws Exception {
    origin.handle("/big", r -> TestOrigin.Response.pattern(300_000, false));
    Path file = dir.resolve("big.bin");
    Run run = run(true, "", Map.of(), "fetch", "--proxy", proxy.hostPort(), "-o", file.toString(), origin.url("/big"));
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("] 100% 293.0 KiB").endsWith("\n");
    assertThat(Files.size(file)).isEqualTo(300_000);
  }

  @Test
  void rawPrintsTheBytesAsReceived() {
    Run run = run("", Map.of(), "fetch", "--proxy", proxy.hostPort(), "--raw", origin.url("/page"));
    assertThat(run.exitCode()).isZero();
    assertThat(run.out()).startsWith("HTTP/1.1 200 OK\r\n").contains("\r\ncontent-length: 11\r\n")
        .endsWith("\r\n\r\nhello, lab\n");
  }

  @Test
  void emptyInputIsAnError() {
    Run run = run("", Map.of(), "fetch", "--proxy", proxy.hostPort());
    assertThat(run.exitCode()).isEqualTo(66);
    assertThat(run.err()).startsWith("cachalot: input ended");
  }

  @Test
  void listedInHelp() {
    CommandLine cli = Main.newCommandLine();
    assertThat(cli.getSubcommands()).containsKey("fetch");
    assertThat(cli.getUsageMessage()).contains("fetch");
  }

  static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
