package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.URI;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ConditionalRequestsTest {

  private static final String LM = "Thu, 01 Jan 2015 00:00:00 GMT";
  private static final String BEFORE = "Wed, 31 Dec 2014 23:59:59 GMT";
  private static final String AFTER = "Thu, 01 Jan 2015 00:00:01 GMT";

  /** stored ETag/LM, request conditionals, expected 304. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "\"a\""), true),
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "W/\"a\""), true),
        Arguments.of(p("ETag", "W/\"a\""), p("If-None-Match", "\"a\""), true),
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "\"b\""), false),
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "\"b\", \"a\""), true),
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "\"a\", \"b\""), true),
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "\"b\"", "If-None-Match", "\"a\""), true),
        Arguments.of(p("ETag", "\"a\""), p("If-None-Match", "*"), true),
        Arguments.of(p(), p("If-None-Match", "*"), true),
        Arguments.of(p(), p("If-None-Match", "\"a\""), false),
        Arguments.of(p("ETag", "\"a\"", "Last-Modified", LM), p("If-None-Match", "\"b\"", "If-Modified-Since", AFTER),
            false),
        Arguments.of(p("ETag", "\"a\"", "Last-Modified", LM), p("If-None-Match", "\"a\"", "If-Modified-Since", BEFORE),
            true),
        Arguments.of(p("Last-Modified", LM), p("If-Modified-Since", LM), true),
        Arguments.of(p("Last-Modified", LM), p("If-Modified-Since", AFTER), true),
        Arguments.of(p("Last-Modified", LM), p("If-Modified-Since", BEFORE), false),
        Arguments.of(p("Last-Modified", LM), p("If-Modified-Since", "Thursday, 01-Jan-15 00:00:00 GMT"), true),
        Arguments.of(p("Last-Modified", LM), p("If-Modified-Since", "yesterday"), false),
        Arguments.of(p(), p("If-Modified-Since", AFTER), false),
        Arguments.of(p("ETag", "\"a\"", "Last-Modified", LM), p(), false));
  }

  private static String[] p(String... pairs) {
    return pairs;
  }

  @ParameterizedTest
  @MethodSource("cases")
  void rfc9110_13_2_2_evaluatingConditionalsForGetAndHead(String[] stored, String[] request, boolean notModified) {
    for (String method : new String[] {"GET", "HEAD"}) {
      RequestHead req = new RequestHead(method, URI, Headers.of(request));
      assertThat(ConditionalRequests.notModified(req, ResponseHead.of(200, stored))).isEqualTo(notModified);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE"})
  void rfc9110_13_1_3_otherMethodsAreNotAnswered304(String method) {
    RequestHead req = new RequestHead(method, URI, Headers.of("If-None-Match", "*", "If-Modified-Since", AFTER));
    assertThat(ConditionalRequests.notModified(req, ResponseHead.of(200, "ETag", "\"a\"", "Last-Modified", LM)))
        .isFalse();
  }
}
