package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.CFG;
import static dev.cachalot.cache.Fixtures.T0;
import static dev.cachalot.cache.Fixtures.at;
import static dev.cachalot.cache.Fixtures.date;
import static dev.cachalot.cache.Fixtures.stored;
import static dev.cachalot.cache.Fixtures.storedWithoutDate;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.cache.Freshness.Source;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class FreshnessTest {

  private static Freshness.Lifetime lifetime(StoredResponse s) {
    return Freshness.lifetime(s, CFG);
  }

  /** Every combination of the four explicit sources, present/absent: the highest-priority present one wins. */
  static Stream<Arguments> explicitSourceCombinations() {
    List<Arguments> out = new ArrayList<>();
    for (int mask = 0; mask < 8; mask++) {
      boolean sMaxAge = (mask & 1) != 0;
      boolean maxAge = (mask & 2) != 0;
      boolean expires = (mask & 4) != 0;
      List<String> directives = new ArrayList<>();
      if (maxAge) {
        directives.add("max-age=200");
      }
      if (sMaxAge) {
        directives.add("s-maxage=100");
      }
      List<String> pairs = new ArrayList<>(List.of("Last-Modified", date(-100_000)));
      if (!directives.isEmpty()) {
        pairs.addAll(List.of("Cache-Control", String.join(", ", directives)));
      }
      if (expires) {
        pairs.addAll(List.of("Expires", date(300)));
      }
      long expected = sMaxAge ? 100 : maxAge ? 200 : expires ? 300 : 10_000;
      Source source = sMaxAge ? Source.S_MAXAGE : maxAge ? Source.MAX_AGE : expires ? Source.EXPIRES : Source.HEURISTIC;
      out.add(Arguments.of(pairs, expected, source));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0} -> {1}s from {2}")
  @MethodSource("explicitSourceCombinations")
  void rfc9111_4_2_1_sMaxAgeThenMaxAgeThenExpiresThenHeuristic(List<String> pairs, long expected, Source source) {
    Freshness.Lifetime l = lifetime(stored(pairs.toArray(String[]::new)));
    assertThat(l.value()).isEqualTo(Duration.ofSeconds(expected));
    assertThat(l.source()).isEqualTo(source);
    assertThat(l.heuristic()).isEqualTo(source == Source.HEURISTIC);
  }

  @ParameterizedTest
  @ValueSource(strings = {"max-age=3600, s-maxage=1", "s-maxage=1, max-age=3600"})
  void rfc9111_4_2_1_sMaxAgeOverridesMaxAgeForSharedCache(String cc) {
    assertThat(lifetime(stored("Cache-Control", cc)).value()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void rfc9111_5_2_2_10_privateCacheIgnoresSMaxAge() {
    CacheConfig privateCache = new CacheConfig(false, 0.1, Duration.ofDays(1), false, 1000);
    assertThat(Freshness.lifetime(stored("Cache-Control", "max-age=3600, s-maxage=1"), privateCache).value())
        .isEqualTo(Duration.ofSeconds(3600));
  }

  @ParameterizedTest
  @ValueSource(strings = {"max-age=-1", "max-age=100a", "max-age=3600.5", "max-age=1800, max-age=1",
    "s-maxage=x, max-age=3600", "max-age= 3600", "max-age='3600'"})
  void rfc9111_4_2_1_invalidFreshnessDirectiveMeansStale(String cc) {
    Freshness.Lifetime l = lifetime(stored("Cache-Control", cc, "Expires", date(3600), "Last-Modified", date(-100_000)));
    assertThat(l.value()).isZero();
    assertThat(l.source()).isEqualTo(Source.INVALID);
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "-1", "foo", "Sun, 06 Nov 1994 08:49:37", "Sun, 06 Nov 2094 08:49:37 UTC"})
  void rfc9111_5_3_invalidExpiresMeansAlreadyExpired(String expires) {
    Freshness.Lifetime l = lifetime(stored("Expires", expires, "Last-Modified", date(-100_000)));
    assertThat(l.value()).isZero();
    assertThat(l.source()).isEqualTo(Source.INVALID);
  }

  @Test
  void rfc9111_4_2_1_twoExpiresLinesAreInvalid() {
    assertThat(lifetime(stored("Expires", date(3600), "Expires", date(3600))).source()).isEqualTo(Source.INVALID);
  }

  @Test
  void rfc9111_4_2_1_validMaxAgeBeatsInvalidExpires() {
    assertThat(lifetime(stored("Cache-Control", "max-age=3600", "Expires", "0")).value())
        .isEqualTo(Duration.ofSeconds(3600));
  }

  @ParameterizedTest
  @ValueSource(longs = {-3600, -1, 0, 1, 3600, 2_000_000_000L})
  void rfc9111_4_2_1_expiresMinusDate(long delta) {
    Freshness.Lifetime l = lifetime(stored("Date", date(-50), "Expires", date(-50 + delta)));
    assertThat(l.value()).isEqualTo(Duration.ofSeconds(Math.max(0, delta)));
  }

  @Test
  void rfc9111_4_2_1_expiresWithoutDateUsesResponseTime() {
    assertThat(lifetime(storedWithoutDate(200, "Expires", date(600))).value()).isEqualTo(Duration.ofSeconds(600));
    assertThat(lifetime(storedWithoutDate(200, "Date", "garbage", "Expires", date(600))).value())
        .isEqualTo(Duration.ofSeconds(600));
  }

  @ParameterizedTest(name = "status {0}")
  @MethodSource("allStatuses")
  void rfc9111_4_2_2_heuristicOnlyForHeuristicallyCacheableStatus(int status) {
    Freshness.Lifetime l = lifetime(stored(status, "Last-Modified", date(-10_000)));
    boolean expected = Freshness.HEURISTICALLY_CACHEABLE.contains(status);
    assertThat(l.heuristic()).isEqualTo(expected);
    assertThat(l.value()).isEqualTo(expected ? Duration.ofSeconds(1000) : Duration.ZERO);
  }

  static IntStream allStatuses() {
    return IntStream.of(200, 201, 202, 203, 204, 206, 300, 301, 302, 303, 307, 308, 400, 403, 404, 405, 410, 414,
        499, 500, 501, 502, 503, 504, 599);
  }

  @Test
  void rfc9111_4_2_2_publicMakesAnyStatusHeuristicallyCacheable() {
    assertThat(lifetime(stored(599, "Cache-Control", "public", "Last-Modified", date(-10_000))).value())
        .isEqualTo(Duration.ofSeconds(1000));
  }

  @ParameterizedTest
  @ValueSource(longs = {5, 10, 30, 60, 300, 600, 1200, 1800, 3600, 43200, 86400, 864_000, 8_640_000})
  void rfc9111_4_2_2_heuristicIsFractionOfDateMinusLastModifiedCapped(long sinceModified) {
    Freshness.Lifetime l = lifetime(stored("Last-Modified", date(-sinceModified)));
    long expectedMillis = Math.min(sinceModified * 100, Duration.ofDays(1).toMillis());
    assertThat(l.value()).isEqualTo(Duration.ofMillis(expectedMillis));
  }

  @Test
  void rfc9111_4_2_2_noLastModifiedNoHeuristic() {
    assertThat(lifetime(stored()).source()).isEqualTo(Source.NONE);
    assertThat(lifetime(stored("Last-Modified", "bogus")).value()).isZero();
    assertThat(lifetime(stored("Last-Modified", date(100))).value()).isZero(); // modified in the future
  }

  @Test
  void rfc9111_4_2_2_heuristicSettingsApply() {
    CacheConfig cfg = CFG.withHeuristic(0.5, Duration.ofSeconds(30));
    assertThat(Freshness.lifetime(stored("Last-Modified", date(-40)), cfg).value()).isEqualTo(Duration.ofSeconds(20));
    assertThat(Freshness.lifetime(stored("Last-Modified", date(-400)), cfg).value()).isEqualTo(Duration.ofSeconds(30));
  }

  // --- age (RFC 9111 §4.2.3, §5.1) ---

  private static final long UNKNOWN = 2147483648L;

  /** The cache-tests age-parse group: Age value -> age_value used (unknown age reads as 2^31, i.e. stale). */
  static Stream<Arguments> ageValues() {
    return Stream.of(
        Arguments.of(List.of("7200"), 7200L),
        Arguments.of(List.of("0"), 0L),
        Arguments.of(List.of("abc"), UNKNOWN),
        Arguments.of(List.of("-7200"), UNKNOWN),
        Arguments.of(List.of("7200.0"), UNKNOWN),
        Arguments.of(List.of("2147483647"), 2147483647L),
        Arguments.of(List.of("2147483648"), 2147483648L),
        Arguments.of(List.of("2147483649"), 2147483648L),
        Arguments.of(List.of("7200, 0"), UNKNOWN),
        Arguments.of(List.of("0, 7200"), UNKNOWN),
        Arguments.of(List.of("7200", "0"), UNKNOWN),
        Arguments.of(List.of("0", "7200"), UNKNOWN),
        Arguments.of(List.of("0, 0"), UNKNOWN),
        Arguments.of(List.of("3600", "3600"), UNKNOWN),
        Arguments.of(List.of("7200;foo=bar"), UNKNOWN),
        Arguments.of(List.of("7200;foo=111"), UNKNOWN),
        Arguments.of(List.of(" 60 "), 60L));
  }

  @ParameterizedTest
  @MethodSource("ageValues")
  void rfc9111_5_1_ageIsOneNonNegativeIntegerElseUnknownAndStale(List<String> lines, long expected) {
    Headers.Builder b = Headers.builder();
    lines.forEach(l -> b.add("Age", l));
    assertThat(Freshness.ageValue(b.build())).isEqualTo(expected);
  }

  @Test
  void rfc9111_4_2_3_currentAgeIsCorrectedInitialAgePlusResidentTime() {
    // request at T0, response at T0+2 (delay 2), Date T0-10 (apparent 12), Age 5 (corrected 7)
    StoredResponse s = new StoredResponse(ResponseHead.of(200, "Date", date(-10), "Age", "5"), Headers.EMPTY,
        T0, at(2));
    assertThat(Freshness.currentAge(s, at(2))).isEqualTo(Duration.ofSeconds(12));
    assertThat(Freshness.currentAge(s, at(32))).isEqualTo(Duration.ofSeconds(42));
  }

  @Test
  void rfc9111_4_2_3_ageValuePlusResponseDelayWinsWhenLarger() {
    StoredResponse s = new StoredResponse(ResponseHead.of(200, "Date", date(0), "Age", "100"), Headers.EMPTY,
        T0, at(3));
    assertThat(Freshness.currentAge(s, at(3))).isEqualTo(Duration.ofSeconds(103));
  }

  @Test
  void rfc9111_4_2_3_dateInTheFutureGivesNoNegativeApparentAge() {
    StoredResponse s = stored("Date", date(500));
    assertThat(Freshness.currentAge(s, at(10))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void rfc9111_4_2_3_missingDateMeansApparentAgeZero() {
    assertThat(Freshness.currentAge(storedWithoutDate(200), at(7))).isEqualTo(Duration.ofSeconds(7));
  }

  @Test
  void rfc9111_4_2_3_clockBeforeResponseTimeCountsAsNoResidentTime() {
    assertThat(Freshness.currentAge(stored(), at(-5))).isZero();
  }
}
