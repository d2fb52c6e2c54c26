package dev.cachalot.cache;

import dev.cachalot.rules.Rule;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What to do with one request, from {@link CachePolicy#decide}.
 *
 * @param kind the action
 * @param reason human-readable, for logs and traces
 * @param conditionalHeaders for {@link Kind#VALIDATE}: the fields to add to the forwarded request
 *     (empty when the stored response has no validator: then the fetch simply replaces it)
 * @param ageSeconds current age of the stored response, when there is one
 * @param ttlSeconds freshness lifetime minus age (negative when stale), when there is a stored response;
 *     for Cache-Status {@code ttl=} (RFC 9211 §2.5)
 * @param rule the operator rule that shaped the decision (its lifetime, or bypass/never-cache), if any;
 *     its name goes into Cache-Status {@code detail}
 */
public record Decision(Kind kind, String reason, Headers conditionalHeaders, OptionalLong ageSeconds,
                       OptionalLong ttlSeconds, Optional<Rule> rule) {

    public Decision(Kind kind, String reason, Headers conditionalHeaders, OptionalLong ageSeconds,
                    OptionalLong ttlSeconds) {
        this(kind, reason, conditionalHeaders, ageSeconds, ttlSeconds, Optional.empty());
    }

    /** The same decision, noting the operator rule that shaped it (for Cache-Status detail). */
    public Decision withRule(Optional<Rule> value) {
        return new Decision(kind, reason, conditionalHeaders, ageSeconds, ttlSeconds, value);
    }

    public enum Kind {
        /** Serve the stored response; it is fresh enough for this request. */
        FRESH,
        /** Serve the stored response although stale, as the request's max-stale allows (RFC 9111 §4.2.4). */
        STALE,
        /** Serve the stale stored response now and revalidate in the background (RFC 5861 §3). */
        STALE_WHILE_REVALIDATE,
        /** Forward with {@link #conditionalHeaders()}; a 304 freshens the stored response, anything else replaces it. */
        VALIDATE,
        /** Nothing stored: forward, and store the response if {@link Storability} allows. */
        MISS,
        /** Method not served from cache: forward, store nothing (unsafe methods also invalidate, see {@link Invalidation}). */
        PASS,
        /** only-if-cached and nothing usable stored: answer 504 (RFC 9111 §5.2.1.7). */
        GATEWAY_TIMEOUT
    }

    public Decision {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(conditionalHeaders, "conditionalHeaders");
        Objects.requireNonNull(ageSeconds, "ageSeconds");
        Objects.requireNonNull(ttlSeconds, "ttlSeconds");
        Objects.requireNonNull(rule, "rule");
    }

    /** Whether the stored response is sent to the client without waiting for the origin. */
    public boolean servesStored() {
        return kind == Kind.FRESH || kind == Kind.STALE || kind == Kind.STALE_WHILE_REVALIDATE;
    }
}
