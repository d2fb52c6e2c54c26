package dev.cachalot.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HttpDatesTest {

  private static final Instant NOV_6_1994 = Instant.parse("1994-11-06T08:49:37Z");
  private static final Instant REFERENCE = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest
  @ValueSource(strings = {
    "Sun, 06 Nov 1994 08:49:37 GMT",   // IMF-fixdate
    "Sunday, 06-Nov-94 08:49:37 GMT",  // obsolete RFC 850
    "Sun Nov  6 08:49:37 1994",        // obsolete asctime
    "  Sun, 06 Nov 1994 08:49:37 GMT ",
  })
  void rfc9110_5_6_7_recipientsAcceptAllThreeFormats(String value) {
    assertThat(HttpDates.parse(value, REFERENCE)).contains(NOV_6_1994);
  }

  static Stream<String> invalidDates() {
    return Stream.of(
        "", "0", "-1", "now", "Sun, 06 Nov 1994 08:49:37",          // no zone
        "Sun, 06 Nov 1994 08:49:37 UTC",                                // wrong zone name
        "Sun, 06 Nov 1994 08:49:37 +0000",
        "Sun, 06 Nov 1994 08:49:37 AEST",
        "Sun, 6 Nov 1994 08:49:37 GMT",                                 // 1-digit day
        "Sun, 06 Nov 1994 8:49:37 GMT",                                 // 1-digit hour
        "Sun, 06 Nov 94 08:49:37 GMT",                                  // 2-digit year in fixdate
        "Sun, 06 nov 1994 08:49:37 GMT",                                // month case
        "sun, 06 Nov 1994 08:49:37 GMT",                                // weekday case
        "Sun, 06 Nov 1994 08:49:37 gmt",                                // zone case
        "Sun 06 Nov 1994 08:49:37 GMT",                                 // no comma
        "Sun,  06 Nov 1994 08:49:37 GMT",                               // two spaces
        "Sun, 06-Nov-1994 08:49:37 GMT",                                // dashes in fixdate
        "Sun, 06 Nov 1994 08.49.37 GMT",                                // periods
        "Sun, 32 Nov 1994 08:49:37 GMT",                                // no such day
        "Sun, 30 Feb 1994 08:49:37 GMT",
        "Sun, 06 Nov 1994 24:00:00 GMT",
        "Sun, 06 Nov 1994 08:60:00 GMT",
        "Sun, 06 Foo 1994 08:49:37 GMT");
  }

  @ParameterizedTest
  @MethodSource("invalidDates")
  void rfc9110_5_6_7_anythingElseIsInvalid(String value) {
    assertThat(HttpDates.parse(value, REFERENCE)).isEmpty();
  }

  @Test
  void rfc9110_5_6_7_nullIsInvalid() {
    assertThat(HttpDates.parse(null, REFERENCE)).isEmpty();
  }

  @Test
  void rfc9110_5_6_7_rfc850YearMoreThan50YearsAheadIsInThePast() {
    Instant ref = Instant.parse("2030-01-01T00:00:00Z");
    assertThat(HttpDates.parse("Thursday, 01-Jan-70 00:00:00 GMT", ref)).contains(Instant.parse("2070-01-01T00:00:00Z"));
    assertThat(HttpDates.parse("Thursday, 01-Jan-81 00:00:00 GMT", ref)).contains(Instant.parse("1981-01-01T00:00:00Z"));
  }

  @Test
  void rfc9110_5_6_7_leapSecondIsAccepted() {
    assertThat(HttpDates.parse("Sat, 31 Dec 2016 23:59:60 GMT", REFERENCE))
        .contains(Instant.parse("2016-12-31T23:59:59Z"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"1970-01-01T00:00:00Z", "1994-11-06T08:49:37Z", "2038-01-19T03:14:08Z", "2099-12-31T23:59:59Z"})
  void rfc9110_5_6_7_formatIsImfFixdateAndRoundTrips(String iso) {
    Instant t = Instant.parse(iso);
    String s = HttpDates.format(t);
    assertThat(s).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
    assertThat(HttpDates.parse(s, REFERENCE)).contains(t);
  }

  @Test
  void rfc9110_5_6_7_formatExample() {
    assertThat(HttpDates.format(NOV_6_1994)).isEqualTo("Sun, 06 Nov 1994 08:49:37 GMT");
  }
}
