package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Cache-Status, Age, CacheConfig and the record invariants. */
class SmallValuesTest {

  static Stream<Arguments> cacheStatus() {
    return Stream.of(
        Arguments.of(CacheStatus.hit("Cachalot", 376), "Cachalot; hit; ttl=376"),
        Arguments.of(CacheStatus.hit("Cachalot", -5), "Cachalot; hit; ttl=-5"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.MISS).withStored(true),
            "Cachalot; fwd=miss; stored"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.STALE).withFwdStatus(304),
            "Cachalot; fwd=stale; fwd-status=304"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.URI_MISS), "Cachalot; fwd=uri-miss"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.VARY_MISS), "Cachalot; fwd=vary-miss"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.BYPASS), "Cachalot; fwd=bypass"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.METHOD), "Cachalot; fwd=method"),
        Arguments.of(CacheStatus.forward("Cachalot", CacheStatus.Fwd.REQUEST).withDetail("no-cache"),
            "Cachalot; fwd=request; detail=no-cache"),
        Arguments.of(CacheStatus.forward("edge-1", CacheStatus.Fwd.PARTIAL).withCollapsed(true).withTtl(3),
            "edge-1; fwd=partial; ttl=3; collapsed"),
        Arguments.of(CacheStatus.hit("my cache", 1).withDetail("stale: max-age=60 \"x\""),
            "\"my cache\"; hit; ttl=1; detail=\"stale: max-age=60 \\\"x\\\"\""),
        Arguments.of(CacheStatus.hit("1cache", 1), "\"1cache\"; hit; ttl=1"));
  }

  @ParameterizedTest
  @MethodSource("cacheStatus")
  void rfc9211_2_cacheStatusMembers(CacheStatus status, String expected) {
    assertThat(status.format()).isEqualTo(expected);
  }

  @Test
  void rfc9211_2_1_aHitIsNotForwarded() {
    assertThatThrownBy(() -> new CacheStatus("c", true, java.util.Optional.of(CacheStatus.Fwd.MISS),
        java.util.OptionalInt.empty(), java.util.OptionalLong.empty(), false, false, java.util.Optional.empty()))
        .hasMessageContaining("fwd=miss");
  }

  static Stream<Arguments> ages() {
    return Stream.of(
        Arguments.of(Duration.ZERO, "0"),
        Arguments.of(Duration.ofMillis(1999), "1"),
        Arguments.of(Duration.ofSeconds(3600), "3600"),
        Arguments.of(Duration.ofSeconds(-3), "0"),
        Arguments.of(Duration.ofSeconds(2147483648L), "2147483648"),
        Arguments.of(Duration.ofSeconds(99_999_999_999L), "2147483648"));
  }

  @ParameterizedTest
  @MethodSource("ages")
  void rfc9111_5_1_ageIsWholeSecondsCappedAt2Pow31(Duration age, String expected) {
    assertThat(AgeHeader.format(age)).isEqualTo(expected);
  }

  @Test
  void cacheConfigFailsFastNamingTheBadValue() {
    assertThatThrownBy(() -> new CacheConfig(true, 1.5, Duration.ZERO, false, 0)).hasMessageContaining("1.5");
    assertThatThrownBy(() -> new CacheConfig(true, Double.NaN, Duration.ZERO, false, 0)).hasMessageContaining("NaN");
    assertThatThrownBy(() -> new CacheConfig(true, 0.1, Duration.ofSeconds(-1), false, 0))
        .hasMessageContaining("PT-1S");
    assertThatThrownBy(() -> new CacheConfig(true, 0.1, Duration.ZERO, false, -7)).hasMessageContaining("-7");
    assertThatThrownBy(() -> new CacheConfig(true, 0.1, null, false, 0)).hasMessageContaining("heuristicMax");
  }

  @Test
  void cacheConfigDefaults() {
    assertThat(CacheConfig.DEFAULT.shared()).isTrue();
    assertThat(CacheConfig.DEFAULT.heuristicFraction()).isEqualTo(0.10);
    assertThat(CacheConfig.DEFAULT.heuristicMax()).isEqualTo(Duration.ofDays(1));
    assertThat(CacheConfig.DEFAULT.storeSetCookie()).isFalse();
  }

  @Test
  void storedResponseRejectsResponseBeforeRequest() {
    assertThatThrownBy(() -> new StoredResponse(ResponseHead.of(200), Headers.EMPTY, T0, T0.minusSeconds(1)))
        .hasMessageContaining("before requestTime");
  }

  @Test
  void responseHeadRejectsNonThreeDigitStatus() {
    assertThatThrownBy(() -> ResponseHead.of(99)).hasMessageContaining("99");
    assertThatThrownBy(() -> ResponseHead.of(1000)).hasMessageContaining("1000");
  }

  static Stream<Arguments> entityTags() {
    return Stream.of(
        Arguments.of("\"a\"", new EntityTag(false, "a")),
        Arguments.of("W/\"a\"", new EntityTag(true, "a")),
        Arguments.of("a", new EntityTag(false, "a")),
        Arguments.of(" \"\" ", new EntityTag(false, "")),
        Arguments.of("\"a\\b\"", new EntityTag(false, "a\\b")));
  }

  @ParameterizedTest
  @MethodSource("entityTags")
  void rfc9110_8_8_3_entityTagParsing(String value, EntityTag expected) {
    assertThat(EntityTag.parse(value)).contains(expected);
  }

  @Test
  void rfc9110_8_8_3_2_strongAndWeakComparison() {
    EntityTag strong = new EntityTag(false, "1");
    EntityTag weak = new EntityTag(true, "1");
    assertThat(strong.strongMatch(strong)).isTrue();
    assertThat(weak.strongMatch(weak)).isFalse();
    assertThat(strong.strongMatch(weak)).isFalse();
    assertThat(weak.weakMatch(strong)).isTrue();
    assertThat(strong.weakMatch(new EntityTag(false, "2"))).isFalse();
    assertThat(EntityTag.parse("W/")).isEmpty();
  }
}
