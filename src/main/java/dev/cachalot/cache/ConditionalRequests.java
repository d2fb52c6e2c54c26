package dev.cachalot.cache;

import dev.cachalot.http.HttpDates;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** A client's own conditional request answered from a stored response (RFC 9110 §13.1, §13.2.2). */
public final class ConditionalRequests {

  private ConditionalRequests() {
  }

  /**
   * True when the client should get 304 Not Modified instead of the stored response. Only GET
   * and HEAD qualify. If-None-Match (weak comparison, §13.1.2) takes precedence over
   * If-Modified-Since, which is ignored when invalid or when the stored response has no
   * Last-Modified (§13.1.3, §13.2.2 steps 3 and 4).
   */
  public static boolean notModified(RequestHead clientRequest, ResponseHead stored) {
    if (!clientRequest.isGetOrHead()) {
      return false;
    }
    Headers h = clientRequest.headers();
    if (h.contains("If-None-Match")) {
      List<String> members = h.values("If-None-Match");
      if (members.contains("*")) {
        return true;
      }
      Optional<EntityTag> current = stored.headers().first("ETag").flatMap(EntityTag::parse);
      return current.isPresent()
          && EntityTag.parseList(members).stream().anyMatch(t -> t.weakMatch(current.get()));
    }
    Optional<Instant> since = h.first("If-Modified-Since").flatMap(HttpDates::parse);
    if (since.isEmpty()) {
      return false;
    }
    Optional<Instant> lastModified = stored.headers().first("Last-Modified").flatMap(HttpDates::parse);
    return lastModified.isPresent() && !lastModified.get().isAfter(since.get());
  }
}
