package dev.cachalot.rules;

import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One operator rule: what it matches and what it does. Absent matchers match everything, except
 * that a rule giving freshness matches status 200 only unless it lists statuses (a year of
 * freshness for a 404 or a redirect is rarely what was meant; nginx's proxy_cache_valid has a
 * similar default).
 *
 * @param name token naming the rule in reasons and Cache-Status detail
 * @param preset the preset the rule came from, if any
 * @param url URL pattern, or empty for any URL
 * @param methods request methods (case-sensitive, RFC 9110 §9.1), empty for any
 * @param statuses response statuses, empty for the default (see above)
 * @param contentTypes media types of the response, {@code type/subtype} or {@code type/*}, compared
 *     without parameters and case-insensitively; empty for any
 * @param action what to do
 * @param override let the rule's lifetime win over the origin's max-age, s-maxage, Expires and
 *     no-cache (never over no-store, private, Authorization or Set-Cookie rules)
 */
public record Rule(String name, Optional<String> preset, Optional<UrlPattern> url, Set<String> methods,
                   Set<Integer> statuses, List<String> contentTypes, Action action, boolean override) {

  /** Statuses a freshness rule matches when it lists none. */
  public static final Set<Integer> DEFAULT_FRESHNESS_STATUSES = Set.of(200);

  public Rule {
    Objects.requireNonNull(name, "name");
    if (!name.matches("[A-Za-z][A-Za-z0-9._-]*")) {
      throw new IllegalArgumentException("rule name must be a token (a letter, then letters, digits, . _ -), got '"
          + name + "'");
    }
    Objects.requireNonNull(preset, "preset");
    Objects.requireNonNull(url, "url");
    methods = Set.copyOf(methods);
    statuses = Set.copyOf(statuses);
    for (int s : statuses) {
      if (s < 100 || s > 999) {
        throw new IllegalArgumentException("status must be a three-digit code, got " + s);
      }
    }
    contentTypes = contentTypes.stream().map(t -> t.trim().toLowerCase(Locale.ROOT)).toList();
    for (String t : contentTypes) {
      if (!t.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)")) {
        throw new IllegalArgumentException("content type must be type/subtype or type/*, got '" + t + "'");
      }
    }
    Objects.requireNonNull(action, "action");
    if (action instanceof Action.Bypass && (!statuses.isEmpty() || !contentTypes.isEmpty())) {
      throw new IllegalArgumentException("a bypass rule is decided before the response exists: "
          + "it cannot match status or content-type");
    }
    if (override && !action.givesFreshness()) {
      throw new IllegalArgumentException("override applies to default and immutable rules only");
    }
  }

  /** A rule matching any method, status and content type. */
  public static Rule of(String name, UrlPattern url, Action action) {
    return new Rule(name, Optional.empty(), Optional.of(url), Set.of(), Set.of(), List.of(), action, false);
  }

  public Rule withPreset(String presetName) {
    return new Rule(name, Optional.of(presetName), url, methods, statuses, contentTypes, action, override);
  }

  public Rule withOverride(boolean value) {
    return new Rule(name, preset, url, methods, statuses, contentTypes, action, value);
  }

  public Rule withMethods(Set<String> value) {
    return new Rule(name, preset, url, value, statuses, contentTypes, action, override);
  }

  public Rule withStatuses(Set<Integer> value) {
    return new Rule(name, preset, url, methods, value, contentTypes, action, override);
  }

  public Rule withContentTypes(List<String> value) {
    return new Rule(name, preset, url, methods, statuses, value, action, override);
  }

  /** The request side: URL and method. */
  public boolean matchesRequest(RequestHead request) {
    return (methods.isEmpty() || methods.contains(request.method()))
        && url.map(u -> u.matches(request.uri())).orElse(true);
  }

  /** Request and response: URL, method, status and Content-Type. */
  public boolean matches(RequestHead request, ResponseHead response) {
    if (!matchesRequest(request)) {
      return false;
    }
    Set<Integer> wanted = statuses.isEmpty() && action.givesFreshness() ? DEFAULT_FRESHNESS_STATUSES : statuses;
    if (!wanted.isEmpty() && !wanted.contains(response.status())) {
      return false;
    }
    if (contentTypes.isEmpty()) {
      return true;
    }
    String media = response.headers().first("Content-Type").orElse("");
    int semi = media.indexOf(';');
    media = (semi >= 0 ? media.substring(0, semi) : media).trim().toLowerCase(Locale.ROOT);
    for (String t : contentTypes) {
      if (t.endsWith("/*") ? media.startsWith(t.substring(0, t.length() - 1)) : media.equals(t)) {
        return true;
      }
    }
    return false;
  }

  /** {@code rule "debian-by-hash" (preset debian): immutable 365d}, for decision reasons and logs. */
  public String reason() {
    return "rule \"" + name + "\"" + preset.map(p -> " (preset " + p + ")").orElse("") + ": " + action.describe()
        + (override ? ", overriding origin" : "");
  }

  /** {@code rule:debian-by-hash}, an sf-token for Cache-Status detail (RFC 9211 §2.8). */
  public String detail() {
    return "rule:" + name;
  }

  @Override
  public String toString() {
    return name + " [" + url.map(UrlPattern::toString).orElse("any URL")
        + (methods.isEmpty() ? "" : ", methods " + methods.stream().sorted().collect(Collectors.joining(",")))
        + (statuses.isEmpty() ? "" : ", status " + statuses)
        + (contentTypes.isEmpty() ? "" : ", content-type " + contentTypes) + "] -> " + action.describe();
  }
}
