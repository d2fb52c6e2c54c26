package dev.cachalot.http;

import dev.cachalot.cache.Headers;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;

/**
 * The directives of every Cache-Control field line of one message (RFC 9111 §5.2), request or
 * response side. Parsing never fails: a malformed member becomes a directive whose argument is
 * invalid, so the freshness rules can tell "absent" from "present but invalid" (RFC 9111 §4.2.1:
 * invalid freshness information makes a response stale).
 *
 * <p>Duplicates: when a directive occurs more than once with different arguments its value is
 * invalid (RFC 9111 §4.2.1 lets a cache either use the first or consider the response stale; we
 * take the conservative choice). Identical duplicates are harmless.
 *
 * @param directives every member in order, names lower-cased (names are case-insensitive, §5.2)
 */
public record CacheControl(List<Directive> directives) {

  /** {@link #maxStale()} when the request said {@code max-stale} without a value: any staleness. */
  public static final long ANY_STALENESS = Long.MAX_VALUE;

  /** delta-seconds too large to represent are sent and read as 2^31 (RFC 9111 §1.2.2). */
  public static final long DELTA_SECONDS_CAP = 2_147_483_648L;

  public static final CacheControl NONE = new CacheControl(List.of());

  /**
   * One member, {@code name[=argument]}.
   *
   * @param argument the unquoted argument, if any
   * @param wellFormed false when the member broke the {@code token [ "=" ( token / quoted-string ) ]} grammar
   */
  public record Directive(String name, Optional<String> argument, boolean wellFormed) {
  }

  public CacheControl {
    directives = List.copyOf(directives);
  }

  public static CacheControl parse(List<String> fieldValues) {
    List<Directive> out = new ArrayList<>();
    for (String line : fieldValues) {
      for (String member : Headers.splitList(line)) {
        out.add(parseMember(member));
      }
    }
    return out.isEmpty() ? NONE : new CacheControl(out);
  }

  /** All Cache-Control field lines of these headers. */
  public static CacheControl of(Headers headers) {
    return parse(headers.all("Cache-Control"));
  }

  private static Directive parseMember(String member) {
    int eq = member.indexOf('=');
    String rawName = eq < 0 ? member : member.substring(0, eq);
    String name = rawName.toLowerCase(Locale.ROOT);
    if (!isToken(rawName)) {
      // "max-age =60": not the directive max-age; kept under its raw name so it matches nothing.
      return new Directive(name, Optional.empty(), false);
    }
    if (eq < 0) {
      return new Directive(name, Optional.empty(), true);
    }
    String raw = member.substring(eq + 1);
    if (raw.startsWith("\"")) {
      Optional<String> unquoted = unquote(raw);
      return new Directive(name, Optional.of(unquoted.orElse(raw)), unquoted.isPresent());
    }
    return new Directive(name, Optional.of(raw), isToken(raw));
  }

