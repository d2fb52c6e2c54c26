package dev.cachalot.cache;

import dev.cachalot.http.CacheControl;
import dev.cachalot.http.HttpDates;
import dev.cachalot.rules.Action;
import dev.cachalot.rules.Rule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/** Freshness lifetime (RFC 9111 §4.2.1, §4.2.2) and current age (§4.2.3) of a stored response. */
public final class Freshness {

  /** Status codes that are heuristically cacheable (RFC 9110 §15.1). */
  public static final Set<Integer> HEURISTICALLY_CACHEABLE =
      Set.of(200, 203, 204, 206, 300, 301, 308, 404, 405, 410, 414, 501);

  /** Where a lifetime came from; reported in traces and Cache-Status detail. */
  public enum Source {
    S_MAXAGE("s-maxage"),
    MAX_AGE("max-age"),
    EXPIRES("Expires"),
    HEURISTIC("heuristic"),
    /** A freshness directive or Expires was present but invalid: stale (§4.2.1). */
    INVALID("invalid freshness information"),
    /** Nothing to go by: zero lifetime. */
    NONE("no freshness information"),
    /** An operator rule ({@link dev.cachalot.rules.Rule}) gave the lifetime. */
    RULE("rule");

    private final String label;

    Source(String label) {
      this.label = label;
    }

    public String label() {
      return label;
    }
  }

  /**
   * A freshness lifetime and where it came from.
   *
   * @param rule the operator rule that gave it, present exactly when the source is {@link Source#RULE}
   */
  public record Lifetime(Duration value, Source source, Optional<Rule> rule) {
    public Lifetime(Duration value, Source source) {
      this(value, source, Optional.empty());
    }

    public Lifetime {
      if (rule.isPresent() != (source == Source.RULE)) {
        throw new IllegalArgumentException("a rule goes with source RULE only");
      }
    }

    public boolean heuristic() {
      return source == Source.HEURISTIC;
    }

    /** For reasons: {@code max-age=60}, {@code rule "x": immutable 365d}, {@code no freshness information}. */
    public String describe() {
      return switch (source) {
        case RULE -> rule.get().reason();
        case INVALID, NONE -> source.label();
        default -> source.label() + "=" + value.getSeconds();
      };
    }
  }

  private Freshness() {
  }

  /**
   * The lifetime with the operator rules applied: the first rule matching the request and the
   * stored response that gives freshness (default or immutable) replaces the heuristic (§4.2.2
   * lets a cache choose its own); explicit origin freshness (s-maxage, max-age, Expires, even an
   * invalid one) still wins unless the rule says override.
   */
  public static Lifetime lifetime(RequestHead request, StoredResponse stored, CacheConfig cfg) {
    Optional<Rule> rule = cfg.rules().isEmpty()
        ? Optional.empty()
        : cfg.rules().match(request, stored.head()).filter(r -> r.action().givesFreshness());
    Lifetime rfc = lifetime(stored, cfg);
    if (rule.isEmpty()) {
      return rfc;
    }
    if (!rule.get().override() && isExplicit(rfc.source())) {
      return rfc;
    }
    return new Lifetime(ruleLifetime(rule.get().action(), stored), Source.RULE, rule);
  }

  /** Whether the origin said something about freshness itself (as opposed to heuristic or nothing). */
  public static boolean isExplicit(Source source) {
    return source == Source.S_MAXAGE || source == Source.MAX_AGE || source == Source.EXPIRES
        || source == Source.INVALID;
  }

  /**
   * Squid's refresh_pattern arithmetic for a default: with Last-Modified, percent of
   * (Date − Last-Modified) clamped to [min, max]; without it, min. Immutable: its lifetime.
   */
  static Duration ruleLifetime(Action action, StoredResponse stored) {
    if (action instanceof Action.Immutable im) {
      return im.lifetime();
    }
    Action.DefaultFreshness d = (Action.DefaultFreshness) action;
    Optional<Instant> lastModified = stored.headers().first("Last-Modified")
        .flatMap(v -> HttpDates.parse(v, stored.responseTime()));
    if (lastModified.isEmpty()) {
      return d.min();
    }
    Duration since = nonNegative(Duration.between(lastModified.get(), dateValue(stored)));
    Duration value = Duration.ofMillis((long) (since.toMillis() * d.percent() / 100.0));
    if (value.compareTo(d.min()) < 0) {
      return d.min();
    }
    return value.compareTo(d.max()) > 0 ? d.max() : value;
  }

