package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.testing.Curl;
import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.PatternBody;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Real clients (the JDK HttpClient, curl, raw sockets) through the in-process proxy to a loopback origin. */
@Timeout(60)
class ForwardProxyTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy();

  private HttpClient client;
  private java.util.concurrent.ExecutorService executor;

  @BeforeEach
  void setUp() {
    origin.handle("/page", r -> Response.ok("hello from the origin\n").header("Content-Type", "text/plain"));
    origin.handle("/echo", r -> Response.ok(r.method() + " " + r.bodyLength() + " " + r.bodyText())
        .header("X-Request-Framing", r.header("Transfer-Encoding") != null ? "chunked" : "length:" + r.header("Content-Length")));
    origin.handle("/chunked", r -> Response.pattern(100_000, true));
    executor = java.util.concurrent.Executors.newFixedThreadPool(2);
    client = HttpClient.newBuilder()
        .executor(executor)
        .proxy(proxy.selector())
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @AfterEach
  void tearDown() {
    executor.shutdownNow(); // Java 17's HttpClient has no close(); its executor goes
  }

  private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
    return client.send(request.timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofString());
  }

  // --- the JDK HttpClient ---

  @Test
  void httpClientGet() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin.url("/page"))));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("hello from the origin\n");
    assertThat(response.headers().firstValue("Via")).hasValueSatisfying(via -> assertThat(via).contains("cachalot"));
    assertThat(origin.lastRequest().uri()).isEqualTo("/page");
    assertThat(origin.lastRequest().header("Host")).isEqualTo(origin.authority());
  }

  @Test
  void httpClientHead() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin.url("/page")))
        .method("HEAD", BodyPublishers.noBody()));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("Content-Length")).hasValue("22");
    assertThat(origin.lastRequest().method()).isEqualTo("HEAD");
  }

  @Test
  void httpClientPostWithFixedLengthBody() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin.url("/echo")))
        .POST(BodyPublishers.ofString("name=cachalot")));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("POST 13 name=cachalot");
    assertThat(response.headers().firstValue("X-Request-Framing")).hasValue("length:13");
  }

  @Test
  void httpClientPutWithChunkedBody() throws Exception {
    byte[] body = PatternBody.bytes(300_000);
    // An InputStream publisher has no known length, so the client sends it chunked.
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin.url("/echo")))
        .PUT(BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body))));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).startsWith("PUT 300000 ");
    assertThat(origin.lastRequest().bodyCrc32()).isEqualTo(PatternBody.crc32(300_000));
  }

  @Test
  void httpClientDelete() throws Exception {
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin.url("/echo"))).DELETE());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("DELETE 0 ");
  }

  @Test
  void httpClientReadsAChunkedResponse() throws Exception {
    HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(URI.create(origin.url("/chunked")))
        .timeout(Duration.ofSeconds(20)).build(), BodyHandlers.ofByteArray());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(crc(response.body())).isEqualTo(PatternBody.crc32(100_000));
  }

  @Test
  void sequentialRequestsReuseOneOriginConnection() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertThat(send(HttpRequest.newBuilder(URI.create(origin.url("/page")))).statusCode()).isEqualTo(200);
      assertThat(send(HttpRequest.newBuilder(URI.create(origin.url("/echo")))
          .POST(BodyPublishers.ofString("x" + i))).statusCode()).isEqualTo(200);
    }
    assertThat(origin.totalRequests()).isEqualTo(10);
    assertThat(origin.connections()).as("origin connections for 10 sequential requests").isEqualTo(1);
  }

  @Test
  void originErrorStatusesPassThrough() throws Exception {
    origin.handle("/missing", r -> Response.of(404, "not here\n"));
    HttpResponse<String> response = send(HttpRequest.newBuilder(URI.create(origin.url("/missing"))));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("not here\n");
  }

  // --- curl ---

  @Test
  void curlGet() {
    Curl.Result result = Curl.run("-x", proxy.hostPort(), origin.url("/page"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("hello from the origin\n");
  }

  @Test
  void curlHead() {
    Curl.Result result = Curl.run("-x", proxy.hostPort(), "--head", origin.url("/page"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).startsWith("HTTP/1.1 200").containsIgnoringCase("content-length: 22");
    assertThat(origin.lastRequest().method()).isEqualTo("HEAD");
  }

  @Test
  void curlPostFixedLength() {
    Curl.Result result = Curl.run("-x", proxy.hostPort(), "--data-binary", "hello=world", origin.url("/echo"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("POST 11 hello=world");
    assertThat(origin.lastRequest().header("Content-Length")).isEqualTo("11");
  }

  @Test
  void curlPutChunked() {
    byte[] body = PatternBody.bytes(200_000);
    Curl.Result result = Curl.run(body, "-x", proxy.hostPort(), "-H", "Transfer-Encoding: chunked",
        "-T", "-", origin.url("/echo"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).startsWith("PUT 200000 ");
    assertThat(origin.lastRequest().header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(origin.lastRequest().bodyCrc32()).isEqualTo(PatternBody.crc32(200_000));
  }

  @Test
  void curlDelete() {
    Curl.Result result = Curl.run("-x", proxy.hostPort(), "-X", "DELETE", origin.url("/echo"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("DELETE 0 ");
  }

  @Test
  void curlSequentialRequestsReuseOneOriginConnection() {
    Curl.Result result = Curl.run("-x", proxy.hostPort(), origin.url("/page"), origin.url("/page"), origin.url("/page"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    assertThat(result.out()).isEqualTo("hello from the origin\n".repeat(3));
    assertThat(origin.requests("/page")).isEqualTo(3);
    assertThat(origin.connections()).isEqualTo(1);
  }

  // --- raw sockets ---

  @Test
  void pipelinedRequestsAreAnsweredInOrder() {
    origin.handle("/a", r -> Response.ok("first"));
    origin.handle("/b", r -> Response.ok("second"));
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("GET " + origin.url("/a") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n"
          + "GET " + origin.url("/b") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
      RawHttp.Response first = raw.readResponse();
      RawHttp.Response second = raw.readResponse();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.bodyText()).isEqualTo("first");
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.bodyText()).isEqualTo("second");
    }
    assertThat(origin.connections()).isEqualTo(1);
  }

  @Test
  void aBodyArrivingAfterItsHeadIsForwarded() throws Exception {
    // Regression: with the head and body in different reads, the body used to be left unread.
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("GET " + origin.url("/page") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(200);
      raw.write("POST " + origin.url("/echo") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\nContent-Length: 5\r\n\r\n");
      Thread.sleep(100);
      raw.write("later");
      assertThat(raw.readResponse().bodyText()).isEqualTo("POST 5 later");
      raw.write("PUT " + origin.url("/echo") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\nTransfer-Encoding: chunked\r\n\r\n");
      Thread.sleep(100);
      raw.write("3\r\nabc\r\n");
      Thread.sleep(100);
      raw.write("0\r\n\r\n");
      assertThat(raw.readResponse().bodyText()).isEqualTo("PUT 3 abc");
    }
    assertThat(origin.connections()).isEqualTo(1);
  }

  @Test
  void expectContinueIsRelayed() {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("PUT " + origin.url("/echo") + " HTTP/1.1\r\nHost: " + origin.authority()
          + "\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(100);
      raw.write("body");
      RawHttp.Response response = raw.readResponse();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).isEqualTo("PUT 4 body");
      // and the connection carries on
      raw.write("GET " + origin.url("/page") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
      assertThat(raw.readResponse().bodyText()).isEqualTo("hello from the origin\n");
    }
  }

  @Test
  void aRefusedRequestLeavesTheConnectionUsable() throws Exception {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("GET /not-absolute HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(400);
      Thread.sleep(100);
      raw.write("GET " + origin.url("/page") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(200);
    }
  }

  @Test
  void http10ClientGetsALengthFramedResponse() {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("GET " + origin.url("/page") + " HTTP/1.0\r\n\r\n");
      RawHttp.Response response = raw.readResponse();
      assertThat(response.status()).isEqualTo(200);
      assertThat(response.headers().get("Transfer-Encoding")).isNull();
      assertThat(response.headers().get("Content-Length")).isEqualTo("22");
      assertThat(response.bodyText()).isEqualTo("hello from the origin\n");
      // HTTP/1.0 without keep-alive: the proxy closes after the response.
      assertThat(raw.closedByPeer()).isTrue();
    }
  }

  @Test
  void http10KeepAliveClientKeepsItsConnection() {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      for (int i = 0; i < 2; i++) {
        raw.write("GET " + origin.url("/page") + " HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
        RawHttp.Response response = raw.readResponse();
        assertThat(response.status()).isEqualTo(200);
        assertThat(response.headers().get("Connection")).isEqualToIgnoringCase("keep-alive");
        assertThat(response.bodyText()).isEqualTo("hello from the origin\n");
      }
    }
  }

  @Test
  void curlSpeakingHttp10GetsTheWholeChunkedOriginBody() {
    Curl.Result result = Curl.run("-x", proxy.hostPort(), "-0", "-D", "-", origin.url("/chunked"));
    assertThat(result.exitCode()).as(result.stderr()).isZero();
    String out = new String(result.stdout(), StandardCharsets.ISO_8859_1);
    int headEnd = out.indexOf("\r\n\r\n");
    assertThat(out.substring(0, headEnd).toLowerCase()).doesNotContain("transfer-encoding").contains("connection: close");
    assertThat(result.stdout().length - headEnd - 4).isEqualTo(100_000);
  }

  @Test
  void http10ClientGetsACloseDelimitedResponseWhenTheLengthIsUnknown() {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write("GET " + origin.url("/chunked") + " HTTP/1.0\r\n\r\n");
      byte[] all = raw.readAllUntilClose();
      String head = new String(all, 0, Math.min(all.length, 2000), StandardCharsets.ISO_8859_1);
      int headEnd = head.indexOf("\r\n\r\n");
      assertThat(headEnd).as("end of head in:\n" + head).isPositive();
      String headers = head.substring(0, headEnd).toLowerCase();
      assertThat(headers).startsWith("http/1.").doesNotContain("transfer-encoding").doesNotContain("content-length");
      CRC32 crc = new CRC32();
      crc.update(all, headEnd + 4, all.length - headEnd - 4);
      assertThat(all.length - headEnd - 4).isEqualTo(100_000);
      assertThat(crc.getValue()).isEqualTo(PatternBody.crc32(100_000));
    }
  }

  @Test
  void labBareLineGetsTheRawResponseThenClose() {
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write(origin.authority() + "/page\n");
      byte[] all = raw.readAllUntilClose();
      String text = new String(all, StandardCharsets.ISO_8859_1);
      assertThat(text).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello from the origin\n");
    }
    assertThat(origin.lastRequest().method()).isEqualTo("GET");
    assertThat(origin.lastRequest().uri()).isEqualTo("/page");
  }

  @Test
  void labBareHostGetsTheRootPage() {
    origin.handle("/", r -> Response.ok("root"));
    try (RawHttp raw = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      raw.write(origin.authority() + "\r\n");
      String text = new String(raw.readAllUntilClose(), StandardCharsets.ISO_8859_1);
      assertThat(text).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nroot");
    }
  }

  // --- helpers ---

  static long crc(byte[] bytes) {
    CRC32 crc = new CRC32();
    crc.update(bytes);
    return crc.getValue();
  }

  static void assertAborted(HttpClient client, HttpRequest request) {
    assertThatThrownBy(() -> client.send(request, BodyHandlers.ofByteArray())).isInstanceOf(IOException.class);
  }
}