  /** quoted-string per RFC 9110 §5.6.4, or empty when malformed. */
  private static Optional<String> unquote(String s) {
    if (s.length() < 2 || !s.endsWith("\"")) {
      return Optional.empty();
    }
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i < s.length() - 1; i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        if (++i >= s.length() - 1) {
          return Optional.empty();
        }
        c = s.charAt(i);
      } else if (c == '"') {
        return Optional.empty();
      }
      sb.append(c);
    }
    return Optional.of(sb.toString());
  }

  /** tchar per RFC 9110 §5.6.2. */
  static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * delta-seconds = 1*DIGIT (RFC 9111 §1.2.2); anything else (sign, decimal point, spaces) is
   * invalid. Values beyond 2^31 are read as 2^31.
   */
  public static OptionalLong parseDeltaSeconds(String s) {
    if (s.isEmpty()) {
      return OptionalLong.empty();
    }
    long v = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return OptionalLong.empty();
      }
      v = Math.min(v * 10 + (c - '0'), DELTA_SECONDS_CAP);
    }
    return OptionalLong.of(v);
  }

  // Queried several times per cache hit: indexed loops keep iterators off the heap.

  /** Is a directive with this name present at all (valid or not)? */
  public boolean has(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (int i = 0; i < directives.size(); i++) {
      Directive d = directives.get(i);
      if (d.name().equals(n) && (d.wellFormed() || d.argument().isPresent())) {
        return true;
      }
    }
    return false;
  }

  /**
   * The delta-seconds argument of a directive; empty when absent, when any occurrence is malformed
   * or has no argument, or when occurrences disagree.
   */
  public OptionalLong seconds(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    OptionalLong found = OptionalLong.empty();
    for (int i = 0; i < directives.size(); i++) {
      Directive d = directives.get(i);
      if (!d.name().equals(n)) {
        continue;
      }
      if (!d.wellFormed() || d.argument().isEmpty()) {
        return OptionalLong.empty();
      }
      OptionalLong v = parseDeltaSeconds(d.argument().get());
      if (v.isEmpty() || (found.isPresent() && found.getAsLong() != v.getAsLong())) {
        return OptionalLong.empty();
      }
      found = v;
    }
    return found;
  }

  /** Present but unusable: the directive appears and {@link #seconds} is empty. */
  public boolean invalidSeconds(String name) {
    return has(name) && seconds(name).isEmpty();
  }

  public OptionalLong maxAge() {
    return seconds("max-age");
  }

  public OptionalLong sMaxAge() {
    return seconds("s-maxage");
  }

  public OptionalLong minFresh() {
    return seconds("min-fresh");
  }

  /** Request max-stale: {@link #ANY_STALENESS} when given without a value (RFC 9111 §5.2.1.2). */
  public OptionalLong maxStale() {
    for (int i = 0; i < directives.size(); i++) {
      Directive d = directives.get(i);
      if (d.name().equals("max-stale") && d.wellFormed() && d.argument().isEmpty()) {
        return OptionalLong.of(ANY_STALENESS);
      }
    }
    return seconds("max-stale");
  }

  public OptionalLong staleWhileRevalidate() {
    return seconds("stale-while-revalidate");
  }

  public OptionalLong staleIfError() {
    return seconds("stale-if-error");
  }

  public boolean noStore() {
    return flag("no-store");
  }

  /** Unqualified no-cache: every reuse needs validation (RFC 9111 §5.2.2.4). */
  public boolean noCache() {
    return unqualified("no-cache");
  }

  /** Field names of qualified {@code no-cache="a, b"}, lower-cased (RFC 9111 §5.2.2.4). */
  public Set<String> noCacheFields() {
    return qualifiedFields("no-cache");
  }

  /** Unqualified private: a shared cache must not store the response (RFC 9111 §5.2.2.7). */
  public boolean isPrivate() {
    return unqualified("private");
  }

  /** Field names of qualified {@code private="a, b"}, lower-cased. */
  public Set<String> privateFields() {
    return qualifiedFields("private");
  }

  public boolean isPublic() {
    return flag("public");
  }

  public boolean mustRevalidate() {
    return flag("must-revalidate");
  }

  public boolean proxyRevalidate() {
    return flag("proxy-revalidate");
  }

  public boolean mustUnderstand() {
    return flag("must-understand");
  }

  public boolean immutable() {
    return flag("immutable");
  }

  public boolean noTransform() {
    return flag("no-transform");
  }

  public boolean onlyIfCached() {
    return flag("only-if-cached");
  }

  public boolean isEmpty() {
    return directives.isEmpty();
  }

  /** Directives such as no-store mean the same with or without a (meaningless) argument. */
  private boolean flag(String name) {
    for (int i = 0; i < directives.size(); i++) {
      Directive d = directives.get(i);
      if (d.name().equals(name) && d.wellFormed()) {
        return true;
      }
    }
    return false;
  }

  private boolean unqualified(String name) {
    for (int i = 0; i < directives.size(); i++) {
      Directive d = directives.get(i);
      if (d.name().equals(name) && (d.argument().isEmpty() || !d.wellFormed())) {
        // A malformed argument cannot be trusted to name fields: the bare (stricter) form applies.
        return true;
      }
    }
    return false;
  }

  private Set<String> qualifiedFields(String name) {
    Set<String> out = new LinkedHashSet<>();
    for (int i = 0; i < directives.size(); i++) {
      Directive d = directives.get(i);
      if (d.name().equals(name) && d.wellFormed() && d.argument().isPresent()) {
        for (String f : Headers.splitList(d.argument().get())) {
          out.add(f.toLowerCase(Locale.ROOT));
        }
      }
    }
    return Set.copyOf(out);
  }
}
