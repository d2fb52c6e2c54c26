package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.T0;
import static dev.cachalot.cache.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class VaryTest {

  private static StoredResponse storedFor(String vary, String... originalRequestHeaders) {
    ResponseHead head = vary == null ? ResponseHead.of(200) : ResponseHead.of(200, "Vary", vary);
    return new StoredResponse(head, Headers.of(originalRequestHeaders), T0, T0);
  }

  /** vary, original request headers, new request headers, matches (the cache-tests vary-* group and more). */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(null, h(), h("Foo", "1"), true),
        Arguments.of("Foo", h("Foo", "1"), h("Foo", "1"), true),
        Arguments.of("Foo", h("Foo", "1"), h("Foo", "2"), false),
        Arguments.of("foo", h("FOO", "1"), h("Foo", "1"), true),
        Arguments.of("Foo", h(), h(), true),
        Arguments.of("Foo", h("Foo", "1"), h(), false),
        Arguments.of("Foo", h(), h("Foo", "1"), false),
        Arguments.of("Foo", h("Foo", ""), h(), false),
        Arguments.of("Foo, Bar", h("Foo", "1", "Bar", "a"), h("Bar", "a", "Foo", "1"), true),
        Arguments.of("Foo, Bar", h("Foo", "1", "Bar", "a"), h("Foo", "1", "Bar", "b"), false),
        Arguments.of("Foo, Bar", h("Foo", "1"), h("Foo", "1"), true),
        Arguments.of("Foo, Bar, Baz", h("Foo", "1", "Bar", "a", "Baz", "x"),
            h("Foo", "1", "Bar", "a", "Baz", "y"), false),
        Arguments.of("Foo, Bar, Baz", h("Foo", "1", "Baz", "x"), h("Foo", "1", "Baz", "x"), true),
        Arguments.of("Foo", h("Foo", "x,y"), h("Foo", "x, y"), true),
        Arguments.of("Foo", h("Foo", "x,  y"), h("Foo", " x , y "), true),
        Arguments.of("Foo", h("Foo", "x", "Foo", "y"), h("Foo", "x, y"), true),
        Arguments.of("Foo", h("Foo", "x", "Foo", "y"), h("Foo", "y, x"), false),
        Arguments.of("Foo", h("Foo", "a  b"), h("Foo", "a b"), true),
        Arguments.of("Foo", h("Foo", "X"), h("Foo", "x"), false),
        Arguments.of("*", h(), h(), false),
        Arguments.of("Foo, *", h("Foo", "1"), h("Foo", "1"), false),
        Arguments.of(", *", h(), h(), false),
        Arguments.of("*, *", h(), h(), false),
        Arguments.of("", h(), h("Foo", "1"), true));
  }

  private static String[] h(String... pairs) {
    return pairs;
  }

  @ParameterizedTest(name = "Vary: {0}, stored {1}, request {2} -> {3}")
  @MethodSource("cases")
  void rfc9111_4_1_secondaryKeyMatching(String vary, String[] original, String[] now, boolean matches) {
    StoredResponse s = storedFor(vary, original);
    assertThat(Vary.matches(s, get(now))).isEqualTo(matches);
    if (vary != null && !vary.contains("*")) {
      String storedKey = Vary.secondaryKey(s.head(), get(original));
      assertThat(Vary.secondaryKey(s.head(), get(now)).equals(storedKey)).isEqualTo(matches);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void rfc9111_4_1_secondaryKeyIsEmptyWithoutVary(String vary, String[] original, String[] now, boolean matches) {
    assertThat(Vary.secondaryKey(ResponseHead.of(200), get(now))).isEmpty();
  }
}
