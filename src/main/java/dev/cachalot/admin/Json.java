package dev.cachalot.admin;

/** Just enough JSON writing for {@code /api/stats}: strings escaped per RFC 8259 §7. */
final class Json {

  private Json() {}

  static StringBuilder string(StringBuilder out, String value) {
    out.append('"');
    if (value == null) {
      return out.append('"');
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == 0x2028 || c == 0x2029) {
            // <, > and & escaped too: a URL from the wire never turns into markup if this is embedded.
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"');
  }

  static StringBuilder number(StringBuilder out, double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return out.append('0');
    }
    return out.append(Math.round(value * 1000) / 1000.0);
  }
}
