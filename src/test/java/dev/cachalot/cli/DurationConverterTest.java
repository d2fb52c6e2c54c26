package dev.cachalot.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine.TypeConversionException;

class DurationConverterTest {

  private final DurationConverter converter = new DurationConverter();

  @Test
  void readsTheShortFormsPeopleType() {
    assertThat(converter.convert("500ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(converter.convert("10s")).isEqualTo(Duration.ofSeconds(10));
    assertThat(converter.convert("2m")).isEqualTo(Duration.ofMinutes(2));
    assertThat(converter.convert("1h")).isEqualTo(Duration.ofHours(1));
    assertThat(converter.convert("0s")).isEqualTo(Duration.ZERO);
  }

  @Test
  void readsIso8601() {
    assertThat(converter.convert("PT1.5S")).isEqualTo(Duration.ofMillis(1500));
  }

  @Test
  void refusesAnythingElseWithTheFormsItAccepts() {
    assertThatThrownBy(() -> converter.convert("soon"))
        .isInstanceOf(TypeConversionException.class)
        .hasMessageContaining("'soon' is not a duration")
        .hasMessageContaining("500ms");
  }
}
