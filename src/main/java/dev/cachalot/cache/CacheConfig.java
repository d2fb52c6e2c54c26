package dev.cachalot.cache;

import dev.cachalot.rules.Rules;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of the cache rules, validated once here (fail fast, naming the bad value).
 *
 * @param shared always true for the proxy: selects the shared-cache rules (s-maxage, private, Authorization)
 * @param heuristicFraction share of (Date − Last-Modified) used as heuristic lifetime; 0.10 is the
 *     figure RFC 9111 §4.2.2 mentions
 * @param heuristicMax upper bound of a heuristic lifetime; one day by default, because a heuristic
 *     guess longer than a day is rarely what an origin that said nothing wanted (and RFC 7234's
 *     Warning 113 threshold was 24 hours)
 * @param storeSetCookie store responses carrying Set-Cookie although they are not marked public or
 *     s-maxage (RFC 9111 allows it; off by default, see {@link Storability})
 * @param maxObjectBytes responses whose Content-Length exceeds this are not stored
 * @param rules operator rules ({@link Rules}): consulted by {@link Freshness}, {@link Storability} and
 *     {@link CachePolicy} for the request and response at hand; empty by default (pure RFC 9111)
 */
public record CacheConfig(boolean shared, double heuristicFraction, Duration heuristicMax, boolean storeSetCookie,
                          long maxObjectBytes, Rules rules) {

    public static final CacheConfig DEFAULT =
            new CacheConfig(true, 0.10, Duration.ofDays(1), false, 64L * 1024 * 1024, Rules.EMPTY);

    /** Without operator rules. */
    public CacheConfig(boolean shared, double heuristicFraction, Duration heuristicMax, boolean storeSetCookie,
                       long maxObjectBytes) {
        this(shared, heuristicFraction, heuristicMax, storeSetCookie, maxObjectBytes, Rules.EMPTY);
    }

    public CacheConfig {
        Objects.requireNonNull(heuristicMax, "heuristicMax");
        Objects.requireNonNull(rules, "rules");
        if (!(heuristicFraction >= 0.0 && heuristicFraction <= 1.0)) {
            throw new IllegalArgumentException("heuristicFraction must be in [0, 1], got " + heuristicFraction);
        }
        if (heuristicMax.isNegative()) {
            throw new IllegalArgumentException("heuristicMax must not be negative, got " + heuristicMax);
        }
        if (maxObjectBytes < 0) {
            throw new IllegalArgumentException("maxObjectBytes must not be negative, got " + maxObjectBytes);
        }
    }

    public CacheConfig withStoreSetCookie(boolean value) {
        return new CacheConfig(shared, heuristicFraction, heuristicMax, value, maxObjectBytes, rules);
    }

    public CacheConfig withHeuristic(double fraction, Duration max) {
        return new CacheConfig(shared, fraction, max, storeSetCookie, maxObjectBytes, rules);
    }

    public CacheConfig withMaxObjectBytes(long value) {
        return new CacheConfig(shared, heuristicFraction, heuristicMax, storeSetCookie, value, rules);
    }

    public CacheConfig withRules(Rules value) {
        return new CacheConfig(shared, heuristicFraction, heuristicMax, storeSetCookie, maxObjectBytes, value);
    }
}
