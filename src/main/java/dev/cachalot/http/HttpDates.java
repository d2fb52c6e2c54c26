package dev.cachalot.http;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * HTTP-date per RFC 9110 §5.6.7. Recipients must accept all three formats; anything else is invalid
 * (which, for Expires, means "already expired", RFC 9111 §5.3). Names of days and months are
 * case-sensitive in the grammar, and we keep to it: a cache that guesses at broken dates risks
 * serving content longer than the origin meant.
 */
public final class HttpDates {

  private static final List<String> MONTHS =
      List.of("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec");
  private static final String MONTH = "(Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)";
  private static final String TIME = "(\\d{2}):(\\d{2}):(\\d{2})";

  /** {@code Sun, 06 Nov 1994 08:49:37 GMT} */
  private static final Pattern IMF_FIXDATE = Pattern.compile(
      "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), (\\d{2}) " + MONTH + " (\\d{4}) " + TIME + " GMT");
  /** {@code Sunday, 06-Nov-94 08:49:37 GMT} (obsolete) */
  private static final Pattern RFC850 = Pattern.compile(
      "(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (\\d{2})-" + MONTH + "-(\\d{2}) "
          + TIME + " GMT");
  /** {@code Sun Nov  6 08:49:37 1994} (obsolete) */
  private static final Pattern ASCTIME = Pattern.compile(
      "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun) " + MONTH + " ([ \\d]\\d) " + TIME + " (\\d{4})");

  private static final DateTimeFormatter IMF =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private HttpDates() {
  }

  /**
   * Parses an HTTP-date; a two-digit RFC 850 year is read relative to {@code reference} (RFC 9110
   * §5.6.7: more than 50 years in the future means the most recent past year with those digits).
   */
  public static Optional<Instant> parse(String value, Instant reference) {
    if (value == null) {
      return Optional.empty();
    }
    String v = value.strip();
    try {
      Matcher m = IMF_FIXDATE.matcher(v);
      if (m.matches()) {
        return at(Integer.parseInt(m.group(3)), m.group(2), m.group(1), m, 4);
      }
      m = ASCTIME.matcher(v);
      if (m.matches()) {
        return at(Integer.parseInt(m.group(6)), m.group(1), m.group(2).strip(), m, 3);
      }
      m = RFC850.matcher(v);
      if (m.matches()) {
        int referenceYear = reference.atZone(ZoneOffset.UTC).getYear();
        int year = referenceYear / 100 * 100 + Integer.parseInt(m.group(3));
        if (year > referenceYear + 50) {
          year -= 100;
        } else if (year < referenceYear - 49) {
          year += 100;
        }
        return at(year, m.group(2), m.group(1), m, 4);
      }
    } catch (DateTimeException e) {
      return Optional.empty(); // e.g. 31 Feb or 25:00:00: syntactically shaped but not a date
    }
    return Optional.empty();
  }

  /** {@link #parse(String, Instant)} with the current time as the RFC 850 reference. */
  public static Optional<Instant> parse(String value) {
    return parse(value, Instant.now());
  }

  /** IMF-fixdate, the only format a sender may generate (RFC 9110 §5.6.7). */
  public static String format(Instant instant) {
    return IMF.format(instant);
  }

  private static Optional<Instant> at(int year, String month, String day, Matcher m, int timeGroup) {
    int second = Integer.parseInt(m.group(timeGroup + 2));
    // RFC 9110 allows second 60 (leap second); java.time does not, so it becomes :59.
    LocalDateTime t = LocalDateTime.of(year, MONTHS.indexOf(month) + 1, Integer.parseInt(day),
        Integer.parseInt(m.group(timeGroup)), Integer.parseInt(m.group(timeGroup + 1)), Math.min(second, 59));
    return Optional.of(ZonedDateTime.of(t, ZoneOffset.UTC).toInstant());
  }
}
