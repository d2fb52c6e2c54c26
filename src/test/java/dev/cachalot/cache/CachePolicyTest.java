package dev.cachalot.cache;

import static dev.cachalot.cache.Decision.Kind.FRESH;
import static dev.cachalot.cache.Decision.Kind.GATEWAY_TIMEOUT;
import static dev.cachalot.cache.Decision.Kind.MISS;
import static dev.cachalot.cache.Decision.Kind.PASS;
import static dev.cachalot.cache.Decision.Kind.STALE;
import static dev.cachalot.cache.Decision.Kind.STALE_WHILE_REVALIDATE;
import static dev.cachalot.cache.Decision.Kind.VALIDATE;
import static dev.cachalot.cache.Fixtures.CFG;
import static dev.cachalot.cache.Fixtures.URI;
import static dev.cachalot.cache.Fixtures.at;
import static dev.cachalot.cache.Fixtures.date;
import static dev.cachalot.cache.Fixtures.get;
import static dev.cachalot.cache.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.CachePolicy.OriginFailure;
import dev.cachalot.cache.Decision.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CachePolicyTest {

  private static Decision decide(RequestHead req, StoredResponse s, long nowFromT0) {
    return CachePolicy.decide(req, Optional.of(s), at(nowFromT0), CFG);
  }

  // --- freshness boundaries, one table per source of lifetime ---

  static Stream<Arguments> boundaries() {
    List<Arguments> out = new ArrayList<>();
    String[][] sources = {
      {"Cache-Control", "max-age=100"},
      {"Cache-Control", "s-maxage=100, max-age=1"},
      {"Expires", date(100)},
      {"Last-Modified", date(-1000)},
    };
    for (String[] src : sources) {
      for (long elapsed : new long[] {0, 1, 99, 100, 101, 10_000}) {
        out.add(Arguments.of(src[0], src[1], elapsed, elapsed < 100 ? FRESH : VALIDATE));
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}: {1} after {2}s -> {3}")
  @MethodSource("boundaries")
  void rfc9111_4_2_freshWhileLifetimeExceedsAge(String name, String value, long elapsed, Kind expected) {
    Decision d = decide(get(), stored(name, value), elapsed);
    assertThat(d.kind()).as(d.reason()).isEqualTo(expected);
    assertThat(d.ageSeconds()).hasValue(elapsed);
    assertThat(d.ttlSeconds()).hasValue(100 - elapsed);
  }

  @Test
  void rfc9111_4_2_3_ageHeaderCountsTowardsAge() {
    StoredResponse s = stored("Cache-Control", "max-age=3600", "Age", "7200");
    assertThat(decide(get(), s, 0).kind()).isEqualTo(VALIDATE);
    assertThat(decide(get(), stored("Cache-Control", "max-age=3600", "Age", "1800"), 0).kind()).isEqualTo(FRESH);
  }

  @Test
  void rfc9111_4_2_3_oldDateMakesResponseOlder() {
    assertThat(decide(get(), stored("Date", date(-7200), "Cache-Control", "max-age=3600"), 0).kind())
        .isEqualTo(VALIDATE);
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 203, 204, 299, 301, 302, 303, 307, 308, 400, 404, 410, 499, 500, 502, 503, 504, 599})
  void rfc9111_4_2_anyStatusWithMaxAgeIsFreshThenStale(int status) {
    StoredResponse s = stored(status, "Cache-Control", "max-age=3600");
    assertThat(decide(get(), s, 10).kind()).isEqualTo(FRESH);
    assertThat(decide(get(), s, 7200).kind()).isEqualTo(VALIDATE);
  }

  @Test
  void rfc9111_4_2_noFreshnessInformationIsStale() {
    Decision d = decide(get(), stored("ETag", "\"a\""), 0);
    assertThat(d.kind()).isEqualTo(VALIDATE);
    assertThat(d.reason()).contains("no freshness information");
  }

  // --- request directives against a fresh response (max-age=3600, age 100) ---

  static Stream<Arguments> requestDirectivesOnFresh() {
    return Stream.of(
        Arguments.of(new String[] {}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "no-cache"}, VALIDATE),
        Arguments.of(new String[] {"Cache-Control", "NO-CACHE"}, VALIDATE),
        Arguments.of(new String[] {"Pragma", "no-cache"}, VALIDATE),
        Arguments.of(new String[] {"Pragma", "foo, no-cache"}, VALIDATE),
        Arguments.of(new String[] {"Pragma", "no-cache", "Cache-Control", "max-age=3600"}, FRESH),
        Arguments.of(new String[] {"Pragma", "foo"}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "max-age=0"}, VALIDATE),
        Arguments.of(new String[] {"Cache-Control", "max-age=1"}, VALIDATE),
        Arguments.of(new String[] {"Cache-Control", "max-age=100"}, VALIDATE),
        Arguments.of(new String[] {"Cache-Control", "max-age=101"}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "min-fresh=3500"}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "min-fresh=3501"}, VALIDATE),
        Arguments.of(new String[] {"Cache-Control", "only-if-cached"}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "no-store"}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "max-stale"}, FRESH),
        Arguments.of(new String[] {"Cache-Control", "no-cache, only-if-cached"}, GATEWAY_TIMEOUT));
  }

  @ParameterizedTest
  @MethodSource("requestDirectivesOnFresh")
  void rfc9111_5_2_1_requestDirectivesOnFreshResponse(String[] requestHeaders, Kind expected) {
    Decision d = decide(get(requestHeaders), stored("Cache-Control", "max-age=3600", "ETag", "\"e\""), 100);
    assertThat(d.kind()).as(d.reason()).isEqualTo(expected);
  }

  // --- stale response (max-age=60 or s-maxage=60, age 100: stale by 40) × response × request directives ---

  static Stream<Arguments> staleMatrix() {
    String[] responseExtras = {"", "must-revalidate", "proxy-revalidate", "s-maxage", "stale-while-revalidate=40",
      "stale-while-revalidate=39", "no-cache", "must-revalidate, stale-while-revalidate=100", "stale-if-error=100"};
    String[] requestCcs = {"", "max-stale", "max-stale=40", "max-stale=39", "only-if-cached",
      "max-stale, only-if-cached"};
    List<Arguments> out = new ArrayList<>();
    for (String extra : responseExtras) {
      for (String reqCc : requestCcs) {
        out.add(Arguments.of(extra, reqCc, expectStale(extra, reqCc)));
      }
    }
    return out.stream();
  }

  /** The RFC's rules written as a table: 9111 §4.2.4, §5.2.1.2, §5.2.1.7, §5.2.2.2/.4/.8/.10, 5861 §3. */
  private static Kind expectStale(String extra, String reqCc) {
    boolean onlyIfCached = reqCc.contains("only-if-cached");
    Kind origin = onlyIfCached ? GATEWAY_TIMEOUT : VALIDATE;
    if (extra.equals("no-cache") || extra.contains("revalidate,") || extra.equals("must-revalidate")
        || extra.equals("proxy-revalidate") || extra.equals("s-maxage")) {
      return origin;
    }
    if (reqCc.startsWith("max-stale") && !reqCc.startsWith("max-stale=39")) {
      return STALE;
    }
    if (extra.equals("stale-while-revalidate=40")) {
      return STALE_WHILE_REVALIDATE;
    }
    return origin;
  }

  @ParameterizedTest(name = "response \"{0}\", request \"{1}\" -> {2}")
  @MethodSource("staleMatrix")
  void rfc9111_4_2_4_servingStaleResponses(String extra, String reqCc, Kind expected) {
    String cc = extra.equals("s-maxage") ? "s-maxage=60" : extra.isEmpty() ? "max-age=60" : "max-age=60, " + extra;
    RequestHead req = reqCc.isEmpty() ? get() : get("Cache-Control", reqCc);
    Decision d = decide(req, stored("Cache-Control", cc, "ETag", "\"e\""), 100);
    assertThat(d.kind()).as(d.reason()).isEqualTo(expected);
    assertThat(d.ttlSeconds()).hasValue(-40);
    assertThat(d.servesStored()).isEqualTo(expected == STALE || expected == STALE_WHILE_REVALIDATE);
  }

  @Test
  void rfc9111_5_2_2_4_noCacheResponseIsValidatedEvenWhenFresh() {
    Decision d = decide(get(), stored("Cache-Control", "max-age=3600, no-cache", "ETag", "\"e\""), 0);
    assertThat(d.kind()).isEqualTo(VALIDATE);
    assertThat(d.reason()).startsWith("no-cache in response");
  }

  @Test
  void rfc9111_5_2_2_4_qualifiedNoCacheDoesNotForceValidation() {
    assertThat(decide(get(), stored("Cache-Control", "max-age=3600, no-cache=\"X-Foo\""), 0).kind())
        .isEqualTo(FRESH);
  }

  @Test
  void rfc9111_5_2_2_1_mustRevalidateDoesNotAffectFreshResponse() {
    assertThat(decide(get(), stored("Cache-Control", "max-age=3600, must-revalidate"), 10).kind()).isEqualTo(FRESH);
  }

  // --- conditional request headers (§4.3.1) ---

  static Stream<Arguments> validators() {
    return Stream.of(
        Arguments.of(new String[] {"ETag", "\"abc\""}, Headers.of("If-None-Match", "\"abc\"")),
        Arguments.of(new String[] {"ETag", "W/\"abc\""}, Headers.of("If-None-Match", "W/\"abc\"")),
        Arguments.of(new String[] {"ETag", "abc"}, Headers.of("If-None-Match", "abc")),
        Arguments.of(new String[] {"Last-Modified", date(-600)},
            Headers.of("If-Modified-Since", date(-600))),
        Arguments.of(new String[] {"ETag", "\"abc\"", "Last-Modified", date(-600)},
            Headers.of("If-None-Match", "\"abc\"", "If-Modified-Since", date(-600))),
        Arguments.of(new String[] {}, Headers.EMPTY));
  }

  @ParameterizedTest
  @MethodSource("validators")
  void rfc9111_4_3_1_validateSendsStoredValidators(String[] validatorHeaders, Headers expected) {
    List<String> pairs = new ArrayList<>(List.of("Cache-Control", "max-age=1"));
    pairs.addAll(List.of(validatorHeaders));
    Decision d = decide(get(), stored(pairs.toArray(String[]::new)), 5000);
    assertThat(d.kind()).isEqualTo(VALIDATE);
    assertThat(d.conditionalHeaders()).isEqualTo(expected);
    assertThat(d.reason().contains("no validator")).isEqualTo(expected.isEmpty());
  }

  // --- methods and misses ---

  @ParameterizedTest
  @ValueSource(strings = {"POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT", "M-SEARCH", "get"})
  void rfc9111_4_otherMethodsPass(String method) {
    RequestHead req = new RequestHead(method, URI, Headers.EMPTY);
    Decision d = CachePolicy.decide(req, Optional.of(stored("Cache-Control", "max-age=60")), at(0), CFG);
    assertThat(d.kind()).isEqualTo(PASS);
    assertThat(d.reason()).contains(method);
  }

  @Test
  void rfc9110_9_3_2_headIsAnsweredFromStoredGet() {
    RequestHead head = new RequestHead("HEAD", URI, Headers.EMPTY);
    assertThat(decide(head, stored("Cache-Control", "max-age=60"), 1).kind()).isEqualTo(FRESH);
  }

  @Test
  void rfc9111_4_nothingStoredIsMiss() {
    assertThat(CachePolicy.decide(get(), Optional.empty(), at(0), CFG).kind()).isEqualTo(MISS);
    assertThat(CachePolicy.decide(get(), Optional.empty(), at(0), CFG).ageSeconds()).isEmpty();
  }

  @Test
  void rfc9111_5_2_1_7_onlyIfCachedWithNothingStoredIs504() {
    Decision d = CachePolicy.decide(get("Cache-Control", "only-if-cached"), Optional.empty(), at(0), CFG);
    assertThat(d.kind()).isEqualTo(GATEWAY_TIMEOUT);
  }

  @Test
  void reasonsExplainTheDecision() {
    assertThat(decide(get(), stored("Cache-Control", "max-age=60"), 12).reason())
        .isEqualTo("fresh: max-age=60, age 12 s");
    assertThat(decide(get(), stored("Cache-Control", "max-age=60"), 72).reason())
        .isEqualTo("stale: max-age=60, age 72 s, stale by 12 s; no validator, plain fetch");
  }

  // --- stale on error (§4.2.4, RFC 5861 §4) ---

  static Stream<Arguments> staleOnError() {
    List<Arguments> out = new ArrayList<>();
    String[] responses = {"max-age=60", "max-age=60, stale-if-error=40", "max-age=60, stale-if-error=39",
      "max-age=60, must-revalidate", "max-age=60, proxy-revalidate", "s-maxage=60", "max-age=60, no-cache",
      "max-age=60, must-revalidate, stale-if-error=100"};
    String[] requests = {"", "stale-if-error=40", "stale-if-error=39", "max-stale"};
    for (String resp : responses) {
      for (String req : requests) {
        for (OriginFailure f : OriginFailure.values()) {
          boolean forbidden = resp.contains("revalidate") || resp.contains("s-maxage")
              || resp.contains("no-cache");
          boolean permitted = resp.contains("stale-if-error=40") || req.equals("stale-if-error=40")
              || req.equals("max-stale") || f == OriginFailure.UNREACHABLE;
          out.add(Arguments.of(resp, req, f, !forbidden && permitted));
        }
      }
    }
    return out.stream();
  }

  @ParameterizedTest(name = "response \"{0}\", request \"{1}\", {2} -> {3}")
  @MethodSource("staleOnError")
  void rfc5861_4_staleIfError(String respCc, String reqCc, OriginFailure failure, boolean expected) {
    StoredResponse s = stored("Cache-Control", respCc);
    RequestHead req = reqCc.isEmpty() ? get() : get("Cache-Control", reqCc);
    assertThat(CachePolicy.mayServeStaleOnError(s, req, at(100), CFG, failure)).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(OriginFailure.class)
  void rfc9111_4_2_4_freshResponseIsUsableOnError(OriginFailure failure) {
    assertThat(CachePolicy.mayServeStaleOnError(stored("Cache-Control", "max-age=600"), get(), at(10), CFG, failure))
        .isTrue();
  }

  static IntStream elapsed() {
    return IntStream.of(0, 30, 59, 60, 61, 120);
  }

  @ParameterizedTest
  @MethodSource("elapsed")
  void rfc5861_3_staleWhileRevalidateWindowIsInclusive(int elapsedAfterStale) {
    Decision d = decide(get(), stored("Cache-Control", "max-age=1, stale-while-revalidate=60", "ETag", "\"x\""),
        1 + elapsedAfterStale);
    Kind expected = elapsedAfterStale <= 60 ? STALE_WHILE_REVALIDATE : VALIDATE;
    assertThat(d.kind()).as(d.reason()).isEqualTo(expected);
    assertThat(d.conditionalHeaders()).isEqualTo(Headers.of("If-None-Match", "\"x\""));
  }
}