  /**
   * RFC 9111 §4.2.1 for a shared cache, first match wins: s-maxage, max-age, Expires − Date,
   * then a heuristic when nothing explicit is present. A present-but-invalid directive or
   * Expires stops the search with a zero lifetime rather than falling through, since the
   * origin did say something and we cannot know what.
   */
  public static Lifetime lifetime(StoredResponse stored, CacheConfig cfg) {
    Headers h = stored.headers();
    CacheControl cc = stored.directives();
    if (cfg.shared() && cc.has("s-maxage")) {
      return fromSeconds(cc.sMaxAge(), Source.S_MAXAGE);
    }
    if (cc.has("max-age")) {
      return fromSeconds(cc.maxAge(), Source.MAX_AGE);
    }
    List<String> expiresLines = h.all("Expires");
    if (!expiresLines.isEmpty()) {
      // Expires is a singleton: two lines are invalid (§4.2.1), and invalid means expired (§5.3).
      Optional<Instant> expires = expiresLines.size() == 1
          ? HttpDates.parse(expiresLines.get(0), stored.responseTime())
          : Optional.empty();
      if (expires.isEmpty()) {
        return new Lifetime(Duration.ZERO, Source.INVALID);
      }
      return new Lifetime(nonNegative(Duration.between(dateValue(stored), expires.get())), Source.EXPIRES);
    }
    return heuristic(stored, cc, cfg);
  }

  /**
   * §4.2.2: only when no explicit expiration is present, the status is heuristically cacheable
   * (or the response is marked public) and Last-Modified gives something to go by.
   */
  private static Lifetime heuristic(StoredResponse stored, CacheControl cc, CacheConfig cfg) {
    boolean allowed = HEURISTICALLY_CACHEABLE.contains(stored.head().status()) || cc.isPublic();
    Optional<Instant> lastModified = stored.headers().first("Last-Modified")
        .flatMap(v -> HttpDates.parse(v, stored.responseTime()));
    if (!allowed || lastModified.isEmpty()) {
      return new Lifetime(Duration.ZERO, Source.NONE);
    }
    Duration sinceModified = nonNegative(Duration.between(lastModified.get(), dateValue(stored)));
    long millis = (long) (sinceModified.toMillis() * cfg.heuristicFraction());
    Duration value = Duration.ofMillis(millis);
    if (value.compareTo(cfg.heuristicMax()) > 0) {
      value = cfg.heuristicMax();
    }
    return new Lifetime(value, Source.HEURISTIC);
  }

  /**
   * current_age per RFC 9111 §4.2.3:
   * apparent_age = max(0, response_time − date_value);
   * corrected_age_value = age_value + (response_time − request_time);
   * current_age = max(apparent_age, corrected_age_value) + (now − response_time).
   */
  public static Duration currentAge(StoredResponse stored, Instant now) {
    Duration residentTime = nonNegative(Duration.between(stored.responseTime(), now));
    return stored.correctedInitialAge().plus(residentTime);
  }

  /** corrected_initial_age = max(apparent_age, corrected_age_value), fixed once stored; see {@link #currentAge}. */
  static Duration correctedInitialAge(StoredResponse stored) {
    Duration apparentAge = nonNegative(Duration.between(dateValue(stored), stored.responseTime()));
    Duration responseDelay = Duration.between(stored.requestTime(), stored.responseTime());
    Duration correctedAgeValue = Duration.ofSeconds(ageValue(stored.headers())).plus(responseDelay);
    return max(apparentAge, correctedAgeValue);
  }

  /**
   * age_value (RFC 9111 §5.1); very large values are read as 2^31. An Age that is not exactly one
   * non-negative integer (a list, a second line, a sign, a fraction, parameters) means the
   * response's age cannot be known, and it is read as 2^31 so that the response is stale and
   * gets validated. RFC 9111 §5.1 says a cache SHOULD ignore such a field; ignoring it could keep
   * serving a response an upstream cache already held for hours, so we take the safe side (see
   * conformance/NOTES.md).
   */
  public static long ageValue(Headers headers) {
    List<String> members = headers.values("Age");
    if (members.isEmpty()) {
      return 0;
    }
    if (members.size() > 1) {
      return UNKNOWN_AGE;
    }
    OptionalLong v = CacheControl.parseDeltaSeconds(members.get(0));
    return v.orElse(UNKNOWN_AGE);
  }

  private static final long UNKNOWN_AGE = 2147483648L;

  /** date_value: the Date field, or the response time when Date is missing or invalid (RFC 9110 §6.6.1). */
  static Instant dateValue(StoredResponse stored) {
    return stored.dateValue();
  }

  static Instant parseDateValue(StoredResponse stored) {
    return stored.headers().first("Date")
        .flatMap(v -> HttpDates.parse(v, stored.responseTime()))
        .orElse(stored.responseTime());
  }

  private static Lifetime fromSeconds(OptionalLong seconds, Source source) {
    return seconds.isPresent()
        ? new Lifetime(Duration.ofSeconds(seconds.getAsLong()), source)
        : new Lifetime(Duration.ZERO, Source.INVALID);
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  private static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }
}
