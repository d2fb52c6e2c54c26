package dev.cachalot.cache;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;

/**
 * One member of the Cache-Status response field (RFC 9211), e.g. {@code Cachalot; hit; ttl=376}
 * or {@code Cachalot; fwd=stale; fwd-status=304; stored}. The proxy prepends it to any value
 * received from upstream (the list reads from origin to client, §2).
 *
 * @param cacheName sf-token when it is one, else sent as sf-string
 * @param hit served from cache without going forward (§2.1)
 * @param fwd why the request went forward (§2.2), absent for hits
 * @param fwdStatus status of the forward response (§2.3)
 * @param ttl remaining freshness in seconds, negative when stale (§2.4)
 * @param stored whether the forward response was stored (§2.5)
 * @param collapsed whether the request was collapsed with another (§2.6)
 * @param detail implementation-specific detail (§2.8)
 */
public record CacheStatus(String cacheName, boolean hit, Optional<Fwd> fwd, OptionalInt fwdStatus, OptionalLong ttl,
             boolean stored, boolean collapsed, Optional<String> detail) {

  /** fwd parameter values (RFC 9211 §2.2). */
  public enum Fwd {
    BYPASS("bypass"), METHOD("method"), URI_MISS("uri-miss"), VARY_MISS("vary-miss"), MISS("miss"),
    REQUEST("request"), STALE("stale"), PARTIAL("partial");

    private final String token;

    Fwd(String token) {
      this.token = token;
    }

    public String token() {
      return token;
    }
  }

  public CacheStatus {
    Objects.requireNonNull(cacheName, "cacheName");
    if (cacheName.isEmpty()) {
      throw new IllegalArgumentException("cacheName must not be empty");
    }
    if (hit && fwd.isPresent()) {
      throw new IllegalArgumentException("a hit is not forwarded, got fwd=" + fwd.get().token());
    }
  }

  public static CacheStatus hit(String cacheName, long ttl) {
    return new CacheStatus(cacheName, true, Optional.empty(), OptionalInt.empty(), OptionalLong.of(ttl),
        false, false, Optional.empty());
  }

  public static CacheStatus forward(String cacheName, Fwd fwd) {
    return new CacheStatus(cacheName, false, Optional.of(fwd), OptionalInt.empty(), OptionalLong.empty(),
        false, false, Optional.empty());
  }

  public CacheStatus withFwdStatus(int status) {
    return new CacheStatus(cacheName, hit, fwd, OptionalInt.of(status), ttl, stored, collapsed, detail);
  }

  public CacheStatus withTtl(long seconds) {
    return new CacheStatus(cacheName, hit, fwd, fwdStatus, OptionalLong.of(seconds), stored, collapsed, detail);
  }

  public CacheStatus withStored(boolean value) {
    return new CacheStatus(cacheName, hit, fwd, fwdStatus, ttl, value, collapsed, detail);
  }

  public CacheStatus withCollapsed(boolean value) {
    return new CacheStatus(cacheName, hit, fwd, fwdStatus, ttl, stored, value, detail);
  }

  public CacheStatus withDetail(String value) {
    return new CacheStatus(cacheName, hit, fwd, fwdStatus, ttl, stored, collapsed, Optional.of(value));
  }

  /** The structured-field list member (RFC 8941 §3.1.2). */
  public String format() {
    StringBuilder sb = new StringBuilder(tokenOrString(cacheName));
    if (hit) {
      sb.append("; hit");
    }
    fwd.ifPresent(f -> sb.append("; fwd=").append(f.token()));
    fwdStatus.ifPresent(s -> sb.append("; fwd-status=").append(s));
    ttl.ifPresent(t -> sb.append("; ttl=").append(t));
    if (stored) {
      sb.append("; stored");
    }
    if (collapsed) {
      sb.append("; collapsed");
    }
    detail.ifPresent(d -> sb.append("; detail=").append(tokenOrString(d)));
    return sb.toString();
  }

  @Override
  public String toString() {
    return format();
  }

  /** sf-token (RFC 8941 §3.3.4) when possible, else sf-string with \ and " escaped. */
  static String tokenOrString(String s) {
    if (isSfToken(s)) {
      return s;
    }
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c < 0x20 || c > 0x7e) {
        sb.append('?'); // sf-string is printable ASCII only
      } else {
        if (c == '"' || c == '\\') {
          sb.append('\\');
        }
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static boolean isSfToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    char first = s.charAt(0);
    if (!(Character.isLetter(first) && first < 0x80 || first == '*')) {
      return false;
    }
    for (char c : s.toCharArray()) {
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~:/".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }
}
