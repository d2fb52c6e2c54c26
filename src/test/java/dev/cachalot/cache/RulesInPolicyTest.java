package dev.cachalot.cache;

import static dev.cachalot.cache.Fixtures.CFG;
import static dev.cachalot.cache.Fixtures.URI;
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
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Operator rules as seen by Freshness, Storability and CachePolicy (pure, fake clock). */
class RulesInPolicyTest {

  private static final UrlPattern ALL = UrlPattern.glob("*", false);

  private static CacheConfig with(Rule... rules) {
    return CFG.withRules(Rules.of(rules));
  }

  private static Rule defaultOf(Duration min, double percent, Duration max) {
    return Rule.of("dflt", ALL, new Action.DefaultFreshness(min, percent, max));
  }

  private static Rule immutable(Duration d) {
    return Rule.of("imm", ALL, new Action.Immutable(d));
  }

  private static Decision decide(RequestHead req, StoredResponse s, long now, CacheConfig cfg) {
    return CachePolicy.decide(req, Optional.of(s), at(now), cfg);
  }

  @Test
  void aDefaultGivesALifetimeWhenTheOriginGaveNone() {
    CacheConfig cfg = with(defaultOf(Duration.ofMinutes(5), 0, Duration.ofMinutes(5)));
    StoredResponse s = stored(200);
    assertThat(Freshness.lifetime(get(), s, cfg).value()).isEqualTo(Duration.ofMinutes(5));
    assertThat(Freshness.lifetime(get(), s, CFG).value()).as("without rules").isZero();
    assertThat(decide(get(), s, 299, cfg).kind()).isEqualTo(Decision.Kind.FRESH);
    assertThat(decide(get(), s, 300, cfg).kind()).isEqualTo(Decision.Kind.VALIDATE);
  }

  @Test
  void aDefaultUsesPercentOfTheTimeSinceLastModifiedClampedToMinAndMax() {
    CacheConfig cfg = with(defaultOf(Duration.ofSeconds(10), 20, Duration.ofSeconds(100)));
    assertThat(Freshness.lifetime(get(), stored("Last-Modified", date(-200)), cfg).value()).isEqualTo(Duration.ofSeconds(40));
    assertThat(Freshness.lifetime(get(), stored("Last-Modified", date(-20)), cfg).value()).isEqualTo(Duration.ofSeconds(10));
    assertThat(Freshness.lifetime(get(), stored("Last-Modified", date(-100_000)), cfg).value())
        .isEqualTo(Duration.ofSeconds(100));
  }

  @Test
  void explicitOriginFreshnessWinsOverADefaultOrImmutableRuleWhenOverrideIsOff() {
    for (Rule rule : new Rule[] {defaultOf(Duration.ofHours(1), 0, Duration.ofHours(1)), immutable(Duration.ofDays(365))}) {
      CacheConfig cfg = with(rule);
      assertThat(rule.override()).isFalse();
      Freshness.Lifetime l = Freshness.lifetime(get(), stored("Cache-Control", "max-age=7"), cfg);
      assertThat(l.source()).isEqualTo(Freshness.Source.MAX_AGE);
      assertThat(l.value()).isEqualTo(Duration.ofSeconds(7));
      assertThat(Freshness.lifetime(get(), stored("Expires", date(3)), cfg).source()).isEqualTo(Freshness.Source.EXPIRES);
    }
  }

  @Test
  void overrideLetsTheRuleWinOverMaxAgeExpiresAndNoCache() {
    CacheConfig cfg = with(immutable(Duration.ofDays(1)).withOverride(true));
    assertThat(Freshness.lifetime(get(), stored("Cache-Control", "max-age=7"), cfg).value()).isEqualTo(Duration.ofDays(1));
    Decision d = decide(get(), stored("Cache-Control", "no-cache, max-age=0"), 60, cfg);
    assertThat(d.kind()).as(d.reason()).isEqualTo(Decision.Kind.FRESH);
    assertThat(d.reason()).contains("overriding origin");
  }

