package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.testing.RawHttp;
import dev.cachalot.testing.TestOrigin;
import dev.cachalot.testing.TestOrigin.Response;
import dev.cachalot.testing.TestProxy;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling: every ambiguous request is answered 400 and the connection closed, and nothing
 * of it reaches the origin. Each case is followed on the same connection by a "smuggled" request, which
 * must not be answered either.
 */
@Timeout(30)
class FramingTest {

  @RegisterExtension final TestOrigin origin = new TestOrigin();
  @RegisterExtension final TestProxy proxy = new TestProxy();

  static Stream<Arguments> ambiguous() {
    return Stream.of(
        Arguments.of("CL and TE", "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("TE and CL", "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
        Arguments.of("two differing CL fields", "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"),
        Arguments.of("differing CL list", "Content-Length: 5, 6\r\n\r\nhello!"),
        Arguments.of("negative CL", "Content-Length: -1\r\n\r\n"),
        Arguments.of("signed CL", "Content-Length: +5\r\n\r\nhello"),
        Arguments.of("hex CL", "Content-Length: 0x5\r\n\r\nhello"),
        Arguments.of("CL with inner space", "Content-Length: 5 5\r\n\r\nhello"),
        Arguments.of("TE not ending in chunked", "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
        Arguments.of("TE unknown", "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("TE chunked twice", "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("TE chunked twice in a list", "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("TE with space before colon", "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
        Arguments.of("space before colon", "X-Thing : v\r\n\r\n"),
        Arguments.of("tab before colon", "X-Thing\t: v\r\n\r\n"),
        Arguments.of("bare LF line end", "X-Thing: v\n\r\n"),
        Arguments.of("bare CR line end", "X-Thing: v\r\r\n\r\n"),
        Arguments.of("NUL in value", "X-Thing: a\0b\r\n\r\n"),
        Arguments.of("bare CR in value", "X-Thing: a\rb\r\n\r\n"),
        Arguments.of("space in field name", "X Thing: v\r\n\r\n"),
        Arguments.of("empty field name", ": v\r\n\r\n"),
        Arguments.of("control char in name", "X-\001Thing: v\r\n\r\n"));
  }

  private String head(String method) {
    return method + " " + origin.url("/echo") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n";
  }

  private String smuggled() {
    return "GET " + origin.url("/smuggled") + " HTTP/1.1\r\nHost: " + origin.authority() + "\r\n\r\n";
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ambiguous")
  void ambiguousRequestIs400AndClosedAndNeverForwarded(String name, String rest) {
    origin.handle("/echo", r -> Response.ok("echo"));
    origin.handle("/smuggled", r -> Response.ok("SMUGGLED"));
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      try {
        c.write(head("POST") + rest + smuggled());
      } catch (java.io.UncheckedIOException e) {
        // closed early is fine
      }
      RawHttp.Response r = c.readResponse();
      assertThat(r.status()).as(name).isEqualTo(400);
      assertThat(r.bodyText()).startsWith("400 Bad Request: ");
      assertThat(r.headers().get("Connection")).isEqualToIgnoringCase("close");
      assertThat(c.closedByPeer()).as(name + ": closed after the 400").isTrue();
      assertThat(origin.totalRequests()).as(name + ": nothing forwarded").isZero();
    }
  }

  static Stream<Arguments> badChunks() {
    return Stream.of(
        Arguments.of("non-hex size", "zz\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("size overflow", "fffffffffffffffffff\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("negative size", "-5\r\nhello\r\n0\r\n\r\n"),
        Arguments.of("missing CRLF after data", "5\r\nhelloXX3\r\nabc\r\n0\r\n\r\n"),
        Arguments.of("empty size line", "\r\nhello\r\n0\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badChunks")
  void badChunkIsAnErrorAndNothingIsSmuggled(String name, String body) {
    origin.handle("/echo", r -> Response.ok("echo " + r.bodyText()));
    origin.handle("/smuggled", r -> Response.ok("SMUGGLED"));
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      try {
        c.write(head("POST") + "Transfer-Encoding: chunked\r\n\r\n" + body + smuggled());
      } catch (java.io.UncheckedIOException e) {
        // closed early is fine
      }
      byte[] all = c.readAllUntilClose();
      String text = new String(all, java.nio.charset.StandardCharsets.ISO_8859_1);
      assertThat(text).as(name).doesNotContain("SMUGGLED").doesNotContain("200 OK");
      assertThat(origin.requests("/smuggled")).isZero();
      assertThat(origin.requests("/echo")).as(name + ": no complete request reached the origin").isZero();
    }
  }

  /** RFC 9112 §5.2 lets a proxy replace obs-fold with SP instead of rejecting: the origin sees one line. */
  @Test
  void obsFoldIsUnfoldedBeforeForwarding() {
    origin.handle("/echo", r -> Response.ok("echo"));
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write(head("GET") + "X-Thing: a\r\n\tb\r\n\r\n").readResponse().status()).isEqualTo(200);
      assertThat(origin.lastRequestHeaders().get("X-Thing")).isEqualTo("a b");
    }
  }

  @Test
  void validMessagesStillPass() {
    origin.handle("/echo", r -> Response.ok("echo " + r.bodyText()));
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write(head("POST") + "Content-Length: 5\r\n\r\nhello").readResponse().bodyText()).isEqualTo("echo hello");
      assertThat(c.write(head("POST") + "Content-Length: 5, 5\r\n\r\nhello").readResponse().status())
          .as("identical Content-Length values are one value (RFC 9110 §8.6) but we refuse the list anyway")
          .isIn(200, 400);
    }
    try (RawHttp c = RawHttp.connect(proxy.address(), Duration.ofSeconds(5))) {
      assertThat(c.write(head("POST") + "Transfer-Encoding: chunked\r\n\r\n5;ext=1\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n")
          .readResponse().bodyText()).isEqualTo("echo hello");
      assertThat(c.write(head("GET") + "X-Empty:\r\nX-Tabbed:\tv\t\r\n\r\n").readResponse().status()).isEqualTo(200);
    }
  }
}
