package dev.cachalot.rules;

import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A pattern over the absolute request URL. A regex matches anywhere in the URL (like Squid's
 * refresh_pattern; anchor it with ^ and $); a glob must match the whole URL, {@code *} standing for
 * any run of characters (slashes included) and {@code ?} for one character.
 */
public record UrlPattern(String source, boolean glob, boolean ignoreCase, Pattern pattern) {

  public UrlPattern {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(pattern, "pattern");
  }

  /** @throws IllegalArgumentException with the regex error when it does not compile */
  public static UrlPattern regex(String regex, boolean ignoreCase) {
    try {
      return new UrlPattern(regex, false, ignoreCase, Pattern.compile(regex, flags(ignoreCase)));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bad regex '" + regex + "': " + e.getDescription()
          + (e.getIndex() >= 0 ? " near index " + e.getIndex() : ""));
    }
  }

  public static UrlPattern glob(String glob, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return new UrlPattern(glob, true, ignoreCase, Pattern.compile(re.toString(), flags(ignoreCase)));
  }

  private static int flags(boolean ignoreCase) {
    return ignoreCase ? Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE : 0;
  }

  public boolean matches(String url) {
    return glob ? pattern.matcher(url).matches() : pattern.matcher(url).find();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UrlPattern u && u.source.equals(source) && u.glob == glob && u.ignoreCase == ignoreCase;
  }

  @Override
  public int hashCode() {
    return Objects.hash(source, glob, ignoreCase);
  }

  @Override
  public String toString() {
    return (glob ? "glob " : "regex ") + source + (ignoreCase ? " (ignore case)" : "");
  }
}
