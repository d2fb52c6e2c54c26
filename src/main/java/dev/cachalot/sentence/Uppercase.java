package dev.cachalot.sentence;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The whole service, free of sockets: UTF-8 bytes in, upper-cased text out. */
public final class Uppercase {

  private Uppercase() {}

  /**
   * Locale.ROOT so the answer never depends on the server's default locale: under a Turkish
   * default, "i".toUpperCase() would give a dotted capital İ instead of I.
   */
  public static String of(String sentence) {
    return sentence.toUpperCase(Locale.ROOT);
  }

  /** new String(bytes, UTF_8) replaces malformed input with U+FFFD instead of throwing. */
  public static String decode(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  public static byte[] encode(String sentence) {
    return sentence.getBytes(StandardCharsets.UTF_8);
  }
}
