package dev.cachalot.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.Headers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HopByHopTest {

  @ParameterizedTest
  @ValueSource(strings = {"Connection", "Keep-Alive", "Proxy-Connection", "TE", "Trailer", "Transfer-Encoding",
    "Upgrade", "Proxy-Authorization", "Proxy-Authenticate", "Proxy-Authentication-Info", "keep-alive", "UPGRADE"})
  void rfc9110_7_6_1_fixedHopByHopFieldsAreStripped(String name) {
    Headers h = Headers.of(name, "x", "Content-Type", "text/plain");
    assertThat(HopByHop.strip(h)).isEqualTo(Headers.of("Content-Type", "text/plain"));
    assertThat(HopByHop.isHopByHop(name, Headers.EMPTY)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Connection", "KEEP-ALIVE", "te", "Proxy-Authentication-Info"})
  void rfc9110_7_6_1_isAlwaysIgnoresCase(String name) {
    assertThat(HopByHop.isAlways(name)).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Content-Type", "Tea", "T", "Connections", "Via", ""})
  void rfc9110_7_6_1_endToEndFieldsAreNotAlwaysHopByHop(String name) {
    assertThat(HopByHop.isAlways(name)).isFalse();
  }

  @Test
  void rfc9110_7_6_1_connectionOptionsAreTheNamesBeyondTheFixedSet() {
    assertThat(HopByHop.connectionOptions(java.util.List.of("keep-alive", "Close, X-Foo", "x-bar, TE")))
        .containsExactly("close", "x-foo", "x-bar");
    assertThat(HopByHop.connectionOptions(java.util.List.of("keep-alive"))).isEmpty();
    assertThat(HopByHop.connectionOptions(java.util.List.of())).isEmpty();
  }

  @Test
  void rfc9110_7_6_1_fieldsNamedInConnectionAreStripped() {
    Headers h = Headers.of("Connection", "close, X-Foo", "Connection", "x-bar", "X-Foo", "1", "X-Bar", "2",
        "X-Baz", "3");
    assertThat(HopByHop.strip(h)).isEqualTo(Headers.of("X-Baz", "3"));
    assertThat(HopByHop.isHopByHop("x-foo", h)).isTrue();
    assertThat(HopByHop.isHopByHop("X-Baz", h)).isFalse();
  }

  @Test
  void rfc9110_7_6_1_endToEndFieldsStay() {
    Headers h = Headers.of("Cache-Control", "max-age=1", "ETag", "\"a\"", "Set-Cookie", "a=b");
    assertThat(HopByHop.strip(h)).isSameAs(h);
  }
}
