package dev.cachalot.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class InvalidationTest {

  private static final String TARGET = "http://Example.com:80/a/b?q=1";

  /** method × status: unsafe methods with 2xx/3xx invalidate (the cache-tests invalidate-* group). */
  static Stream<Arguments> methodTimesStatus() {
    List<Arguments> out = new ArrayList<>();
    for (String method : List.of("POST", "PUT", "DELETE", "PATCH", "M-SEARCH", "GET", "HEAD", "OPTIONS", "TRACE")) {
      for (int status : new int[] {200, 201, 204, 301, 303, 304, 399, 400, 404, 500, 503}) {
        boolean unsafe = !List.of("GET", "HEAD", "OPTIONS", "TRACE").contains(method);
        out.add(Arguments.of(method, status, unsafe && status < 400));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @MethodSource("methodTimesStatus")
  void rfc9111_4_4_unsafeNonErrorResponsesInvalidateTheTarget(String method, int status, boolean invalidates) {
    List<CacheKey> keys = Invalidation.targets(new RequestHead(method, TARGET, Headers.EMPTY), ResponseHead.of(status));
    assertThat(keys).isEqualTo(invalidates ? List.of(CacheKey.of("http://example.com/a/b?q=1")) : List.of());
  }

  static Stream<Arguments> locations() {
    return Stream.of(
        Arguments.of("/other", "http://example.com/other"),
        Arguments.of("c", "http://example.com/a/c"),
        Arguments.of("../d?x", "http://example.com/d?x"),
        Arguments.of("http://EXAMPLE.com/e", "http://example.com/e"),
        Arguments.of("http://example.com:80/f", "http://example.com/f"),
        Arguments.of("http://other.com/g", null),
        Arguments.of("https://example.com/h", null),
        Arguments.of("http://example.com:8080/i", null),
        Arguments.of("//other.com/j", null),
        Arguments.of("http://exa mple.com/bad", null));
  }

  @ParameterizedTest
  @MethodSource("locations")
  void rfc9111_4_4_locationAndContentLocationOnlySameOrigin(String location, String expected) {
    for (String field : List.of("Location", "Content-Location")) {
      List<CacheKey> keys = Invalidation.targets(new RequestHead("POST", TARGET, Headers.EMPTY),
          ResponseHead.of(201, field, location));
      List<CacheKey> want = new ArrayList<>(List.of(CacheKey.of(TARGET)));
      if (expected != null) {
        want.add(CacheKey.of(expected));
      }
      assertThat(keys).isEqualTo(want);
    }
  }

  @Test
  void rfc9111_4_4_duplicatesAreListedOnce() {
    List<CacheKey> keys = Invalidation.targets(new RequestHead("PUT", TARGET, Headers.EMPTY),
        ResponseHead.of(200, "Location", "/a/b?q=1", "Content-Location", "/z", "Location", "/ignored-second"));
    assertThat(keys).containsExactly(CacheKey.of(TARGET), CacheKey.of("http://example.com/z"));
  }
}