  @Test
  void overrideNeverStoresWhatTheOriginMarkedNoStoreOrPrivate() {
    CacheConfig cfg = with(immutable(Duration.ofDays(1)).withOverride(true));
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "no-store"), cfg).storable()).isFalse();
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "private"), cfg).storable()).isFalse();
  }

  @Test
  void immutableIsNotRevalidatedOnAClientReloadWhileFresh() {
    CacheConfig cfg = with(immutable(Duration.ofDays(365)));
    StoredResponse s = stored(200);
    assertThat(decide(get("Cache-Control", "no-cache"), s, 3600, cfg).kind()).isEqualTo(Decision.Kind.FRESH);
    assertThat(decide(get("Cache-Control", "max-age=0"), s, 3600, cfg).kind()).isEqualTo(Decision.Kind.FRESH);
    CacheConfig dflt = with(defaultOf(Duration.ofDays(365), 0, Duration.ofDays(365)));
    assertThat(decide(get("Cache-Control", "no-cache"), s, 3600, dflt).kind()).as("a default is not immutable")
        .isEqualTo(Decision.Kind.VALIDATE);
  }

  @Test
  void theDecisionReasonAndRuleNameTheRule() {
    CacheConfig cfg = with(immutable(Duration.ofDays(365)));
    Decision d = decide(get(), stored(200), 10, cfg);
    assertThat(d.reason()).isEqualTo("fresh: rule \"imm\": immutable 365d, age 10 s");
    assertThat(d.rule()).map(Rule::name).contains("imm");
    assertThat(decide(get(), stored("Cache-Control", "max-age=60"), 10, cfg).rule()).as("origin won").isEmpty();
  }

  @Test
  void neverCacheRefusesToStoreAndDoesNotServeWhatWasStoredBefore() {
    CacheConfig cfg = with(Rule.of("nope", ALL, new Action.NeverCache()));
    Storability.Verdict v = Storability.check(get(), ResponseHead.of(200, "Cache-Control", "max-age=60"), cfg);
    assertThat(v.storable()).isFalse();
    assertThat(v.reason()).isEqualTo("rule \"nope\": never cache");
    Decision d = decide(get(), stored("Cache-Control", "max-age=600"), 1, cfg);
    assertThat(d.kind()).isEqualTo(Decision.Kind.MISS);
    assertThat(d.reason()).startsWith("rule \"nope\": never cache");
  }

  @Test
  void bypassPassesTheRequestBeforeAnyLookup() {
    CacheConfig cfg = with(Rule.of("skip", UrlPattern.regex("/a$", false), new Action.Bypass()));
    Decision d = CachePolicy.decide(RequestHead.get(URI), Optional.empty(), at(0), cfg);
    assertThat(d.kind()).isEqualTo(Decision.Kind.PASS);
    assertThat(d.reason()).isEqualTo("rule \"skip\": bypass");
    assertThat(Storability.check(get(), ResponseHead.of(200, "Cache-Control", "max-age=60"), cfg).storable()).isFalse();
  }

  @Test
  void aFreshnessRuleMakesAListedStatusStorableThatRfc9111WouldNot() {
    Rule redirects = defaultOf(Duration.ofMinutes(1), 0, Duration.ofMinutes(1)).withStatuses(Set.of(302));
    assertThat(Storability.check(get(), ResponseHead.of(302), CFG).storable()).isFalse();
    Storability.Verdict v = Storability.check(get(), ResponseHead.of(302), with(redirects));
    assertThat(v.storable()).isTrue();
    assertThat(v.rule()).isPresent();
  }

  @Test
  void aRuleForOtherUrlsChangesNothing() {
    CacheConfig cfg = with(Rule.of("other", UrlPattern.glob("http://elsewhere/*", false), new Action.Immutable(Duration.ofDays(1))));
    assertThat(Freshness.lifetime(get(), stored(200), cfg)).isEqualTo(Freshness.lifetime(stored(200), CFG));
    assertThat(decide(get(), stored(200), 1, cfg)).isEqualTo(decide(get(), stored(200), 1, CFG));
  }
}
