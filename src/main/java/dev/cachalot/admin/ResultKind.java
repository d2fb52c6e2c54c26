package dev.cachalot.admin;

/**
 * Squid result codes sorted into what an operator counts. A request counts as served from the cache
 * when its body did not come from an origin for it: hits, a 304 revalidation, a stale answer when the
 * origin failed, and a follower collapsed onto another request's fill.
 */
enum ResultKind {
  HIT, REVALIDATED, REFRESHED, COALESCED, MISS, TUNNEL, OTHER;

  static ResultKind of(String result) {
    if (result.endsWith("_BACKGROUND")) {
      return REFRESHED;
    }
    if (result.contains("HIT")) {
      return HIT;
    }
    if (result.equals("TCP_REFRESH_UNMODIFIED") || result.equals("TCP_REFRESH_FAIL_OLD")) {
      return REVALIDATED;
    }
    if (result.startsWith("TCP_REFRESH")) {
      return REFRESHED;
    }
    if (result.equals("TCP_MISS_COLLAPSED")) {
      return COALESCED;
    }
    if (result.startsWith("TCP_MISS")) {
      return MISS;
    }
    if (result.equals("TCP_TUNNEL")) {
      return TUNNEL;
    }
    return OTHER;
  }

  /** The body went to the client without an origin fetch of its own. */
  boolean servedFromCache() {
    return this == HIT || this == REVALIDATED || this == COALESCED;
  }

  /** A revalidation with the origin took place (whatever its outcome). */
  boolean revalidation() {
    return this == REVALIDATED || this == REFRESHED;
  }

  /** Counts toward the hit ratio's denominator: a cacheable-path request, not a tunnel or an error. */
  boolean lookup() {
    return this != TUNNEL && this != OTHER;
  }
}
