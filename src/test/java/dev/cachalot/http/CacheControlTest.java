package dev.cachalot.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CacheControlTest {

  private static CacheControl cc(String... lines) {
    return CacheControl.parse(List.of(lines));
  }

  /** Every spelling the cache-tests cc-parse group uses, with the max-age it must yield (empty = invalid). */
  static Stream<Arguments> maxAgeSpellings() {
    return Stream.of(
        Arguments.of("max-age=3600", OptionalLong.of(3600)),
        Arguments.of("MAX-AGE=3600", OptionalLong.of(3600)),
        Arguments.of("Max-Age=3600", OptionalLong.of(3600)),
        Arguments.of("max-age=0003600", OptionalLong.of(3600)),
        Arguments.of("max-age=\"3600\"", OptionalLong.of(3600)),
        Arguments.of("max-age=0", OptionalLong.of(0)),
        Arguments.of("max-age=2147483647", OptionalLong.of(2147483647L)),
        Arguments.of("max-age=2147483648", OptionalLong.of(2147483648L)),
        Arguments.of("max-age=2147483649", OptionalLong.of(2147483648L)),
        Arguments.of("max-age=99999999999999999999999", OptionalLong.of(2147483648L)),
        Arguments.of("max-age=3600, max-age=3600", OptionalLong.of(3600)),
        Arguments.of("max-age=-1", OptionalLong.empty()),
        Arguments.of("max-age=3600.5", OptionalLong.empty()),
        Arguments.of("max-age=3600.0", OptionalLong.empty()),
        Arguments.of("max-age=100a", OptionalLong.empty()),
        Arguments.of("max-age=a100", OptionalLong.empty()),
        Arguments.of("max-age='3600'", OptionalLong.empty()),
        Arguments.of("max-age= 3600", OptionalLong.empty()),
        Arguments.of("max-age=", OptionalLong.empty()),
        Arguments.of("max-age", OptionalLong.empty()),
        Arguments.of("max-age=1800, max-age=1", OptionalLong.empty()),
        Arguments.of("max-age=1, max-age=1800", OptionalLong.empty()));
  }

  @ParameterizedTest
  @MethodSource("maxAgeSpellings")
  void rfc9111_1_2_2_and_5_2_deltaSecondsParsing(String line, OptionalLong expected) {
    CacheControl c = cc(line);
    assertThat(c.maxAge()).isEqualTo(expected);
    assertThat(c.has("max-age")).isTrue();
    assertThat(c.invalidSeconds("max-age")).isEqualTo(expected.isEmpty());
  }

  @Test
  void rfc9111_4_2_1_conflictingDirectivesOnSeparateLinesAreInvalid() {
    assertThat(cc("max-age=1800", "max-age=1").maxAge()).isEmpty();
    assertThat(cc("max-age=1800", "max-age=1800").maxAge()).hasValue(1800);
  }

  @ParameterizedTest
  @ValueSource(strings = {"max-age =3600", "foo=\"max-age=3600\"", "foo, bar=\"max-age=1\"", "s-maxage-x=1"})
  void rfc9111_5_2_notTheMaxAgeDirective(String line) {
    CacheControl c = cc(line);
    assertThat(c.has("max-age")).isFalse();
    assertThat(c.maxAge()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"no-store", "NO-STORE", "No-Store", " no-store ", "foo, no-store", "no-store=\"x\""})
  void rfc9111_5_2_directiveNamesAreCaseInsensitive(String line) {
    assertThat(cc(line).noStore()).isTrue();
  }

  @Test
  void rfc9111_5_2_2_4_qualifiedNoCacheListsFields() {
    CacheControl c = cc("no-cache=\"Set-Cookie, X-Foo\"");
    assertThat(c.noCache()).isFalse();
    assertThat(c.noCacheFields()).isEqualTo(Set.of("set-cookie", "x-foo"));
  }

  @Test
  void rfc9111_5_2_2_4_tokenFormOfQualifiedNoCacheIsAccepted() {
    assertThat(cc("no-cache=X-Foo").noCacheFields()).containsExactly("x-foo");
  }

  @Test
  void rfc9111_5_2_2_4_bareNoCacheWinsOverQualified() {
    CacheControl c = cc("no-cache=\"X-Foo\", no-cache");
    assertThat(c.noCache()).isTrue();
  }

  @Test
  void rfc9111_5_2_2_7_qualifiedPrivateListsFields() {
    CacheControl c = cc("private=\"X-User\"");
    assertThat(c.isPrivate()).isFalse();
    assertThat(c.privateFields()).containsExactly("x-user");
    assertThat(cc("private").isPrivate()).isTrue();
    assertThat(cc("private").privateFields()).isEmpty();
  }

  @Test
  void rfc9111_5_2_2_7_malformedQualifiedPrivateIsTreatedAsBare() {
    assertThat(cc("private=\"X-User").isPrivate()).isTrue();
  }

  @Test
  void rfc9111_5_2_1_2_maxStaleWithoutValueMeansAnyStaleness() {
    assertThat(cc("max-stale").maxStale()).hasValue(CacheControl.ANY_STALENESS);
    assertThat(cc("max-stale=10").maxStale()).hasValue(10);
    assertThat(cc("max-stale=x").maxStale()).isEmpty();
    assertThat(cc("max-age=1").maxStale()).isEmpty();
  }

  @Test
  void rfc9111_5_2_quotedStringValuesAreUnescaped() {
    CacheControl c = cc("foo=\"a\\\"b, c\", max-age=5");
    assertThat(c.directives()).hasSize(2);
    assertThat(c.directives().get(0).argument()).contains("a\"b, c");
    assertThat(c.maxAge()).hasValue(5);
  }

  static Stream<Arguments> booleanDirectives() {
    return Stream.of(
        Arguments.of("public", (java.util.function.Predicate<CacheControl>) CacheControl::isPublic),
        Arguments.of("must-revalidate", (java.util.function.Predicate<CacheControl>) CacheControl::mustRevalidate),
        Arguments.of("proxy-revalidate", (java.util.function.Predicate<CacheControl>) CacheControl::proxyRevalidate),
        Arguments.of("must-understand", (java.util.function.Predicate<CacheControl>) CacheControl::mustUnderstand),
        Arguments.of("immutable", (java.util.function.Predicate<CacheControl>) CacheControl::immutable),
        Arguments.of("no-transform", (java.util.function.Predicate<CacheControl>) CacheControl::noTransform),
        Arguments.of("only-if-cached", (java.util.function.Predicate<CacheControl>) CacheControl::onlyIfCached),
        Arguments.of("no-store", (java.util.function.Predicate<CacheControl>) CacheControl::noStore),
        Arguments.of("no-cache", (java.util.function.Predicate<CacheControl>) CacheControl::noCache),
        Arguments.of("private", (java.util.function.Predicate<CacheControl>) CacheControl::isPrivate));
  }

  @ParameterizedTest
  @MethodSource("booleanDirectives")
  void rfc9111_5_2_eachBooleanDirectiveIsSeenOnlyWhenPresent(String name,
                               java.util.function.Predicate<CacheControl> accessor) {
    assertThat(accessor.test(cc(name))).isTrue();
    assertThat(accessor.test(cc("max-age=1, " + name.toUpperCase()))).isTrue();
    assertThat(accessor.test(cc("max-age=1", name))).isTrue();
    assertThat(accessor.test(cc("max-age=1"))).isFalse();
    assertThat(accessor.test(cc("x-" + name))).isFalse();
    assertThat(accessor.test(CacheControl.NONE)).isFalse();
  }

  @ParameterizedTest
  @ValueSource(strings = {"s-maxage", "min-fresh", "stale-while-revalidate", "stale-if-error"})
  void rfc9111_5_2_otherDeltaSecondsDirectives(String name) {
    CacheControl c = cc(name + "=42");
    OptionalLong v = switch (name) {
      case "s-maxage" -> c.sMaxAge();
      case "min-fresh" -> c.minFresh();
      case "stale-while-revalidate" -> c.staleWhileRevalidate();
      default -> c.staleIfError();
    };
    assertThat(v).hasValue(42);
    assertThat(cc(name + "=x").seconds(name)).isEmpty();
  }

  @Test
  void rfc9111_5_2_emptyMembersAreIgnored() {
    assertThat(cc(" , ,max-age=3, ,").directives()).hasSize(1);
    assertThat(cc().isEmpty()).isTrue();
  }
}
