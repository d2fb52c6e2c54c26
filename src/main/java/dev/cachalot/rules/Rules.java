package dev.cachalot.rules;

import dev.cachalot.cache.RequestHead;
import dev.cachalot.cache.ResponseHead;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An ordered list of operator rules; the first rule that matches decides (like Squid's
 * refresh_pattern). Immutable and pure: reloading a configuration builds a new {@code Rules}.
 */
public final class Rules {

  public static final Rules EMPTY = new Rules(List.of());

  private final List<Rule> rules;

  private Rules(List<Rule> rules) {
    this.rules = List.copyOf(rules);
  }

  /** @throws IllegalArgumentException when two rules share a name */
  public static Rules of(List<Rule> rules) {
    Set<String> names = new HashSet<>();
    for (Rule r : rules) {
      if (!names.add(r.name())) {
        throw new IllegalArgumentException("two rules are named '" + r.name() + "'");
      }
    }
    return rules.isEmpty() ? EMPTY : new Rules(rules);
  }

  public static Rules of(Rule... rules) {
    return of(List.of(rules));
  }

  public List<Rule> list() {
    return rules;
  }

  public boolean isEmpty() {
    return rules.isEmpty();
  }

  /** The first rule matching the request and the response head. */
  public Optional<Rule> match(RequestHead request, ResponseHead response) {
    for (Rule r : rules) {
      if (r.matches(request, response)) {
        return Optional.of(r);
      }
    }
    return Optional.empty();
  }

  /**
   * The bypass rule for a request, checked before the cache is consulted: the first rule whose URL and
   * method match decides, so a bypass rule placed after another rule for the same URLs does nothing.
   */
  public Optional<Rule> bypass(RequestHead request) {
    for (Rule r : rules) {
      if (r.matchesRequest(request)) {
        return r.action() instanceof Action.Bypass ? Optional.of(r) : Optional.empty();
      }
    }
    return Optional.empty();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Rules other && other.rules.equals(rules);
  }

  @Override
  public int hashCode() {
    return rules.hashCode();
  }

  @Override
  public String toString() {
    return rules.toString();
  }
}
