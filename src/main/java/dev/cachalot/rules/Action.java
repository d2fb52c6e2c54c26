package dev.cachalot.rules;

import java.time.Duration;
import java.util.Objects;

/** What a matching rule does. Exactly one per rule. */
public sealed interface Action permits Action.DefaultFreshness, Action.Immutable, Action.NeverCache, Action.Bypass {

  /** Short description for decision reasons, e.g. {@code immutable 365d}. */
  String describe();

  /** Whether this action gives a freshness lifetime (and so makes a response storable). */
  default boolean givesFreshness() {
    return this instanceof DefaultFreshness || this instanceof Immutable;
  }

  /**
   * A lifetime for responses the origin gave none, like Squid's {@code refresh_pattern min percent max}:
   * with Last-Modified, {@code percent} of (Date − Last-Modified) clamped to [min, max]; without it, {@code min}.
   */
  record DefaultFreshness(Duration min, double percent, Duration max) implements Action {
    public DefaultFreshness {
      Objects.requireNonNull(min, "min");
      Objects.requireNonNull(max, "max");
      if (min.isNegative() || max.isNegative()) {
        throw new IllegalArgumentException("min and max must not be negative");
      }
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException("max " + Durations.format(max) + " is below min " + Durations.format(min));
      }
      if (!(percent >= 0 && percent <= 1000)) {
        throw new IllegalArgumentException("percent must be in [0, 1000], got " + percent);
      }
    }

    /** A fixed lifetime: min = max, percent 0. */
    public static DefaultFreshness fixed(Duration lifetime) {
      return new DefaultFreshness(lifetime, 0, lifetime);
    }

    @Override
    public String describe() {
      if (min.equals(max)) {
        return "default " + Durations.format(min);
      }
      String pct = percent == Math.rint(percent) ? String.valueOf((long) percent) : String.valueOf(percent);
      return "default min " + Durations.format(min) + " " + pct + "% max " + Durations.format(max);
    }
  }

  /** Fresh for {@code lifetime}; while fresh, client reloads (no-cache, max-age=0) do not force revalidation. */
  record Immutable(Duration lifetime) implements Action {
    public Immutable {
      Objects.requireNonNull(lifetime, "lifetime");
      if (lifetime.isNegative() || lifetime.isZero()) {
        throw new IllegalArgumentException("immutable lifetime must be positive");
      }
    }

    @Override
    public String describe() {
      return "immutable " + Durations.format(lifetime);
    }
  }

  /** Do not store (a stored response is not served either). */
  record NeverCache() implements Action {
    @Override
    public String describe() {
      return "never cache";
    }
  }

  /** Do not look up and do not store: the request goes to the origin as if there were no cache. */
  record Bypass() implements Action {
    @Override
    public String describe() {
      return "bypass";
    }
  }
}
