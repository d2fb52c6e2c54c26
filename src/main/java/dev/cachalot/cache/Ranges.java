package dev.cachalot.cache;

import dev.cachalot.http.HttpDates;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/**
 * Serving a single byte range from a complete stored response (RFC 9110 §14). Anything this
 * cache does not handle (several ranges, other units, bad syntax) is ignored, which RFC 9110
 * §14.2 permits: the full 200 response is served instead.
 */
public final class Ranges {

  /** The outcome of evaluating Range against a representation of known length. */
  public sealed interface Result permits Satisfiable, Unsatisfiable, Ignore {
  }

  /** Serve 206 with bytes {@code first..last} (inclusive). */
  public record Satisfiable(long first, long last, long length) implements Result {
    public String contentRange() {
      return "bytes " + first + "-" + last + "/" + length;
    }

    public long size() {
      return last - first + 1;
    }
  }

  /** Serve 416 with {@link #contentRange()} (RFC 9110 §15.5.17). */
  public record Unsatisfiable(long length) implements Result {
    public String contentRange() {
      return "bytes */" + length;
    }
  }

  /** Serve the whole representation with 200. */
  public record Ignore(String reason) implements Result {
  }

  private Ranges() {
  }

  /**
   * Range for GET only (§14.2); If-Range must match the stored response (§13.1.5), otherwise the
   * full representation is sent.
   */
  public static Result evaluate(RequestHead request, ResponseHead stored, long length) {
    Optional<String> range = request.headers().first("Range");
    if (range.isEmpty()) {
      return new Ignore("no Range");
    }
    if (!request.method().equals("GET")) {
      return new Ignore("Range applies to GET only");
    }
    if (stored.status() != 200) {
      return new Ignore("stored status " + stored.status() + " is not 200");
    }
    Optional<String> ifRange = request.headers().first("If-Range");
    if (ifRange.isPresent() && !ifRangeMatches(ifRange.get(), stored)) {
      return new Ignore("If-Range does not match");
    }
    return parse(range.get(), length);
  }

  /** A single {@code bytes=} range-spec against a representation of {@code length} bytes. */
  public static Result parse(String rangeHeader, long length) {
    String v = rangeHeader.strip();
    int eq = v.indexOf('=');
    if (eq < 0 || !v.substring(0, eq).strip().toLowerCase(Locale.ROOT).equals("bytes")) {
      return new Ignore("not a bytes range");
    }
    String spec = v.substring(eq + 1).strip();
    if (spec.contains(",")) {
      return new Ignore("multiple ranges not supported");
    }
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return new Ignore("invalid range " + spec);
    }
    String a = spec.substring(0, dash).strip();
    String b = spec.substring(dash + 1).strip();
    if (a.isEmpty()) {
      // suffix-range: the last N bytes (§14.1.2)
      Long n = digits(b);
      if (n == null) {
        return new Ignore("invalid suffix range " + spec);
      }
      if (n == 0 || length == 0) {
        return new Unsatisfiable(length);
      }
      return new Satisfiable(Math.max(0, length - n), length - 1, length);
    }
    Long first = digits(a);
    Long last = b.isEmpty() ? Long.valueOf(Long.MAX_VALUE) : digits(b);
    if (first == null || last == null || last < first) {
      return new Ignore("invalid range " + spec);
    }
    if (first >= length) {
      return new Unsatisfiable(length);
    }
    return new Satisfiable(first, Math.min(last, length - 1), length);
  }

  /**
   * If-Range (RFC 9110 §13.1.5): an entity tag must match the stored ETag strongly; a date must
   * equal the stored Last-Modified exactly. Weak tags never match.
   */
  public static boolean ifRangeMatches(String ifRange, ResponseHead stored) {
    String v = ifRange.strip();
    if (v.startsWith("\"") || v.startsWith("W/")) {
      Optional<EntityTag> tag = EntityTag.parse(v);
      Optional<EntityTag> current = stored.headers().first("ETag").flatMap(EntityTag::parse);
      return tag.isPresent() && current.isPresent() && tag.get().strongMatch(current.get());
    }
    Optional<Instant> date = HttpDates.parse(v);
    Optional<Instant> lastModified = stored.headers().first("Last-Modified").flatMap(HttpDates::parse);
    return date.isPresent() && date.equals(lastModified);
  }

  private static Long digits(String s) {
    if (s.isEmpty() || s.length() > 18 || !s.chars().allMatch(c -> c >= '0' && c <= '9')) {
      return null;
    }
    return Long.parseLong(s);
  }
}
