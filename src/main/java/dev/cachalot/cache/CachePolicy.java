package dev.cachalot.cache;

import dev.cachalot.http.CacheControl;
import dev.cachalot.rules.Action;
import dev.cachalot.rules.Rule;
import dev.cachalot.rules.Rules;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The cache decision for one request (RFC 9111 §4), one pure computation from the request, the
 * stored response (already selected by {@link Vary#matches}) and the time. Like OkHttp's
 * CacheStrategy, but for a shared cache: s-maxage counts and implies proxy-revalidate.
 */
public final class CachePolicy {

  /** Why the origin may be unable to answer, for {@link #mayServeStaleOnError}. */
  public enum OriginFailure {
    /** No response at all: connect failure, reset, timeout. The cache is "disconnected" (§4.2.4). */
    UNREACHABLE,
    /** The origin answered 500, 502, 503 or 504 (RFC 5861 §4). */
    ERROR_STATUS
  }

  private CachePolicy() {
  }

  public static Decision decide(RequestHead request, Optional<StoredResponse> stored, Instant now, CacheConfig cfg) {
    // §4: only GET and HEAD are answered from the cache here; HEAD from a stored GET.
    if (!request.isGetOrHead()) {
      return plain(Decision.Kind.PASS, "method " + request.method() + " not served from cache");
    }
    Rules rules = cfg.rules();
    Optional<Rule> bypass = rules.isEmpty() ? Optional.empty() : rules.bypass(request);
    if (bypass.isPresent()) {
      return plain(Decision.Kind.PASS, bypass.get().reason()).withRule(bypass);
    }
    CacheControl req = requestDirectives(request.headers());
    if (stored.isEmpty()) {
      return req.onlyIfCached()
          ? plain(Decision.Kind.GATEWAY_TIMEOUT, "only-if-cached and nothing stored")
          : plain(Decision.Kind.MISS, "nothing stored");
    }
    StoredResponse s = stored.get();
    Optional<Rule> matched = rules.isEmpty() ? Optional.empty() : rules.match(request, s.head());
    if (matched.isPresent() && !matched.get().action().givesFreshness()) {
      // Stored before the rule existed (a reload): not used, and the answer will not be stored.
      String why = matched.get().reason() + "; stored response not used";
      return (req.onlyIfCached()
          ? plain(Decision.Kind.GATEWAY_TIMEOUT, "only-if-cached but " + why)
          : plain(Decision.Kind.MISS, why)).withRule(matched);
    }
    CacheControl resp = s.directives();
    Freshness.Lifetime lifetime = Freshness.lifetime(request, s, cfg);
    Optional<Rule> rule = lifetime.rule();
    boolean override = rule.isPresent() && rule.get().override();
    boolean immutable = rule.isPresent() && rule.get().action() instanceof Action.Immutable;
    long age = seconds(Freshness.currentAge(s, now));
    long life = seconds(lifetime.value());
    long ttl = life - age;
    String describe = lifetime.describe() + ", age " + age + " s";
    // §4.2: fresh when freshness_lifetime > current_age.
    boolean fresh = ttl > 0;

    String mustValidate = null;
    if (resp.noCache() && !override) {
      mustValidate = "no-cache in response"; // §5.2.2.4
    } else if (immutable && fresh) {
      mustValidate = null; // the operator declared it immutable: client reloads do not revalidate
    } else if (req.noCache()) {
      mustValidate = "no-cache in request"; // §5.2.1.4 (or Pragma: no-cache, §5.4)
    } else if (req.maxAge().isPresent() && age >= req.maxAge().getAsLong()) {
      // §5.2.1.1; compared like freshness (lifetime > age), so max-age=0 always validates.
      mustValidate = "request max-age=" + req.maxAge().getAsLong() + " < age " + age + " s";
    } else if (req.minFresh().isPresent() && ttl < req.minFresh().getAsLong()) {
      mustValidate = "request min-fresh=" + req.minFresh().getAsLong() + " > remaining " + ttl + " s"; // §5.2.1.3
    }
    if (mustValidate != null) {
      return origin(req, s, mustValidate + "; " + describe, age, ttl).withRule(rule);
    }
    if (fresh) {
      return new Decision(Decision.Kind.FRESH, "fresh: " + describe, Headers.EMPTY,
          OptionalLong.of(age), OptionalLong.of(ttl), rule);
    }
    long staleness = -ttl;
    String stale = "stale: " + describe + ", stale by " + staleness + " s";
    if (forbidsStale(resp, cfg)) {
      return origin(req, s, stale + "; stale use forbidden by " + staleForbiddenBy(resp, cfg), age, ttl)
          .withRule(rule);
    }
    OptionalLong maxStale = req.maxStale();
    if (maxStale.isPresent() && staleness <= maxStale.getAsLong()) {
      return new Decision(Decision.Kind.STALE, stale + "; within request max-stale", Headers.EMPTY,
          OptionalLong.of(age), OptionalLong.of(ttl), rule);
    }
    OptionalLong swr = resp.staleWhileRevalidate();
    if (swr.isPresent() && staleness <= swr.getAsLong()) {
      return new Decision(Decision.Kind.STALE_WHILE_REVALIDATE,
          stale + "; within stale-while-revalidate=" + swr.getAsLong(),
          Validation.conditionalHeaders(s), OptionalLong.of(age), OptionalLong.of(ttl), rule);
    }
    return origin(req, s, stale, age, ttl).withRule(rule);
  }

  /**
   * May a stale stored response be served because the origin failed (RFC 9111 §4.2.4,
   * RFC 5861 §4)? Never when a directive forbids stale use (no-cache, must-revalidate,
   * proxy-revalidate, s-maxage). When unreachable the cache is disconnected and may serve
   * stale; an error status needs permission: stale-if-error in the response or request
   * (within its window) or the request's max-stale. A fresh response is always usable.
   */
  public static boolean mayServeStaleOnError(StoredResponse stored, RequestHead request, Instant now,
                       CacheConfig cfg, OriginFailure failure) {
    CacheControl resp = stored.directives();
    if (resp.noCache() || forbidsStale(resp, cfg)) {
      return false;
    }
    long staleness = seconds(Freshness.currentAge(stored, now)) - seconds(Freshness.lifetime(request, stored, cfg).value());
    if (staleness < 0) {
      return true;
    }
    CacheControl req = requestDirectives(request.headers());
    for (OptionalLong window : new OptionalLong[] {resp.staleIfError(), req.staleIfError(), req.maxStale()}) {
      if (window.isPresent() && staleness <= window.getAsLong()) {
        return true;
      }
    }
    return failure == OriginFailure.UNREACHABLE;
  }

  /** Request directives; {@code Pragma: no-cache} counts as no-cache when there is no Cache-Control (§5.4). */
  static CacheControl requestDirectives(Headers headers) {
    if (!headers.contains("Cache-Control") && headers.values("Pragma").stream()
        .anyMatch(p -> p.equalsIgnoreCase("no-cache"))) {
      return CacheControl.parse(java.util.List.of("no-cache"));
    }
    return CacheControl.of(headers);
  }

  /** §5.2.2.2, §5.2.2.8, §5.2.2.10: these forbid serving stale (a shared cache honours all three). */
  private static boolean forbidsStale(CacheControl resp, CacheConfig cfg) {
    return staleForbiddenBy(resp, cfg) != null;
  }

  private static String staleForbiddenBy(CacheControl resp, CacheConfig cfg) {
    if (resp.mustRevalidate()) {
      return "must-revalidate";
    }
    if (cfg.shared() && resp.proxyRevalidate()) {
      return "proxy-revalidate";
    }
    if (cfg.shared() && resp.has("s-maxage")) {
      return "s-maxage";
    }
    return null;
  }

  /** The origin must be asked: VALIDATE, or 504 under only-if-cached (§5.2.1.7). */
  private static Decision origin(CacheControl req, StoredResponse s, String reason, long age, long ttl) {
    if (req.onlyIfCached()) {
      return new Decision(Decision.Kind.GATEWAY_TIMEOUT, "only-if-cached but " + reason, Headers.EMPTY,
          OptionalLong.of(age), OptionalLong.of(ttl));
    }
    Headers conditional = Validation.conditionalHeaders(s);
    String suffix = conditional.isEmpty() ? "; no validator, plain fetch" : "";
    return new Decision(Decision.Kind.VALIDATE, reason + suffix, conditional,
        OptionalLong.of(age), OptionalLong.of(ttl));
  }

  private static Decision plain(Decision.Kind kind, String reason) {
    return new Decision(kind, reason, Headers.EMPTY, OptionalLong.empty(), OptionalLong.empty());
  }

  private static long seconds(Duration d) {
    return d.getSeconds();
  }
}
