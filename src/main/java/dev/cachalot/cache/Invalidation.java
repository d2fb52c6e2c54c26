package dev.cachalot.cache;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Invalidation after unsafe requests (RFC 9111 §4.4): a non-error response to an unsafe method
 * invalidates the target URI, and the Location and Content-Location URIs when they have the same
 * origin (§4.4 forbids other origins, to stop one site purging another's entries).
 */
public final class Invalidation {

  /** Safe methods (RFC 9110 §9.2.1); everything else, including unknown methods, is unsafe. */
  private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS", "TRACE");

  private Invalidation() {
  }

  /** Keys to remove (every variant under each); empty when nothing is invalidated. */
  public static List<CacheKey> targets(RequestHead req, ResponseHead resp) {
    if (SAFE.contains(req.method()) || resp.status() < 200 || resp.status() >= 400) {
      return List.of();
    }
    URI target = CacheKey.parse(req.uri());
    List<CacheKey> out = new ArrayList<>();
    out.add(new CacheKey(CacheKey.normalise(target)));
    for (String field : List.of("Location", "Content-Location")) {
      resolve(target, resp.headers().first(field)).ifPresent(u -> {
        CacheKey k = new CacheKey(CacheKey.normalise(u));
        if (!out.contains(k)) {
          out.add(k);
        }
      });
    }
    return List.copyOf(out);
  }

  private static Optional<URI> resolve(URI target, Optional<String> reference) {
    if (reference.isEmpty()) {
      return Optional.empty();
    }
    try {
      URI u = target.resolve(reference.get().strip());
      if (u.getScheme() == null || u.getHost() == null || !sameOrigin(target, u)) {
        return Optional.empty();
      }
      return Optional.of(u);
    } catch (IllegalArgumentException e) {
      return Optional.empty(); // a malformed Location invalidates nothing extra
    }
  }

  private static boolean sameOrigin(URI a, URI b) {
    return a.getScheme().equalsIgnoreCase(b.getScheme())
        && a.getHost().toLowerCase(Locale.ROOT).equals(b.getHost().toLowerCase(Locale.ROOT))
        && CacheKey.effectivePort(a) == CacheKey.effectivePort(b);
  }
}
