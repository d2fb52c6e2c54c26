package dev.cachalot.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.cache.CacheKey;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TargetTest {

  /** The key built from the parsed target must equal the key of the target's URI parsed again (RFC 9110 §4.2.3). */
  @ParameterizedTest
  @ValueSource(strings = {
      "http://example.com/", "http://example.com", "HTTP://EXAMPLE.COM/Path", "http://example.com:80/a",
      "http://example.com:8080/a?b=1&c", "http://example.com/a?", "http://example.com?x=1",
      "http://example.com/a#frag", "http://example.com/a%2Fb?x=%20", "http://[::1]:9000/v6",
      "http://[2001:DB8::1]/upper", "http://127.0.0.1:28080/1k", "http://user@example.com/info",
      "https://example.com:443/tls", "https://example.com:80/odd"})
  void rfc9110_4_2_3_keyFromParsedTargetEqualsKeyFromUri(String uri) {
    Target target = Target.parse(uri);

    assertThat(target.cacheKey()).isEqualTo(CacheKey.of(target.absoluteUri()));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://example.com/", "HTTP://EXAMPLE.COM/Path", "http://[::1]:9000/v6?q", "https://e.com/tls"})
  void aRememberedTargetIsTheParsedOne(String uri) {
    Target first = Target.parseRemembered(uri);

    assertThat(first).isEqualTo(Target.parse(uri));
    assertThat(Target.parseRemembered(new String(uri))).isSameAs(first);
  }

  @Test
  void aLongTargetIsParsedEachTimeAndAnInvalidOneIsRefusedEachTime() {
    String longUri = "http://example.com/" + "a".repeat(600);

    assertThat(Target.parseRemembered(longUri)).isEqualTo(Target.parse(longUri))
        .isNotSameAs(Target.parseRemembered(longUri));
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> Target.parseRemembered("/origin-form"))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("absolute URL");
    }
  }
}
