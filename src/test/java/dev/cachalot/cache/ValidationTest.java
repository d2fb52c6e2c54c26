package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.CFG;
import static dev.cachalot.cache.Fixtures.at;
import static dev.cachalot.cache.Fixtures.date;
import static dev.cachalot.cache.Fixtures.get;
import static dev.cachalot.cache.Fixtures.stored;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cachalot.rules.Action;
import dev.cachalot.rules.Rule;
import dev.cachalot.rules.Rules;
import dev.cachalot.rules.UrlPattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class ValidationTest {

  private static final String LM = "Thu, 01 Jan 2015 00:00:00 GMT";

  /** stored validators, 304 validators, matches (§4.3.4). */
  static Stream<Arguments> selection() {
    return Stream.of(
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {"ETag", "\"a\""}, true),
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {"ETag", "\"b\""}, false),
        Arguments.of(new String[] {"ETag", "W/\"a\""}, new String[] {"ETag", "\"a\""}, false),
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {"ETag", "W/\"a\""}, true),
        Arguments.of(new String[] {"ETag", "W/\"a\""}, new String[] {"ETag", "W/\"a\""}, true),
        Arguments.of(new String[] {}, new String[] {"ETag", "\"a\""}, false),
        Arguments.of(new String[] {"Last-Modified", LM}, new String[] {"Last-Modified", LM}, true),
        Arguments.of(new String[] {"Last-Modified", LM}, new String[] {"Last-Modified", date(0)}, false),
        Arguments.of(new String[] {}, new String[] {"Last-Modified", LM}, false),
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {}, true),
        Arguments.of(new String[] {}, new String[] {}, true));
  }

  @ParameterizedTest
  @MethodSource("selection")
  void rfc9111_4_3_4_selectingTheStoredResponseToUpdate(String[] storedValidators, String[] validators304,
                             boolean matches) {
    assertThat(Validation.validatorMatches(stored(storedValidators), ResponseHead.of(304, validators304)))
        .isEqualTo(matches);
  }

  @ParameterizedTest
  @ValueSource(strings = {"Cache-Control", "Content-Foo", "Content-Location",
    "Content-Security-Policy", "Content-Type", "Expires", "Public-Key-Pins",
    "Set-Cookie", "Set-Cookie2", "Test-Header", "X-Content-Foo", "X-Frame-Options", "X-Test-Header",
    "X-XSS-Protection", "Clear-Site-Data"})
  void rfc9111_3_2_a304UpdatesStoredFields(String name) {
    StoredResponse s = stored(200, name, "old", "Other", "kept");
    StoredResponse updated = Validation.freshen(s, ResponseHead.of(304, name, "new"), at(10), at(11));
    assertThat(updated.headers().all(name)).containsExactly("new");
    assertThat(updated.headers().first("Other")).contains("kept");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Content-Encoding", "Content-MD5", "ETag"})
  void rfc9111_3_2_a304KeepsFieldsDescribingTheStoredBytes(String name) {
    StoredResponse s = stored(200, name, "old", "Other", "kept");
    StoredResponse updated = Validation.freshen(s, ResponseHead.of(304, name, "new", "Other", "new"), at(10), at(11));
    assertThat(updated.headers().all(name)).containsExactly("old");
    assertThat(updated.headers().first("Other")).contains("new");
  }

  @ParameterizedTest
  @ValueSource(strings = {"Content-Length", "Content-Range", "Connection", "Keep-Alive", "Transfer-Encoding",
    "TE", "Trailer", "Upgrade", "Proxy-Authenticate"})
  void rfc9111_3_2_a304DoesNotUpdateFramingOrHopByHopFields(String name) {
    StoredResponse s = stored(200, "Content-Length", "10", "Content-Range", "bytes 0-9/10");
    StoredResponse updated = Validation.freshen(s, ResponseHead.of(304, name, "99"), at(10), at(11));
    assertThat(updated.headers().first("Content-Length")).contains("10");
    assertThat(updated.headers().first("Content-Range")).contains("bytes 0-9/10");
    if (!name.startsWith("Content-")) {
      assertThat(updated.headers().contains(name)).isFalse();
    }
  }

  @Test
  void rfc9111_4_3_4_allStoredLinesOfAFieldAreReplaced() {
    StoredResponse s = stored(200, "X-A", "1", "X-A", "2");
    StoredResponse updated = Validation.freshen(s, ResponseHead.of(304, "X-A", "3", "X-A", "4"), at(1), at(1));
    assertThat(updated.headers().all("X-A")).containsExactly("3", "4");
  }

  @Test
  void rfc9111_4_3_4_freshenedResponseIsFreshAgainFromTheValidationTime() {
    StoredResponse s = stored(200, "Cache-Control", "max-age=60", "ETag", "\"a\"");
    StoredResponse updated = Validation.freshen(s,
        ResponseHead.of(304, "Date", date(1000), "Cache-Control", "max-age=60", "ETag", "\"a\""),
        at(1000), at(1000));
    assertThat(updated.requestTime()).isEqualTo(at(1000));
    assertThat(updated.headers().first("Date")).contains(date(1000));
    assertThat(CachePolicy.decide(get(), Optional.of(updated), at(1010), CFG).kind())
        .isEqualTo(Decision.Kind.FRESH);
    assertThat(Freshness.currentAge(updated, at(1010))).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void rfc9111_4_3_4_newExpiresAndAgeFromThe304Apply() {
    StoredResponse s = stored(200, "Expires", date(10));
    StoredResponse updated = Validation.freshen(s,
        ResponseHead.of(304, "Date", date(100), "Expires", date(400), "Age", "50"), at(100), at(100));
    assertThat(Freshness.lifetime(updated, CFG).value()).isEqualTo(Duration.ofSeconds(300));
    assertThat(Freshness.currentAge(updated, at(100))).isEqualTo(Duration.ofSeconds(50));
  }

  @Test
  void rfc9111_5_2_2_4_qualifiedNoCacheInThe304StripsTheStoredField() {
    StoredResponse s = stored(200, "X-Secret", "s", "Cache-Control", "max-age=60");
    StoredResponse updated = Validation.freshen(s,
        ResponseHead.of(304, "Cache-Control", "max-age=60, no-cache=\"X-Secret\""), at(1), at(1));
    assertThat(updated.headers().contains("X-Secret")).isFalse();
  }

  @Test
  void rfc9111_4_3_4_statusAndRequestHeadersAreKept() {
    StoredResponse s = new StoredResponse(ResponseHead.of(404, "X", "1"), Headers.of("Accept", "a"), at(0), at(0));
    StoredResponse updated = Validation.freshen(s, ResponseHead.of(304, "X", "2"), at(5), at(6));
    assertThat(updated.head().status()).isEqualTo(404);
    assertThat(updated.requestHeaders()).isEqualTo(Headers.of("Accept", "a"));
    assertThat(updated.responseTime()).isEqualTo(at(6));
  }

  /** stored, HEAD response, updates (true) or invalidates (false). */
  static Stream<Arguments> head() {
    return Stream.of(
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {"ETag", "\"a\""}, true),
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {"ETag", "\"b\""}, false),
        Arguments.of(new String[] {"ETag", "\"a\""}, new String[] {}, false),
        Arguments.of(new String[] {}, new String[] {"ETag", "\"a\""}, false),
        Arguments.of(new String[] {"Last-Modified", LM}, new String[] {"Last-Modified", LM}, true),
        Arguments.of(new String[] {"Last-Modified", LM}, new String[] {"Last-Modified", date(0)}, false),
        Arguments.of(new String[] {"Content-Length", "10"}, new String[] {"Content-Length", "10"}, true),
        Arguments.of(new String[] {"Content-Length", "10"}, new String[] {"Content-Length", "11"}, false),
        Arguments.of(new String[] {"Content-Length", "10"}, new String[] {}, true),
        Arguments.of(new String[] {}, new String[] {}, true));
  }

  @ParameterizedTest
  @MethodSource("head")
  void rfc9111_4_3_5_freshenWithHeadOnlyWhenTheRepresentationIsTheSame(String[] storedFields, String[] headFields,
                                    boolean updates) {
    StoredResponse s = stored(200, storedFields);
    List<String> pairs = new ArrayList<>(List.of(headFields));
    pairs.addAll(List.of("X-New", "1"));
    Optional<StoredResponse> r = Validation.freshenWithHead(s,
        ResponseHead.of(200, pairs.toArray(String[]::new)), at(5), at(5));
    assertThat(r.isPresent()).isEqualTo(updates);
    r.ifPresent(u -> {
      assertThat(u.headers().first("X-New")).contains("1");
      assertThat(u.responseTime()).isEqualTo(at(5));
    });
  }

  @Test
  void rfc9111_4_3_5_nonOkHeadResponseDoesNotUpdate() {
    assertThat(Validation.freshenWithHead(stored(200), ResponseHead.of(410), at(1), at(1))).isEmpty();
    assertThat(Validation.freshenWithHead(stored(404), ResponseHead.of(200), at(1), at(1))).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("everyUse")
  void rfc9111_4_2_1_and_5_2_2_4_whatIsValidatedOnEveryUse(List<String> headers, boolean everyUse) {
    assertThat(Validation.validatedOnEveryUse(get(), stored(headers.toArray(String[]::new)), CFG)).isEqualTo(everyUse);
  }

  static Stream<Arguments> everyUse() {
    return Stream.of(
        Arguments.of(List.of("ETag", "\"a\""), true),
        Arguments.of(List.of("Cache-Control", "no-cache", "ETag", "\"a\""), true),
        Arguments.of(List.of("Cache-Control", "max-age=600, no-cache", "ETag", "\"a\""), true),
        Arguments.of(List.of("Cache-Control", "max-age=0", "ETag", "\"a\""), true),
        Arguments.of(List.of("Expires", date(0), "ETag", "\"a\""), true),
        Arguments.of(List.of("Cache-Control", "max-age=600", "ETag", "\"a\""), false),
        Arguments.of(List.of("Cache-Control", "no-cache=\"Set-Cookie\", max-age=600"), false),
        Arguments.of(List.of("Last-Modified", LM), false),
        Arguments.of(List.of("Expires", date(60)), false));
  }

  @Test
  void anOverridingRuleMakesANoCacheResponseFreshSoItIsNotValidatedOnEveryUse() {
    CacheConfig cfg = CFG.withRules(Rules.of(
        Rule.of("imm", UrlPattern.glob("*", false), new Action.Immutable(Duration.ofDays(1))).withOverride(true)));
    StoredResponse noCache = stored("Cache-Control", "no-cache, max-age=60", "ETag", "\"a\"");
    assertThat(Validation.validatedOnEveryUse(get(), noCache, cfg)).isFalse();
    assertThat(Validation.validatedOnEveryUse(get(), noCache, CFG)).isTrue();
  }
}
