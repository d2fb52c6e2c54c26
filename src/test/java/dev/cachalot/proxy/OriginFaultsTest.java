package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.RawOrigin;
import dev.cachalot.testing.TestProxy;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Origins that lie, babble or trickle: the client sees 502/504 or a cut response, and nothing is cached. */
@Timeout(30)
class OriginFaultsTest {

  @RegisterExtension final TestProxy proxy = new TestProxy(c -> c.withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  private final RawOrigin origin = new RawOrigin();

  @AfterEach
  void closeOrigin() {
    origin.close();
  }

  private String get(String path) {
    return "GET " + origin.url(path) + " HTTP/1.1\r\nHost: " + origin.address().getPort() + "\r\n\r\n";
  }

  @Test
  void shorterBodyThanContentLengthIsCutAndNotCached() {
    origin.answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\nCache-Control: public, max-age=3600\r\n\r\nonly ten b");
    for (int attempt = 1; attempt <= 2; attempt++) {
      try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
        byte[] all = c.write(get("/lie")).readAllUntilClose();
        assertThat(c.truncatedAtClose()).as("the client must see an aborted response").isTrue();
        assertThat(new String(all, StandardCharsets.ISO_8859_1)).startsWith("HTTP/1.1 200").contains("only ten b");
      }
    }
    assertThat(origin.requests()).as("the truncated response was not cached").isEqualTo(2);
  }

  static Stream<Arguments> invalidResponses() {
    return Stream.of(
        Arguments.of("garbage", "SSH-2.0-OpenSSH_9.6\r\n\r\n"),
        Arguments.of("binary garbage", "\u0000\u0001\u00ff\u00fe\r\n\r\n"),
        Arguments.of("bad status", "HTTP/1.1 abc OK\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("differing Content-Length",
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\nCache-Control: max-age=60\r\n\r\nhello!"),
        Arguments.of("Content-Length list",
            "HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\nCache-Control: max-age=60\r\n\r\nhello!"),
        Arguments.of("NUL in value", "HTTP/1.1 200 OK\r\nX-A: a\u0000b\r\nContent-Length: 5\r\n\r\nhello"),
        Arguments.of("bare LF line end", "HTTP/1.1 200 OK\nContent-Length: 5\r\n\r\nhello"),
        Arguments.of("TE not ending in chunked with CL",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\nContent-Length: 5\r\nCache-Control: max-age=60\r\n\r\nhello"),
        Arguments.of("nothing at all", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidResponses")
  void invalidResponseIs502AndNeverCached(String name, String raw) {
    origin.answer(raw);
    for (int attempt = 1; attempt <= 2; attempt++) {
      try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
        RawHttp.Response r = c.write(get("/bad")).readResponse();
        assertThat(r.status()).as(name).isEqualTo(502);
        assertThat(r.bodyText()).startsWith("502 Bad Gateway: ");
      }
    }
    assertThat(origin.requests()).as(name + ": not cached").isEqualTo(2);
  }

  /** RFC 9112 §5.1: a proxy MUST remove whitespace between a response field name and the colon. */
  @Test
  void whitespaceBeforeColonInAResponseIsRemoved() {
    origin.answer("HTTP/1.1 200 OK\r\nContent-Length : 5\r\nX-A : b\r\n\r\nhello");
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      RawHttp.Response r = c.write(get("/ws")).readResponse();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("hello");
      assertThat(r.headers().get("X-A")).isEqualTo("b");
      assertThat(new String(c.receivedBytes(), StandardCharsets.ISO_8859_1)).doesNotContain(" :");
    }
  }

  @Test
  void badChunkInResponseBodyCutsTheClientAndIsNotCached() {
    origin.answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nCache-Control: max-age=60\r\n\r\n5\r\nhello\r\nzz\r\n");
    for (int attempt = 1; attempt <= 2; attempt++) {
      try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
        c.write(get("/chunk")).readAllUntilClose();
        assertThat(c.truncatedAtClose()).isTrue();
      }
    }
    assertThat(origin.requests()).isEqualTo(2);
  }

  @Test
  void tricklingHeadHitsTheFirstByteTimeout() {
    origin.answer("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello").trickle(200);
    long start = System.nanoTime();
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(10))) {
      RawHttp.Response r = c.write(get("/slow")).readResponse();
      assertThat(r.status()).isEqualTo(504);
      assertThat(r.bodyText()).contains("did not answer within");
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  /**
   * An origin whose bodies run 31 bytes past their Content-Length (as the conformance suite's
   * Content-Length tests do) and which keeps its connections open. The surplus must not be read as the
   * next response: the proxy closes that connection, so the next request (a GET, then a POST) reaches
   * the origin once, on a new connection, and gets its answer.
   */
  @Test
  void aConnectionThatSentMoreThanItsContentLengthIsNotReused() throws Exception {
    try (java.net.ServerSocket server = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
      java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
      java.util.concurrent.atomic.AtomicInteger connections = new java.util.concurrent.atomic.AtomicInteger();
      Thread acceptor = new Thread(() -> overSendingOrigin(server, requests, connections), "over-sending-origin");
      acceptor.setDaemon(true);
      acceptor.start();
      String base = "http://127.0.0.1:" + server.getLocalPort();
      try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
        RawHttp.Response first = c.write("GET " + base + "/a HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
        assertThat(first.status()).isEqualTo(200);
        assertThat(first.bodyText()).isEqualTo("01234");
        RawHttp.Response second = c.write("GET " + base + "/b HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").readResponse();
        assertThat(second.status()).isEqualTo(200);
        RawHttp.Response post = c.write("POST " + base + "/c HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc")
            .readResponse();
        assertThat(post.status()).as("a POST is never retried, so it must not meet a poisoned connection").isEqualTo(200);
      }
      assertThat(requests.get()).as("each request reached the origin once").isEqualTo(3);
      assertThat(connections.get()).as("no connection was reused after a surplus").isEqualTo(3);
    }
  }

  private static void overSendingOrigin(java.net.ServerSocket server, java.util.concurrent.atomic.AtomicInteger requests,
      java.util.concurrent.atomic.AtomicInteger connections) {
    while (!server.isClosed()) {
      try {
        java.net.Socket socket = server.accept();
        connections.incrementAndGet();
        Thread handler = new Thread(() -> {
          try (socket; var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
              StandardCharsets.ISO_8859_1))) {
            String line;
            while ((line = in.readLine()) != null) {
              int length = 0;
              for (String header = in.readLine(); header != null && !header.isEmpty(); header = in.readLine()) {
                if (header.toLowerCase(java.util.Locale.ROOT).startsWith("content-length:")) {
                  length = Integer.parseInt(header.substring(15).trim());
                }
              }
              for (int i = 0; i < length; i++) {
                in.read();
              }
              requests.incrementAndGet();
              socket.getOutputStream().write(("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nCache-Control: no-store\r\n\r\n"
                  + "0123456789abcdef0123456789abcdef012345").getBytes(StandardCharsets.ISO_8859_1));
              socket.getOutputStream().flush();
            }
          } catch (java.io.IOException e) {
            // the proxy closed the connection
          }
        });
        handler.setDaemon(true);
        handler.start();
      } catch (java.io.IOException e) {
        return;
      }
    }
  }
}
