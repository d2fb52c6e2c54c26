package dev.cachalot.rules;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators write them in rules ({@code 30s}, {@code 5m}, {@code 12h}, {@code 365d}, ISO-8601), and back. */
public final class Durations {

  private static final Pattern SHORT = Pattern.compile("(\\d+)(ms|s|m|h|d)");

  private Durations() {}

  /** @throws IllegalArgumentException naming the text when it is not a non-negative duration */
  public static Duration parse(String value) {
    String text = value.trim().toLowerCase(Locale.ROOT);
    Matcher m = SHORT.matcher(text);
    Duration d;
    if (m.matches()) {
      long amount = Long.parseLong(m.group(1));
      d = switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    } else if (text.equals("0")) {
      d = Duration.ZERO;
    } else {
      try {
        d = Duration.parse(value.trim());
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "'" + value + "' is not a duration; write it like 500ms, 30s, 5m, 12h, 365d or PT1.5S");
      }
    }
    if (d.isNegative()) {
      throw new IllegalArgumentException("'" + value + "' is negative");
    }
    return d;
  }

  /** The shortest exact form: {@code 365d}, {@code 5m}, {@code 90s}, {@code 0s}. */
  public static String format(Duration d) {
    long s = d.getSeconds();
    if (d.getNano() != 0) {
      return d.toMillis() + "ms";
    }
    if (s != 0 && s % 86400 == 0) {
      return s / 86400 + "d";
    }
    if (s != 0 && s % 3600 == 0) {
      return s / 3600 + "h";
    }
    if (s != 0 && s % 60 == 0) {
      return s / 60 + "m";
    }
    return s + "s";
  }
}
