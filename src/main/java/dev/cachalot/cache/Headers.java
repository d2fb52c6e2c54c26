package dev.cachalot.cache;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * An immutable, ordered list of header fields. Names compare case-insensitively (RFC 9110 §5.1);
 * order and repeated field lines are kept because some rules depend on them (e.g. Age takes the
 * first member, RFC 9111 §5.1; two Expires lines are invalid, RFC 9111 §4.2.1).
 */
public final class Headers implements Iterable<Headers.Field> {

  /** One field line. */
  public record Field(String name, String value) {
    public Field {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(value, "value");
      if (name.isEmpty()) {
        throw new IllegalArgumentException("header name must not be empty");
      }
    }

    boolean named(String other) {
      return name.equalsIgnoreCase(other);
    }
  }

  public static final Headers EMPTY = new Headers(List.of());

  private final List<Field> fields;

  private Headers(List<Field> fields) {
    this.fields = fields;
  }

  /** {@code Headers.of("Cache-Control", "max-age=60", "ETag", "\"x\"")}. */
  public static Headers of(String... nameValuePairs) {
    if (nameValuePairs.length % 2 != 0) {
      throw new IllegalArgumentException("expected name/value pairs, got " + nameValuePairs.length + " strings");
    }
    Builder b = builder();
    for (int i = 0; i < nameValuePairs.length; i += 2) {
      b.add(nameValuePairs[i], nameValuePairs[i + 1]);
    }
    return b.build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    Builder b = new Builder();
    b.fields.addAll(fields);
    return b;
  }

  /** The first field line's value with this name. */
  public Optional<String> first(String name) {
    for (Field f : fields) {
      if (f.named(name)) {
        return Optional.of(f.value());
      }
    }
    return Optional.empty();
  }

  /** Every field line's value with this name, in order. */
  public List<String> all(String name) {
    List<String> out = null;
    for (Field f : fields) {
      if (f.named(name)) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(f.value());
      }
    }
    return out == null ? List.of() : Collections.unmodifiableList(out);
  }

  /**
   * The members of a list-based field (RFC 9110 §5.6.1): all field lines, split on commas outside
   * quoted strings, trimmed, empty members dropped.
   */
  public List<String> values(String name) {
    List<String> lines = all(name);
    if (lines.isEmpty()) {
      return List.of();
    }
    List<String> out = new ArrayList<>();
    for (String line : lines) {
      out.addAll(splitList(line));
    }
    return Collections.unmodifiableList(out);
  }

  public boolean contains(String name) {
    return first(name).isPresent();
  }

  /** Replaces every field line with this name by one line (appended where the first one was, else at the end). */
  public Headers with(String name, String value) {
    Field replacement = new Field(name, value);
    List<Field> out = new ArrayList<>(fields.size() + 1);
    boolean placed = false;
    for (Field f : fields) {
      if (f.named(name)) {
        if (!placed) {
          out.add(replacement);
          placed = true;
        }
      } else {
        out.add(f);
      }
    }
    if (!placed) {
      out.add(replacement);
    }
    return new Headers(List.copyOf(out));
  }

  /** Appends one field line. */
  public Headers plus(String name, String value) {
    List<Field> out = new ArrayList<>(fields);
    out.add(new Field(name, value));
    return new Headers(List.copyOf(out));
  }

  /** Removes every field line with any of these names. */
  public Headers without(String... names) {
    return without(List.of(names));
  }

  public Headers without(Iterable<String> names) {
    List<Field> out = new ArrayList<>(fields.size());
    for (Field f : fields) {
      boolean drop = false;
      for (String n : names) {
        if (f.named(n)) {
          drop = true;
          break;
        }
      }
      if (!drop) {
        out.add(f);
      }
    }
    return out.size() == fields.size() ? this : new Headers(List.copyOf(out));
  }

  public List<Field> fields() {
    return fields;
  }

  public int size() {
    return fields.size();
  }

  public boolean isEmpty() {
    return fields.isEmpty();
  }

  @Override
  public Iterator<Field> iterator() {
    return fields.iterator();
  }

  /** Field-order-sensitive equality with case-insensitive names. */
  @Override
  public boolean equals(Object o) {
    if (!(o instanceof Headers other) || other.fields.size() != fields.size()) {
      return false;
    }
    for (int i = 0; i < fields.size(); i++) {
      Field a = fields.get(i);
      Field b = other.fields.get(i);
      if (!a.named(b.name()) || !a.value().equals(b.value())) {
        return false;
      }
    }
    return true;
  }

  @Override
  public int hashCode() {
    int h = 1;
    for (Field f : fields) {
      h = 31 * h + f.name().toLowerCase(Locale.ROOT).hashCode();
      h = 31 * h + f.value().hashCode();
    }
    return h;
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("Headers[");
    for (int i = 0; i < fields.size(); i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(fields.get(i).name()).append(": ").append(fields.get(i).value());
    }
    return sb.append(']').toString();
  }

  /** Splits one list-based field value on commas outside quoted strings (RFC 9110 §5.6.1, §5.6.4). */
  public static List<String> splitList(String value) {
    List<String> out = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    boolean quoted = false;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (quoted && c == '\\' && i + 1 < value.length()) {
        cur.append(c).append(value.charAt(++i));
        continue;
      }
      if (c == '"') {
        quoted = !quoted;
      }
      if (c == ',' && !quoted) {
        addTrimmed(out, cur);
        cur.setLength(0);
      } else {
        cur.append(c);
      }
    }
    addTrimmed(out, cur);
    return out;
  }

  private static void addTrimmed(List<String> out, StringBuilder member) {
    String t = member.toString().strip();
    if (!t.isEmpty()) {
      out.add(t);
    }
  }

  /** Collects field lines; not thread-safe. */
  public static final class Builder {
    private final List<Field> fields = new ArrayList<>();

    private Builder() {
    }

    public Builder add(String name, String value) {
      fields.add(new Field(name, value));
      return this;
    }

    public Headers build() {
      return fields.isEmpty() ? EMPTY : new Headers(List.copyOf(fields));
    }
  }
}
