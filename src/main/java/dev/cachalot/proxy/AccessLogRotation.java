package dev.cachalot.proxy;

/**
 * How the access-log file rotates: never, when it passes a size ({@code access.log.1} is the newest
 * old file, up to {@code keep} of them), or daily ({@code access.log.2026-11-24}, the last
 * {@code keep} days). Logback does the rolling, on the access log's own thread.
 */
public record AccessLogRotation(Kind kind, long maxBytes, int keep) {

  public enum Kind { NONE, SIZE, DAILY }

  /** Logback's FixedWindowRollingPolicy keeps at most 20 numbered files. */
  public static final int MAX_KEEP_BY_SIZE = 20;

  public static final AccessLogRotation NONE = new AccessLogRotation(Kind.NONE, 0, 0);

  public AccessLogRotation {
    java.util.Objects.requireNonNull(kind, "kind");
    if (kind != Kind.NONE && keep < 1) {
      throw new IllegalArgumentException("keep must be at least 1, got " + keep);
    }
    if (kind == Kind.SIZE && keep > MAX_KEEP_BY_SIZE) {
      throw new IllegalArgumentException("keep is at most " + MAX_KEEP_BY_SIZE + " when rotating by size, got " + keep);
    }
    if (kind == Kind.SIZE && maxBytes < 1) {
      throw new IllegalArgumentException("the size to rotate at must be positive, got " + maxBytes);
    }
  }

  public static AccessLogRotation bySize(long maxBytes, int keep) {
    return new AccessLogRotation(Kind.SIZE, maxBytes, keep);
  }

  public static AccessLogRotation daily(int keep) {
    return new AccessLogRotation(Kind.DAILY, 0, keep);
  }
}
