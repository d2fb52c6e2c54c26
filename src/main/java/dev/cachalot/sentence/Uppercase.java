package dev.cachalot.sentence;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** The whole service, free of sockets: UTF-8 bytes in, upper-cased text out. */
public final class Uppercase {

  /**
   * String.toUpperCase grows its result a few chars at a time whenever one char becomes several
   * (ß to SS, ΐ to three), which is quadratic: a 64 KiB line of ΐ took over 200 ms, seconds
   * before the JIT warms up. Short chunks keep it linear.
   */
  private static final int CHUNK = 32;

  private Uppercase() {}

  /**
   * Locale.ROOT so the answer never depends on the server's default locale: under a Turkish
   * default, "i".toUpperCase() would give a dotted capital İ instead of I. Under ROOT upper-casing
   * needs no context beyond one code point, so the text can be cut anywhere but inside a
   * surrogate pair.
   */
  public static String of(String sentence) {
    if (sentence.length() <= CHUNK) {
      return sentence.toUpperCase(Locale.ROOT);
    }
    StringBuilder upper = new StringBuilder(sentence.length() + 16);
    for (int start = 0; start < sentence.length(); ) {
      int end = Math.min(start + CHUNK, sentence.length());
      if (end < sentence.length() && Character.isHighSurrogate(sentence.charAt(end - 1))) {
        end--;
      }
      upper.append(sentence.substring(start, end).toUpperCase(Locale.ROOT));
      start = end;
    }
    return upper.toString();
  }

  /** new String(bytes, UTF_8) replaces malformed input with U+FFFD instead of throwing. */
  public static String decode(byte[] utf8) {
    return new String(utf8, StandardCharsets.UTF_8);
  }

  public static byte[] encode(String sentence) {
    return sentence.getBytes(StandardCharsets.UTF_8);
  }
}
