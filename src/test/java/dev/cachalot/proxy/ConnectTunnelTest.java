package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.Curl;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.SelfSignedTls;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** CONNECT tunnels to a TLS origin with a test-only self-signed certificate. */
@Timeout(60)
class ConnectTunnelTest {

  @TempDir static Path dir;
  static SelfSignedTls tls;

  private TestOrigin origin;
  private TestProxy proxy;
  private ExecutorService executor;

  @BeforeAll
  static void certificate() throws Exception {
    tls = SelfSignedTls.generate(dir);
  }

  @BeforeEach
  void start() throws Exception {
    origin = new TestOrigin(tls.serverContext()).start();
    origin.handle("/secret", r -> Response.ok("over tls\n"));
    int tlsPort = origin.port();
    proxy = new TestProxy(c -> c.withConnectPorts(Set.of(tlsPort))).start();
    executor = Executors.newFixedThreadPool(2);
  }

  @AfterEach
  void stop() {
    executor.shutdownNow();
    proxy.close();
    origin.close();
  }

  @Test
  void httpClientThroughTheTunnel() throws Exception {
    HttpClient client = HttpClient.newBuilder()
        .proxy(proxy.selector())
        .sslContext(tls.clientContext())
        .version(HttpClient.Version.HTTP_1_1)
        .executor(executor)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
    for (int i = 0; i < 2; i++) {
      var response = client.send(HttpRequest.newBuilder(URI.create(origin.url("/secret")))
          .timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("over tls\n");
    }
    assertThat(origin.requests("/secret")).isEqualTo(2);
    // The proxy never sees inside the tunnel: no Via was added.
    assertThat(origin.lastRequest().header("Via")).isNull();
  }

  @Test
  void curlThroughTheTunnel() {
    Curl.Result result = Curl.run("--proxytunnel", "-x", proxy.hostPort(), "-k", origin.url("/secret"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("over tls\n");
  }

  @Test
  void curlVerifiesTheCertificateThroughTheTunnel() {
    Curl.Result result = Curl.run("--proxytunnel", "-x", proxy.hostPort(), "--cacert", tls.pemFile().toString(),
        origin.url("/secret"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("over tls\n");
  }

  @Test
  void connectToADisallowedPortIsForbidden() throws Exception {
    try (TestOrigin other = new TestOrigin().start();
        RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("CONNECT " + other.authority() + " HTTP/1.1\r\nHost: " + other.authority() + "\r\n\r\n");
      RawHttp.Response response = raw.readResponse();
      assertThat(response.status()).isEqualTo(403);
      assertThat(response.bodyText()).contains(String.valueOf(other.port()));
      assertThat(other.connections()).isZero();
    }
  }

  @Test
  void curlIsRefusedForADisallowedPort() {
    try (TestOrigin other = new TestOrigin().start()) {
      Curl.Result result = Curl.run("--proxytunnel", "-x", proxy.hostPort(), "-k", "https://" + other.authority() + "/");
      assertThat(result.exitCode()).isNotZero();
      assertThat(result.stderr()).contains("403");
    }
  }
}
