package dev.cachalot.proxy;

import java.util.regex.Pattern;

/**
 * The lab client's protocol: one bare line naming a host ({@code www.flipkart.com}), a host and path
 * ({@code example.org/path}, {@code 127.0.0.1:8080/page}) or a URL ({@code http://...}).
 */
final class LabLine {

  /** No spaces and no control characters: an HTTP request line always has two spaces. */
  private static final Pattern BARE_TARGET = Pattern.compile("[\\x21-\\x7e]+");

  private LabLine() {}

  static boolean isLabLine(String line) {
    return !line.isEmpty() && BARE_TARGET.matcher(line).matches();
  }

  static String toUrl(String line) {
    String url = line.regionMatches(true, 0, "http://", 0, 7) || line.regionMatches(true, 0, "https://", 0, 8)
        ? line
        : "http://" + line;
    int schemeEnd = url.indexOf("://") + 3;
    return url.indexOf('/', schemeEnd) < 0 ? url + "/" : url;
  }
}
