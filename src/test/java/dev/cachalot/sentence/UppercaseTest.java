package dev.cachalot.sentence;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Locale;
import org.junit.jupiter.api.Test;

class UppercaseTest {

  @Test
  void upperCasesTheLabSentence() {
    assertThat(Uppercase.of("hey, I am a student from 5f.")).isEqualTo("HEY, I AM A STUDENT FROM 5F.");
  }

  @Test
  void sharpSGrowsToTwoLetters() {
    assertThat(Uppercase.of("straße")).isEqualTo("STRASSE");
  }

  @Test
  void dottedAndDotlessIDoNotDependOnTheDefaultLocale() {
    String underRoot = Uppercase.of("ı i dotless");
    Locale saved = Locale.getDefault();
    try {
      Locale.setDefault(Locale.forLanguageTag("tr-TR"));
      assertThat(Uppercase.of("ı i dotless")).isEqualTo(underRoot).isEqualTo("I I DOTLESS");
      assertThat("i".toUpperCase()).as("the trap Locale.ROOT avoids").isEqualTo("\u0130");
    } finally {
      Locale.setDefault(saved);
    }
  }

  @Test
  void invalidUtf8BecomesReplacementCharacters() {
    byte[] bytes = {'a', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, 'b'};
    assertThat(Uppercase.of(Uppercase.decode(bytes))).isEqualTo("A\uFFFD(\uFFFDB");
  }

  @Test
  void encodeAndDecodeRoundTripNonAscii() {
    String text = "héllo wörld 日本 🐋";
    assertThat(Uppercase.decode(Uppercase.encode(text))).isEqualTo(text);
  }

  @Test
  void longTextUpperCasesLikeTheJdkAcrossChunkBoundariesAndSurrogatePairs() {
    // U+10428 DESERET SMALL LETTER LONG I is a surrogate pair with a supplementary upper case;
    // the odd lengths put pairs and growing letters on every side of a chunk boundary.
    for (int pad = 0; pad < 40; pad++) {
      String text = ("aß🐋ΐ\uD801\uDC28" + "x".repeat(pad)).repeat(20);
      assertThat(Uppercase.of(text)).isEqualTo(text.toUpperCase(Locale.ROOT));
    }
  }

  @Test
  void upperCasingAWholeLineOfGrowingLettersStaysFast() {
    String worst = "ΐ".repeat(32 * 1024);
    long start = System.nanoTime();
    assertThat(Uppercase.of(worst)).hasSize(3 * worst.length());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
  }
}
