package dev.cachalot.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * An entity tag (RFC 9110 §8.8.3). Origins sometimes send unquoted tags; we accept them as
 * opaque strings rather than ignoring the validator, so revalidation still works.
 */
public record EntityTag(boolean weak, String opaque) {

  public static Optional<EntityTag> parse(String value) {
    String v = value.strip();
    boolean weak = v.startsWith("W/");
    if (weak) {
      v = v.substring(2);
    }
    if (v.isEmpty()) {
      return Optional.empty();
    }
    if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
      v = v.substring(1, v.length() - 1);
    }
    return Optional.of(new EntityTag(weak, v));
  }

  /** Members of an If-None-Match / If-Match list, without {@code *}. */
  public static List<EntityTag> parseList(List<String> members) {
    List<EntityTag> out = new ArrayList<>();
    for (String m : members) {
      parse(m).ifPresent(out::add);
    }
    return out;
  }

  /** Strong comparison (RFC 9110 §8.8.3.2): both strong and identical. */
  public boolean strongMatch(EntityTag other) {
    return !weak && !other.weak && opaque.equals(other.opaque);
  }

  /** Weak comparison: identical opaque tags, either may be weak. */
  public boolean weakMatch(EntityTag other) {
    return opaque.equals(other.opaque);
  }

  @Override
  public String toString() {
    return (weak ? "W/" : "") + '"' + opaque + '"';
  }
}
