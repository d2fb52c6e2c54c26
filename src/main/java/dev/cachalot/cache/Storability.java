package dev.cachalot.cache;

import dev.cachalot.http.CacheControl;
import dev.cachalot.http.HopByHop;
import dev.cachalot.rules.Rule;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * May a shared cache store this response? RFC 9111 §3, checked in the order the section lists.
 *
 * <p><b>Deliberate deviation (Set-Cookie).</b> RFC 9111 lets a shared cache store and reuse a
 * cacheable response that carries Set-Cookie. Serving one user's cookie to another is a classic
 * session-leak, so unless {@link CacheConfig#storeSetCookie()} is set we store such a response
 * only when the origin explicitly addressed shared caches with {@code public} or
 * {@code s-maxage}. Two cache-tests cases (headers-store-Set-Cookie,
 * 304-etag-update-response-Set-Cookie) fail by design.
 */
public final class Storability {

  /**
   * Status codes whose caching rules this cache understands (RFC 9111 §5.2.2.3): those defined
   * in RFC 9110 §15 minus 206 and 304, which we never store.
   */
  public static final Set<Integer> UNDERSTOOD_STATUS = Set.of(
      200, 201, 202, 203, 204, 205, 300, 301, 302, 303, 307, 308,
      400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 421, 422,
      426, 500, 501, 502, 503, 504, 505);

  /** The outcome, with a reason for logs and traces, and the operator rule that decided it, if one did. */
  public record Verdict(boolean storable, String reason, Optional<Rule> rule) {
    public Verdict(boolean storable, String reason) {
      this(storable, reason, Optional.empty());
    }

    static Verdict no(String reason) {
      return new Verdict(false, reason);
    }

    static Verdict yes(String reason) {
      return new Verdict(true, reason);
    }
  }

  private Storability() {
  }

  public static Verdict check(RequestHead req, ResponseHead resp, CacheConfig cfg) {
    CacheControl reqCc = CacheControl.of(req.headers());
    CacheControl cc = CacheControl.of(resp.headers());
    int status = resp.status();

    // §3: the method must be understood and cacheable; we store GET only (HEAD has no body to keep).
    if (!req.method().equals("GET")) {
      return Verdict.no("method " + req.method() + " not stored");
    }
    // Operator rules (dev.cachalot.rules): never-cache and bypass refuse; a default or immutable rule
    // below stands in for explicit freshness.
    Optional<Rule> rule = cfg.rules().isEmpty() ? Optional.empty() : cfg.rules().match(req, resp);
    if (rule.isPresent() && !rule.get().action().givesFreshness()) {
      return new Verdict(false, rule.get().reason(), rule);
    }
    // §3: the status must be final; we keep complete responses only (§3.3 allows partial ones).
    if (status < 200) {
      return Verdict.no("status " + status + " is not final");
    }
    if (status == 206) {
      return Verdict.no("partial content (206) not stored");
    }
    if (status == 304) {
      return Verdict.no("304 updates a stored response, it is not stored itself");
    }
    // §5.2.2.3: must-understand overrides no-store only for a status we understand.
    if (cc.mustUnderstand() && !UNDERSTOOD_STATUS.contains(status)) {
      return Verdict.no("must-understand with status " + status + " not understood");
    }
    if (reqCc.noStore()) {
      return Verdict.no("no-store in request");
    }
    if (cc.noStore() && !(cc.mustUnderstand() && UNDERSTOOD_STATUS.contains(status))) {
      return Verdict.no("no-store in response");
    }
    // §5.2.2.7: unqualified private forbids a shared cache to store; the qualified form only strips fields.
    if (cfg.shared() && cc.isPrivate()) {
      return Verdict.no("private");
    }
    // §3.5: responses to authenticated requests only with explicit permission.
    if (cfg.shared() && req.headers().contains("Authorization")
        && !(cc.mustRevalidate() || cc.isPublic() || cc.has("s-maxage"))) {
      return Verdict.no("Authorization in request without public, s-maxage or must-revalidate");
    }
    // §4.1: Vary: * never matches a later request, so storing it is pointless.
    if (resp.headers().values("Vary").contains("*")) {
      return Verdict.no("Vary: *");
    }
    if (!cfg.storeSetCookie() && resp.headers().contains("Set-Cookie") && !(cc.isPublic() || cc.has("s-maxage"))) {
      return Verdict.no("Set-Cookie without public or s-maxage");
    }
    OptionalLong length = contentLength(resp.headers());
    if (length.isPresent() && length.getAsLong() > cfg.maxObjectBytes()) {
      return Verdict.no("Content-Length " + length.getAsLong() + " exceeds maxObjectBytes " + cfg.maxObjectBytes());
    }
    // §3: explicit freshness or cacheability, or a heuristically cacheable status.
    boolean explicit = resp.headers().contains("Expires") || cc.has("s-maxage") || cc.has("max-age");
    if (rule.isPresent() && (rule.get().override() || !explicit)) {
      return new Verdict(true, rule.get().reason(), rule);
    }
    if (resp.headers().contains("Expires")) {
      return Verdict.yes("Expires");
    }
    for (String d : List.of("s-maxage", "max-age", "public")) {
      if (cc.has(d)) {
        return Verdict.yes(d);
      }
    }
    if (Freshness.HEURISTICALLY_CACHEABLE.contains(status)) {
      return Verdict.yes("status " + status + " heuristically cacheable");
    }
    return Verdict.no("status " + status + " not heuristically cacheable and no explicit freshness");
  }

  /**
   * Second step for a response {@link #check} allows: is there any later request it could answer
   * without a full refetch? Not when it has no freshness lifetime at all (RFC 9111 §4.2.1: max-age=0,
   * Expires at or before Date, or nothing to go by), no validator (ETag, Last-Modified) for a
   * conditional request (§4.3.1), and no stale-while-revalidate or stale-if-error (RFC 5861) to serve
   * it stale. Storing such a response, typical of dynamic pages and APIs that send no caching headers,
   * rewrites the entry on every request for nothing; Squid does not store it either. The costs: a
   * client's max-stale cannot be answered from it, nor can it be served stale while the origin is
   * down. A response with a positive lifetime is kept even when Age already exceeds it, as its origin
   * meant it to be reused.
   *
   * @param storable {@link #check}'s verdict for the response, returned when the response is worth storing
   */
  public static Verdict reusable(Verdict storable, RequestHead req, StoredResponse stored, CacheConfig cfg) {
    if (!Freshness.lifetime(req, stored, cfg).value().isZero()) {
      return storable;
    }
    if (stored.headers().contains("ETag") || stored.headers().contains("Last-Modified")) {
      return storable;
    }
    CacheControl cc = stored.directives();
    if (cc.has("stale-while-revalidate") || cc.has("stale-if-error")) {
      return storable;
    }
    return Verdict.no("no freshness lifetime and no validator: reusable only after a full refetch");
  }

  /**
   * The header fields to store (RFC 9111 §3.1): without hop-by-hop fields and without the fields
   * named by qualified {@code private} (§5.2.2.7) and qualified {@code no-cache} (§5.2.2.4).
   * Dropping no-cache fields at store time is the simple safe way to honour "not reused without
   * revalidation": a 304 or a new 200 brings them back.
   */
  public static ResponseHead headersToStore(ResponseHead resp) {
    CacheControl cc = CacheControl.of(resp.headers());
    Set<String> drop = new LinkedHashSet<>(cc.privateFields());
    drop.addAll(cc.noCacheFields());
    return resp.withHeaders(HopByHop.strip(resp.headers()).without(drop));
  }

  private static OptionalLong contentLength(Headers headers) {
    String v = headers.first("Content-Length").orElse("").strip();
    if (v.isEmpty() || !v.chars().allMatch(Character::isDigit) || v.length() > 18) {
      return OptionalLong.empty(); // framing errors are the codec's business, not a storage rule
    }
    return OptionalLong.of(Long.parseLong(v));
  }
}
