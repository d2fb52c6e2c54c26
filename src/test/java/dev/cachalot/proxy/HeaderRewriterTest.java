package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderRewriterTest {

  /** Headers as the proxy receives them: made by Netty's decoder, whose field names are AsciiStrings. */
  private static HttpHeaders decoded(String fieldLines) {
    EmbeddedChannel decoder = new EmbeddedChannel(new HttpRequestDecoder());
    ByteBuf wire = Unpooled.copiedBuffer("GET http://origin.test/x HTTP/1.1\r\n" + fieldLines + "\r\n",
        StandardCharsets.ISO_8859_1);
    decoder.writeInbound(wire);
    HttpRequest request = decoder.readInbound();
    decoder.finishAndReleaseAll();
    return request.headers();
  }

  private static List<String> lines(HttpHeaders headers) {
    return headers.entries().stream().map(e -> e.getKey() + ": " + e.getValue()).toList();
  }

  @Test
  void rfc9110_7_6_1_fixedHopByHopFieldsStayOnTheirHopAndEndToEndFieldsPassInOrder() {
    HttpHeaders in = decoded("Host: origin.test\r\nConnection: keep-alive\r\nKeep-Alive: timeout=5\r\n"
        + "TE: trailers\r\nProxy-Authorization: Basic eDp5\r\nAccept: text/html\r\nUpgrade: h2c\r\n"
        + "Cookie: a=1\r\nCookie: b=2\r\nProxy-Connection: keep-alive\r\n");

    assertThat(lines(HeaderRewriter.withoutHopByHop(in)))
        .containsExactly("Host: origin.test", "Accept: text/html", "Cookie: a=1", "Cookie: b=2");
  }

  @Test
  void rfc9110_7_6_1_fieldsNamedInConnectionAreRemovedInAnyCase() {
    HttpHeaders in = decoded("Connection: close, X-Hop-Secret\r\nConnection: x-OTHER\r\nx-hop-secret: 1\r\n"
        + "X-Other: 2\r\nX-Kept: 3\r\n");

    assertThat(lines(HeaderRewriter.withoutHopByHop(in))).containsExactly("X-Kept: 3");
  }

  @Test
  void theCopyIsIndependentOfTheMessageItCameFrom() {
    HttpHeaders in = new DefaultHttpHeaders().add("Accept", "*/*").add("Connection", "close");
    HttpHeaders out = HeaderRewriter.withoutHopByHop(in);
    out.set("Host", "origin.test");

    assertThat(in.names()).containsExactlyInAnyOrder("Accept", "Connection");
    assertThat(out.entries()).extracting(Map.Entry::getKey).containsExactly("Accept", "Host");
  }

  @Test
  void rfc9110_7_6_3_viaGainsThisHopAfterEarlierOnes() {
    HttpHeaders headers = decoded("Via: 1.0 upstream\r\n");

    HeaderRewriter.appendVia(headers, HttpVersion.HTTP_1_1, "cachalot");

    assertThat(headers.get("Via")).isEqualTo("1.0 upstream, 1.1 cachalot");
  }
}
