package dev.cachalot.rules;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Ready-made rule sets for well-known origins that forget to mark their responses.
 *
 * <p><b>debian</b> and <b>ubuntu</b> (same archive layout): files under {@code by-hash/} are named by
 * their content's hash and files under {@code pool/} never change once published, so both are
 * immutable for a year. The index files that name them ({@code InRelease}, {@code Release},
 * {@code Release.gpg}, {@code Packages*}, {@code Sources*}, {@code Translation-*}, {@code Contents-*})
 * change with every archive update: they get a short default lifetime (5 minutes) and are then
 * revalidated, and an origin that does send freshness information is believed.
 */
public final class Presets {

  /** The short lifetime of archive index files. */
  public static final Duration INDEX_LIFETIME = Duration.ofMinutes(5);
  public static final Duration IMMUTABLE_LIFETIME = Duration.ofDays(365);

  private Presets() {}

  public static Set<String> names() {
    return new TreeSet<>(Set.of("debian", "ubuntu"));
  }

  /** @throws IllegalArgumentException naming the known presets when {@code name} is not one */
  public static List<Rule> get(String name) {
    String n = name.trim().toLowerCase(Locale.ROOT);
    return switch (n) {
      case "debian", "ubuntu" -> apt(n);
      default -> throw new IllegalArgumentException("unknown preset '" + name + "' (known: "
          + String.join(", ", names()) + ")");
    };
  }

  private static List<Rule> apt(String preset) {
    Action immutable = new Action.Immutable(IMMUTABLE_LIFETIME);
    Action index = Action.DefaultFreshness.fixed(INDEX_LIFETIME);
    return List.of(
        Rule.of(preset + "-by-hash", UrlPattern.regex("/by-hash/[^/?]+/[^/?]+$", false), immutable),
        Rule.of(preset + "-pool", UrlPattern.regex("/pool/[^?]*[^/?]$", false), immutable),
        Rule.of(preset + "-release", UrlPattern.regex("/dists/.+/(InRelease|Release|Release\\.gpg)$", false), index),
        Rule.of(preset + "-indices", UrlPattern.regex(
            "/dists/.+/(Packages|Sources|Contents-[^/]+|Translation-[^/]+|Components-[^/]+|icons-[^/]+|Commands-[^/]+)"
                + "(\\.(gz|xz|bz2|lzma|zst))?$", false), index))
        .stream().map(r -> r.withPreset(preset)).toList();
  }
}
