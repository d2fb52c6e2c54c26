package dev.cachalot.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import dev.cachalot.rules.Action;
import dev.cachalot.rules.Durations;
import dev.cachalot.rules.Rule;
import dev.cachalot.rules.UrlPattern;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;

/** One entry of {@code rules:} as written in the file; {@link #toRule()} validates it. */
final class RuleSpec {

  @JsonProperty("name") String name;
  @JsonProperty("url-regex") String urlRegex;
  @JsonProperty("url-glob") String urlGlob;
  @JsonProperty("ignore-case") boolean ignoreCase;
  @JsonProperty("methods") List<String> methods = List.of();
  @JsonProperty("status") List<Integer> status = List.of();
  @JsonProperty("content-type") List<String> contentType = List.of();
  @JsonProperty("default") DefaultSpec defaultFreshness;
  @JsonProperty("immutable") String immutable;
  @JsonProperty("never-cache") boolean neverCache;
  @JsonProperty("bypass") boolean bypass;
  @JsonProperty("override") boolean override;

  /** {@code default: {min: 5m, percent: 20, max: 1d}}, refresh_pattern's three numbers. */
  static final class DefaultSpec {
    @JsonProperty("min") String min = "0s";
    @JsonProperty("percent") double percent;
    @JsonProperty("max") String max;
  }

  /** @throws IllegalArgumentException naming the problem */
  Rule toRule() {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("a rule needs a name");
    }
    try {
      return build();
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("rule '" + name + "': " + e.getMessage(), e);
    }
  }

  private Rule build() {
    if (urlRegex != null && urlGlob != null) {
      throw new IllegalArgumentException("give url-regex or url-glob, not both");
    }
    Optional<UrlPattern> url = urlRegex != null ? Optional.of(UrlPattern.regex(urlRegex, ignoreCase))
        : urlGlob != null ? Optional.of(UrlPattern.glob(urlGlob, ignoreCase)) : Optional.empty();
    List<Action> actions = new ArrayList<>();
    if (defaultFreshness != null) {
      var min = Durations.parse(defaultFreshness.min);
      var max = defaultFreshness.max == null ? min : Durations.parse(defaultFreshness.max);
      actions.add(new Action.DefaultFreshness(min, defaultFreshness.percent, max));
    }
    if (immutable != null) {
      actions.add(new Action.Immutable(Durations.parse(immutable)));
    }
    if (neverCache) {
      actions.add(new Action.NeverCache());
    }
    if (bypass) {
      actions.add(new Action.Bypass());
    }
    if (actions.size() != 1) {
      throw new IllegalArgumentException("needs exactly one of default, immutable, never-cache, bypass; got "
          + actions.size());
    }
    return new Rule(name, Optional.empty(), url, new LinkedHashSet<>(methods), new LinkedHashSet<>(status),
        contentType, actions.get(0), override);
  }
}
