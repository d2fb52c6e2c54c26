package dev.cachalot.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class RulesTest {

  private static final ResponseHead OK = ResponseHead.of(200);
  private static final Action YEAR = new Action.Immutable(Duration.ofDays(365));
  private static final Action FIVE_MIN = Action.DefaultFreshness.fixed(Duration.ofMinutes(5));

  private static Optional<String> firstMatch(Rules rules, String url, ResponseHead resp) {
    return rules.match(RequestHead.get(url), resp).map(Rule::name);
  }

  @Test
  void theFirstMatchingRuleWinsInListOrder() {
    Rules rules = Rules.of(
        Rule.of("specific", UrlPattern.glob("http://h/pool/special/*", false), new Action.NeverCache()),
        Rule.of("general", UrlPattern.glob("http://h/pool/*", false), YEAR));
    assertThat(firstMatch(rules, "http://h/pool/special/x.deb", OK)).contains("specific");
    assertThat(firstMatch(rules, "http://h/pool/main/x.deb", OK)).contains("general");
    assertThat(firstMatch(rules, "http://h/other", OK)).isEmpty();

    Rules reversed = Rules.of(rules.list().get(1), rules.list().get(0));
    assertThat(firstMatch(reversed, "http://h/pool/special/x.deb", OK)).contains("general");
  }

  @Test
  void aRegexMatchesAnywhereInTheUrlAGlobMustMatchAllOfIt() {
    assertThat(UrlPattern.regex("/by-hash/", false).matches("http://h/dists/x/by-hash/SHA256/ab")).isTrue();
    assertThat(UrlPattern.glob("/by-hash/", false).matches("http://h/dists/x/by-hash/SHA256/ab")).isFalse();
    assertThat(UrlPattern.glob("*/by-hash/*", false).matches("http://h/dists/x/by-hash/SHA256/ab")).isTrue();
    assertThat(UrlPattern.glob("http://h/a?c", false).matches("http://h/abc")).isTrue();
    assertThat(UrlPattern.glob("http://h/a.c", false).matches("http://h/abc")).as("dot is literal in a glob").isFalse();
  }

  @Test
  void urlsMatchCaseSensitivelyUnlessTheRuleIgnoresCase() {
    assertThat(UrlPattern.regex("\\.DEB$", false).matches("http://h/x.deb")).isFalse();
    assertThat(UrlPattern.regex("\\.DEB$", true).matches("http://h/x.deb")).isTrue();
    assertThat(UrlPattern.glob("*.DEB", true).matches("http://h/x.deb")).isTrue();
  }

  @Test
  void aBadRegexIsRefusedWithItsError() {
    assertThatThrownBy(() -> UrlPattern.regex("(unclosed", false))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bad regex '(unclosed'");
  }

  @Test
  void methodStatusAndContentTypeNarrowAMatch() {
    Rule rule = Rule.of("images", UrlPattern.glob("*", false), FIVE_MIN)
        .withMethods(Set.of("GET")).withStatuses(Set.of(200, 404)).withContentTypes(List.of("image/*", "text/css"));
    ResponseHead png = ResponseHead.of(200, "Content-Type", "image/png");
    assertThat(rule.matches(RequestHead.get("http://h/a"), png)).isTrue();
    assertThat(rule.matches(RequestHead.get("http://h/a"), ResponseHead.of(404, "Content-Type", "Text/CSS; charset=utf-8")))
        .isTrue();
    assertThat(rule.matches(new RequestHead("HEAD", "http://h/a", png.headers()), png)).isFalse();
    assertThat(rule.matches(RequestHead.get("http://h/a"), ResponseHead.of(500, "Content-Type", "image/png"))).isFalse();
    assertThat(rule.matches(RequestHead.get("http://h/a"), ResponseHead.of(200, "Content-Type", "text/html"))).isFalse();
    assertThat(rule.matches(RequestHead.get("http://h/a"), ResponseHead.of(200))).isFalse();
  }

  @Test
  void freshnessRulesMatchOnlyStatus200UnlessTheyListStatuses() {
    Rule immutable = Rule.of("pool", UrlPattern.glob("*", false), YEAR);
    Rule never = Rule.of("never", UrlPattern.glob("*", false), new Action.NeverCache());
    assertThat(immutable.matches(RequestHead.get("http://h/x"), ResponseHead.of(404))).isFalse();
    assertThat(immutable.withStatuses(Set.of(404)).matches(RequestHead.get("http://h/x"), ResponseHead.of(404))).isTrue();
    assertThat(never.matches(RequestHead.get("http://h/x"), ResponseHead.of(404))).isTrue();
  }

  @Test
  void bypassIsDecidedByTheFirstRuleMatchingTheRequest() {
    Rule bypass = Rule.of("admin", UrlPattern.glob("http://h/admin/*", false), new Action.Bypass());
    Rule all = Rule.of("all", UrlPattern.glob("*", false), FIVE_MIN);
    assertThat(Rules.of(bypass, all).bypass(RequestHead.get("http://h/admin/x"))).isPresent();
    assertThat(Rules.of(bypass, all).bypass(RequestHead.get("http://h/public/x"))).isEmpty();
    assertThat(Rules.of(all, bypass).bypass(RequestHead.get("http://h/admin/x"))).as("shadowed").isEmpty();
  }

  @Test
  void aBypassRuleCannotMatchOnTheResponse() {
    assertThatThrownBy(() -> Rule.of("b", UrlPattern.glob("*", false), new Action.Bypass()).withStatuses(Set.of(200)))
        .hasMessageContaining("bypass");
  }

  @Test
  void overrideIsOffByDefaultAndOnlyForFreshnessRules() {
    assertThat(Rule.of("r", UrlPattern.glob("*", false), YEAR).override()).isFalse();
    assertThatThrownBy(() -> Rule.of("n", UrlPattern.glob("*", false), new Action.NeverCache()).withOverride(true))
        .hasMessageContaining("override");
  }

  @Test
  void twoRulesWithOneNameAreRefused() {
    Rule a = Rule.of("same", UrlPattern.glob("*", false), YEAR);
    assertThatThrownBy(() -> Rules.of(a, a)).hasMessageContaining("'same'");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/by-hash/SHA256/3f2a, debian-by-hash",
      "http://deb.debian.org/debian/dists/bookworm/main/i18n/by-hash/SHA256/77aa, debian-by-hash",
      "http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3_amd64.deb, debian-pool",
      "http://deb.debian.org/debian/pool/main/h/hello/hello_2.10-3.dsc, debian-pool",
      "http://deb.debian.org/debian/dists/bookworm/InRelease, debian-release",
      "http://deb.debian.org/debian/dists/bookworm/Release, debian-release",
      "http://deb.debian.org/debian/dists/bookworm/Release.gpg, debian-release",
      "http://deb.debian.org/debian/dists/bookworm/main/binary-amd64/Packages.xz, debian-indices",
      "http://deb.debian.org/debian/dists/bookworm/main/source/Sources.gz, debian-indices",
      "http://deb.debian.org/debian/dists/bookworm/main/i18n/Translation-en.bz2, debian-indices",
      "http://deb.debian.org/debian/pool/main/h/, none",
      "http://deb.debian.org/debian/README, none",
  })
  void presetDebianClassifiesTheArchiveLayout(String url, String expected) {
    Rules debian = Rules.of(Presets.get("debian"));
    assertThat(firstMatch(debian, url, OK).orElse("none")).isEqualTo(expected);
  }

  @Test
  void presetUbuntuIsTheSameLayoutUnderItsOwnNames() {
    Rules ubuntu = Rules.of(Presets.get("ubuntu"));
    assertThat(firstMatch(ubuntu, "http://archive.ubuntu.com/ubuntu/pool/main/c/curl/curl_8.5.0_amd64.deb", OK))
        .contains("ubuntu-pool");
    assertThatThrownBy(() -> Presets.get("fedora")).hasMessageContaining("known: debian, ubuntu");
  }

  @Test
  void theReasonNamesTheRuleItsPresetAndItsAction() {
    assertThat(Presets.get("debian").get(0).reason()).isEqualTo("rule \"debian-by-hash\" (preset debian): immutable 365d");
    assertThat(Presets.get("debian").get(2).reason()).isEqualTo("rule \"debian-release\" (preset debian): default 5m");
    Rule custom = Rule.of("builds", UrlPattern.glob("*", false),
        new Action.DefaultFreshness(Duration.ofMinutes(1), 20, Duration.ofDays(7))).withOverride(true);
    assertThat(custom.reason()).isEqualTo("rule \"builds\": default min 1m 20% max 7d, overriding origin");
    assertThat(custom.detail()).isEqualTo("rule:builds");
  }

  @Test
  void durationsReadAsOperatorsWriteThem() {
    assertThat(Durations.parse("365d")).isEqualTo(Duration.ofDays(365));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
    assertThatThrownBy(() -> Durations.parse("a year")).hasMessageContaining("'a year' is not a duration");
  }
}
