package dev.cachalot.cache;

import dev.cachalot.http.CacheControl;
import dev.cachalot.http.HopByHop;
import dev.cachalot.rules.Rule;
import java.time.Instant;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** Revalidating a stored response with the origin (RFC 9111 §4.3). */
public final class Validation {

  /**
   * Fields a 304 does not update (RFC 9111 §3.2), besides hop-by-hop fields: Content-Length (it
   * describes the 304, not the stored body), Content-Range (processed by the recipient), and the
   * fields that describe the stored bytes themselves (Content-Encoding, Content-MD5, ETag): §3.2
   * lets a cache keep fields "necessary to assure integrity of the stored response", and a 304
   * cannot change the bytes we hold.
   */
  private static final Set<String> NOT_UPDATED =
      Set.of("content-length", "content-range", "content-encoding", "content-md5", "etag");

  private Validation() {
  }

  /**
   * §4.3.1: If-None-Match from the stored ETag (weak or strong, sent as received) and
   * If-Modified-Since from Last-Modified; empty when the response has no validator.
   */
  public static Headers conditionalHeaders(StoredResponse stored) {
    Headers.Builder b = Headers.builder();
    stored.headers().first("ETag").ifPresent(etag -> b.add("If-None-Match", etag));
    stored.headers().first("Last-Modified").ifPresent(lm -> b.add("If-Modified-Since", lm));
    return b.build();
  }

  /**
   * §4.3.4: does this 304 update this stored response? A strong ETag in the 304 must match
   * strongly; a weak one weakly; otherwise Last-Modified must be equal. A 304 without any
   * validator answers the conditional request we built from this stored response, so it
   * matches (the RFC's rule for that case assumes several stored responses; the caller passes
   * the one it validated).
   */
  public static boolean validatorMatches(StoredResponse stored, ResponseHead notModified) {
    Optional<EntityTag> fresh = notModified.headers().first("ETag").flatMap(EntityTag::parse);
    Optional<EntityTag> old = stored.headers().first("ETag").flatMap(EntityTag::parse);
    if (fresh.isPresent()) {
      return old.isPresent()
          && (fresh.get().weak() ? fresh.get().weakMatch(old.get()) : fresh.get().strongMatch(old.get()));
    }
    Optional<String> lm = notModified.headers().first("Last-Modified");
    if (lm.isPresent()) {
      return lm.equals(stored.headers().first("Last-Modified"));
    }
    return true;
  }

  /**
   * Whether every use of the stored response needs validation, whatever its age: it has no freshness
   * lifetime (§4.2.1: max-age=0, Expires at Date, nothing to go by) or carries no-cache (§5.2.2.4)
   * that no operator rule overrides.
   */
  public static boolean validatedOnEveryUse(RequestHead request, StoredResponse stored, CacheConfig cfg) {
    Freshness.Lifetime lifetime = Freshness.lifetime(request, stored, cfg);
    boolean override = lifetime.rule().map(Rule::override).orElse(false);
    return lifetime.value().isZero() || stored.directives().noCache() && !override;
  }

  /**
   * §4.3.5: a 200 response to HEAD updates the stored GET response when it describes the same
   * representation (ETag and Last-Modified agree, and Content-Length where both have one);
   * otherwise the stored response is outdated and empty is returned: the caller should
   * invalidate it.
   */
  public static Optional<StoredResponse> freshenWithHead(StoredResponse stored, ResponseHead headResponse,
                             Instant requestTime, Instant responseTime) {
    if (headResponse.status() != 200 || stored.head().status() != 200) {
      return Optional.empty();
    }
    Headers a = stored.headers();
    Headers b = headResponse.headers();
    boolean same = a.first("ETag").equals(b.first("ETag"))
        && a.first("Last-Modified").equals(b.first("Last-Modified"))
        && (!a.contains("Content-Length") || !b.contains("Content-Length")
        || a.first("Content-Length").map(String::strip).equals(b.first("Content-Length").map(String::strip)));
    return same ? Optional.of(freshen(stored, headResponse, requestTime, responseTime)) : Optional.empty();
  }

  /**
   * §4.3.4 and §3.2: every field of the 304 replaces all stored lines of that name, except
   * hop-by-hop fields, fields the 304's Cache-Control excludes from storage, and
   * {@link #NOT_UPDATED}. The request and response times become the validation's, so the
   * age is recomputed from the 304's Date and Age.
   */
  public static StoredResponse freshen(StoredResponse stored, ResponseHead notModified, Instant requestTime,
                    Instant responseTime) {
    Headers update = Storability.headersToStore(notModified).headers();
    Set<String> names = new LinkedHashSet<>();
    for (Headers.Field f : update) {
      String n = f.name().toLowerCase(Locale.ROOT);
      if (!NOT_UPDATED.contains(n)) {
        names.add(n);
      }
    }
    Headers merged = stored.headers().without(names);
    for (Headers.Field f : update) {
      if (names.contains(f.name().toLowerCase(Locale.ROOT))) {
        merged = merged.plus(f.name(), f.value());
      }
    }
    // A qualified no-cache/private in the new Cache-Control also strips what was stored before.
    CacheControl cc = CacheControl.of(merged);
    Set<String> drop = new LinkedHashSet<>(cc.privateFields());
    drop.addAll(cc.noCacheFields());
    merged = HopByHop.strip(merged).without(drop);
    ResponseHead head = stored.head().withHeaders(merged);
    return new StoredResponse(head, stored.requestHeaders(), requestTime, responseTime);
  }
}
