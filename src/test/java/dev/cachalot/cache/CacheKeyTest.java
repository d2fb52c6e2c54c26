package dev.cachalot.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheKeyTest {

  static Stream<Arguments> equivalent() {
    return Stream.of(
        Arguments.of("http://example.com/", "http://example.com/"),
        Arguments.of("http://example.com", "http://example.com/"),
        Arguments.of("HTTP://EXAMPLE.COM/Path", "http://example.com/Path"),
        Arguments.of("http://example.com:80/a", "http://example.com/a"),
        Arguments.of("https://example.com:443/a", "https://example.com/a"),
        Arguments.of("https://example.com:80/a", "https://example.com:80/a"),
        Arguments.of("http://example.com:8080/a?b=1&c", "http://example.com:8080/a?b=1&c"),
        Arguments.of("http://example.com/a?", "http://example.com/a?"),
        Arguments.of("http://example.com/a#frag", "http://example.com/a"),
        Arguments.of("http://example.com/a%2Fb?x=%20", "http://example.com/a%2Fb?x=%20"));
  }

  @ParameterizedTest
  @MethodSource("equivalent")
  void rfc9110_4_2_3_normalisation(String uri, String key) {
    assertThat(CacheKey.of(uri).value()).isEqualTo(key);
    assertThat(CacheKey.of(RequestHead.get(uri)).value()).isEqualTo(key);
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://example.com/a?x=1|http://example.com/a?x=2", "http://example.com/a|http://example.com/A",
    "http://example.com/a|https://example.com/a", "http://example.com/a?|http://example.com/a"})
  void rfc9111_2_differentUrisDifferentKeys(String pair) {
    String[] p = pair.split("\\|");
    assertThat(CacheKey.of(p[0])).isNotEqualTo(CacheKey.of(p[1]));
  }

  @ParameterizedTest
  @ValueSource(strings = {"/relative", "ftp://example.com/", "http:///nohost", "not a uri", "mailto:a@b"})
  void rejectsNonAbsoluteHttpUris(String uri) {
    assertThatThrownBy(() -> CacheKey.of(uri)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(uri);
  }
}
