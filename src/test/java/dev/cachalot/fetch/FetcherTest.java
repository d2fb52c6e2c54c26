package dev.cachalot.fetch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.UserFacingException;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.PatternBody;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The fetch library against the real proxy and a loopback origin. */
@Timeout(30)
class FetcherTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy(c -> c.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)));

  final ByteArrayOutputStream head = new ByteArrayOutputStream();
  final ByteArrayOutputStream body = new ByteArrayOutputStream();

  @BeforeEach
  void handlers() {
    origin.handle("/page", r -> Response.ok("hello\n").header("Content-Type", "text/plain"));
    origin.handle("/chunked", r -> Response.pattern(70_000, true));
  }

  private Fetcher.Request request(String input, boolean headOnly, boolean raw) {
    return new Fetcher.Request(FetchTarget.parse(input), proxy.address(), headOnly, raw, Duration.ofSeconds(5), "test");
  }

  private String headText() {
    return head.toString(StandardCharsets.ISO_8859_1);
  }

  @Test
  void getsAPageThroughTheProxyInAbsoluteForm() {
    FetchResult result = Fetcher.fetch(request(origin.authority() + "/page", false, false), head, body, FetchListener.NONE);
    assertThat(result.status()).isEqualTo(200);
    assertThat(headText()).startsWith("HTTP/1.1 200 OK\n").contains("Content-Type: text/plain\n").endsWith("\n\n");
    assertThat(body.toString(StandardCharsets.UTF_8)).isEqualTo("hello\n");
    assertThat(origin.lastRequest().method()).isEqualTo("GET");
    assertThat(origin.lastRequest().uri()).isEqualTo("/page");
    assertThat(origin.lastRequest().header("Host")).isEqualTo(origin.authority());
    assertThat(origin.lastRequest().header("Via")).contains("cachalot");
  }

  @Test
  void headPrintsOnlyTheHead() {
    FetchResult result = Fetcher.fetch(request(origin.url("/page"), true, false), head, body, FetchListener.NONE);
    assertThat(result.status()).isEqualTo(200);
    assertThat(headText()).contains("content-length: 6\n");
    assertThat(body.size()).isZero();
    assertThat(origin.lastRequest().method()).isEqualTo("HEAD");
  }

  @Test
  void rawIsExactlyWhatTheProxySent() {
    FetchResult result = Fetcher.fetch(request(origin.url("/chunked"), false, true), head, body, FetchListener.NONE);
    String raw = body.toString(StandardCharsets.ISO_8859_1);
    assertThat(head.size()).isZero();
    assertThat(raw).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("transfer-encoding: chunked\r\n")
        .endsWith("\r\n0\r\n\r\n");
    assertThat(result.bodyBytes()).isEqualTo(body.size());
  }

  @Test
  void chunkedBodyArrivesWhole() {
    List<Long> progress = new ArrayList<>();
    Fetcher.fetch(request(origin.url("/chunked"), false, false), head, body, new FetchListener() {
      @Override
      public void progress(long total) {
        progress.add(total);
      }
    });
    CRC32 crc = new CRC32();
    crc.update(body.toByteArray());
    assertThat(body.size()).isEqualTo(70_000);
    assertThat(crc.getValue()).isEqualTo(PatternBody.crc32(70_000));
    assertThat(progress).isNotEmpty().isSorted().last().isEqualTo(70_000L);
  }

  @Test
  void errorStatusesAreResponsesToo() throws Exception {
    int closedPort = closedPort();
    FetchResult result = Fetcher.fetch(request("127.0.0.1:" + closedPort + "/x", false, false), head, body, FetchListener.NONE);
    assertThat(result.status()).isEqualTo(502);
    assertThat(body.toString(StandardCharsets.UTF_8)).contains("127.0.0.1:" + closedPort);
  }

  @Test
  void noProxyListeningIsOneClearLine() throws Exception {
    int closedPort = closedPort();
    var request = new Fetcher.Request(FetchTarget.parse("example.org"),
        InetSocketAddress.createUnresolved("127.0.0.1", closedPort), false, false, Duration.ofSeconds(5), "test");
    assertThatThrownBy(() -> Fetcher.fetch(request, head, body, FetchListener.NONE))
        .isInstanceOf(UserFacingException.class)
        .hasMessage("no proxy listening on 127.0.0.1:" + closedPort + " — start one with `cachalot proxy --listen 127.0.0.1:" + closedPort + "`")
        .extracting(e -> ((UserFacingException) e).exitCode()).isEqualTo(Fetcher.UNAVAILABLE);
  }

  @Test
  void unknownProxyHostIsNamed() {
    var request = new Fetcher.Request(FetchTarget.parse("example.org"),
        InetSocketAddress.createUnresolved("nonexistent.invalid", 8888), false, false, Duration.ofSeconds(5), "test");
    assertThatThrownBy(() -> Fetcher.fetch(request, head, body, FetchListener.NONE))
        .isInstanceOf(UserFacingException.class)
        .hasMessageStartingWith("unknown proxy host 'nonexistent.invalid'");
  }

  @Test
  void aResponseCutShortIsAnErrorNotASuccess() {
    origin.handle("/dies", r -> Response.resetMidBody(500_000, 100_000));
    assertThatThrownBy(() -> Fetcher.fetch(request(origin.url("/dies"), false, false), head, body, FetchListener.NONE))
        .isInstanceOf(UserFacingException.class)
        .hasMessageContaining("ended early");
    assertThat(headText()).startsWith("HTTP/1.1 200 OK\n");
  }

  @Test
  void aSilentProxyTimesOut() throws Exception {
    try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      var request = new Fetcher.Request(FetchTarget.parse("example.org"),
          InetSocketAddress.createUnresolved("127.0.0.1", silent.getLocalPort()), false, false, Duration.ofMillis(300), "t");
      assertThatThrownBy(() -> Fetcher.fetch(request, head, body, FetchListener.NONE))
          .isInstanceOf(UserFacingException.class)
          .hasMessageContaining("sent nothing for 300 ms");
    }
  }

  static int closedPort() throws Exception {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
