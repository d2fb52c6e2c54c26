package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.URI;
import static dev.cachalot.cache.Fixtures.get;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.Ranges.Ignore;
import dev.cachalot.cache.Ranges.Satisfiable;
import dev.cachalot.cache.Ranges.Unsatisfiable;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class RangesTest {

  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of("bytes=0-9", 100L, new Satisfiable(0, 9, 100)),
        Arguments.of("bytes=10-", 100L, new Satisfiable(10, 99, 100)),
        Arguments.of("bytes=90-200", 100L, new Satisfiable(90, 99, 100)),
        Arguments.of("bytes=99-99", 100L, new Satisfiable(99, 99, 100)),
        Arguments.of("bytes=-10", 100L, new Satisfiable(90, 99, 100)),
        Arguments.of("bytes=-500", 100L, new Satisfiable(0, 99, 100)),
        Arguments.of("BYTES=0-0", 100L, new Satisfiable(0, 0, 100)),
        Arguments.of("bytes=100-", 100L, new Unsatisfiable(100)),
        Arguments.of("bytes=100-200", 100L, new Unsatisfiable(100)),
        Arguments.of("bytes=-0", 100L, new Unsatisfiable(100)),
        Arguments.of("bytes=0-", 0L, new Unsatisfiable(0)),
        Arguments.of("bytes=-5", 0L, new Unsatisfiable(0)));
  }

  @ParameterizedTest
  @MethodSource("specs")
  void rfc9110_14_1_2_byteRangeSpecs(String header, long length, Ranges.Result expected) {
    assertThat(Ranges.parse(header, length)).isEqualTo(expected);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-1,5-6", "bytes=5-1", "bytes=a-1", "bytes=-", "bytes=1", "items=0-1", "0-1",
    "bytes=--1", "bytes=-1-2", "bytes=1.5-2", "bytes=99999999999999999999-"})
  void rfc9110_14_2_unsupportedOrInvalidRangesAreIgnored(String header) {
    assertThat(Ranges.parse(header, 100)).isInstanceOf(Ignore.class);
  }

  @Test
  void rfc9110_14_4_contentRangeValues() {
    assertThat(new Satisfiable(0, 9, 100).contentRange()).isEqualTo("bytes 0-9/100");
    assertThat(new Satisfiable(0, 9, 100).size()).isEqualTo(10);
    assertThat(new Unsatisfiable(100).contentRange()).isEqualTo("bytes */100");
  }

  static Stream<Arguments> ifRange() {
    String lm = "Thu, 01 Jan 2015 00:00:00 GMT";
    return Stream.of(
        Arguments.of("\"a\"", new String[] {"ETag", "\"a\""}, true),
        Arguments.of("\"b\"", new String[] {"ETag", "\"a\""}, false),
        Arguments.of("W/\"a\"", new String[] {"ETag", "W/\"a\""}, false),
        Arguments.of("\"a\"", new String[] {"ETag", "W/\"a\""}, false),
        Arguments.of("\"a\"", new String[] {}, false),
        Arguments.of(lm, new String[] {"Last-Modified", lm}, true),
        Arguments.of("Thu, 01 Jan 2015 00:00:01 GMT", new String[] {"Last-Modified", lm}, false),
        Arguments.of(lm, new String[] {}, false),
        Arguments.of("garbage", new String[] {"Last-Modified", lm}, false));
  }

  @ParameterizedTest
  @MethodSource("ifRange")
  void rfc9110_13_1_5_ifRangeNeedsStrongMatch(String ifRange, String[] stored, boolean matches) {
    ResponseHead head = ResponseHead.of(200, stored);
    assertThat(Ranges.ifRangeMatches(ifRange, head)).isEqualTo(matches);
    Ranges.Result r = Ranges.evaluate(get("Range", "bytes=0-1", "If-Range", ifRange), head, 10);
    assertThat(r).isEqualTo(matches ? new Satisfiable(0, 1, 10) : new Ignore("If-Range does not match"));
  }

  @Test
  void rfc9110_14_2_rangeOnlyForGetAndComplete200() {
    ResponseHead ok = ResponseHead.of(200);
    assertThat(Ranges.evaluate(get(), ok, 10)).isInstanceOf(Ignore.class);
    assertThat(Ranges.evaluate(new RequestHead("HEAD", URI, Headers.of("Range", "bytes=0-1")), ok, 10))
        .isInstanceOf(Ignore.class);
    assertThat(Ranges.evaluate(get("Range", "bytes=0-1"), ResponseHead.of(404), 10)).isInstanceOf(Ignore.class);
    assertThat(Ranges.evaluate(get("Range", "bytes=0-1"), ok, 10)).isEqualTo(new Satisfiable(0, 1, 10));
  }
}
