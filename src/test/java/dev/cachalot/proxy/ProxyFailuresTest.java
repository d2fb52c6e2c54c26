package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.testing.Curl;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** What a client sees when the origin is down, unknown, silent or dies mid-body. */
@Timeout(60)
class ProxyFailuresTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy(c -> withDnsTimeout(
      c.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)), Duration.ofSeconds(2)));

  private ExecutorService executor;
  private HttpClient client;

  static ProxyConfig withDnsTimeout(ProxyConfig c, Duration dns) {
    return c.withDnsQueryTimeout(dns);
  }

  @BeforeEach
  void setUp() {
    executor = Executors.newFixedThreadPool(2);
    client = HttpClient.newBuilder().proxy(proxy.selector()).version(HttpClient.Version.HTTP_1_1)
        .executor(executor).connectTimeout(Duration.ofSeconds(5)).build();
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        BodyHandlers.ofString());
  }

  @Test
  void originDownIs502NamingHostAndPort() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    HttpResponse<String> response = get("http://127.0.0.1:" + closedPort + "/page");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("127.0.0.1:" + closedPort);
  }

  @Test
  void unknownHostIs502NamingIt() throws Exception {
    long start = System.nanoTime();
    HttpResponse<String> response = get("http://nonexistent.invalid/page");
    assertThat(response.statusCode()).isEqualTo(502);
    assertThat(response.body()).contains("nonexistent.invalid");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
  }

  @Test
  void silentOriginIs504AfterTheFirstByteTimeout() throws Exception {
    origin.handle("/slow", r -> Response.hang());
    long start = System.nanoTime();
    HttpResponse<String> response = get(origin.url("/slow"));
    Duration took = Duration.ofNanos(System.nanoTime() - start);
    assertThat(response.statusCode()).isEqualTo(504);
    assertThat(response.body()).contains(origin.authority());
    assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(900)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void originResetMidBodyAbortsTheHttpClientResponse() {
    origin.handle("/dies", r -> Response.resetMidBody(1_000_000, 100_000));
    assertThatThrownBy(() -> client.send(HttpRequest.newBuilder(URI.create(origin.url("/dies")))
        .timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofByteArray()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void originResetMidBodyMakesCurlFail() {
    origin.handle("/dies", r -> Response.resetMidBody(1_000_000, 100_000));
    Curl.Result result = Curl.run("-x", proxy.hostPort(), "-o", "/dev/null", origin.url("/dies"));
    assertThat(result.exitCode()).as("curl exit code; stderr: " + result.stderr()).isNotZero();
  }

  @Test
  void originResetMidBodyClosesTheClientConnectionShort() {
    origin.handle("/dies", r -> Response.resetMidBody(1_000_000, 100_000));
    try (RawHttp raw = RawHttp.connect(proxy.address(), java.time.Duration.ofSeconds(10))) {
      raw.write("GET " + origin.url("/dies") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
      byte[] all = raw.readAllUntilClose();
      // Content-Length 1000000 was forwarded, far fewer bytes arrived, and the connection closed.
      assertThat(new String(all, 0, 200, java.nio.charset.StandardCharsets.ISO_8859_1)).contains("content-length: 1000000");
      assertThat(all.length).isLessThan(1_000_000);
      assertThat(raw.truncatedAtClose()).isTrue();
    }
  }
}
