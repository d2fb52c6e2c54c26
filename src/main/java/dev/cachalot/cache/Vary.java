package dev.cachalot.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.TreeSet;

/**
 * Secondary keys (RFC 9111 §4.1): a stored response may be reused for a request only if every
 * header field its Vary names matches the original request's. Values are compared after combining
 * field lines and normalising whitespace around list members (§4.1 allows this normalisation);
 * a field absent from both requests matches, absent from one does not. {@code Vary: *} never matches.
 */
public final class Vary {

  private Vary() {
  }

  public static boolean matches(StoredResponse stored, RequestHead request) {
    List<String> names = stored.headers().values("Vary");
    if (names.contains("*")) {
      return false;
    }
    for (String name : names) {
      if (!Objects.equals(normalised(stored.requestHeaders(), name), normalised(request.headers(), name))) {
        return false;
      }
    }
    return true;
  }

  /**
   * A string that identifies the variant among the responses stored under one primary key:
   * the nominated field names (sorted, lower-cased) with the request's normalised values;
   * empty when the response has no Vary. Two requests that {@link #matches} a stored response
   * produce its secondary key.
   */
  public static String secondaryKey(ResponseHead response, RequestHead request) {
    TreeSet<String> names = new TreeSet<>();
    for (String n : response.headers().values("Vary")) {
      names.add(n.toLowerCase(Locale.ROOT));
    }
    StringBuilder sb = new StringBuilder();
    for (String n : names) {
      if (sb.length() > 0) {
        sb.append('\n');
      }
      String value = normalised(request.headers(), n);
      sb.append(n).append(value == null ? "" : "=" + value);
    }
    return sb.toString();
  }

  /** null when the field is absent; otherwise its members joined by ", ". */
  private static String normalised(Headers headers, String name) {
    if (!headers.contains(name)) {
      return null;
    }
    List<String> members = new ArrayList<>();
    for (String m : headers.values(name)) {
      members.add(m.replaceAll("\\s+", " "));
    }
    return String.join(", ", members);
  }
}
