package dev.cachalot.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cachalot.rules.Presets;
import dev.cachalot.rules.Rule;
import dev.cachalot.rules.Rules;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The proxy's YAML config file, read once at start and again on reload. Top-level keys are the
 * long names of the command's options without {@code --} (their values are checked by the command,
 * which knows their types), plus {@code presets} and {@code rules}. Every problem is refused with
 * the file, the line and the key: {@code config.yaml:12: unknown key 'cache-mme' (known: ...)}.
 *
 * @param file the path as given, for messages
 * @param settings option values in file order, each with its line
 * @param presets preset names, expanded before {@code rules}
 * @param rules the file's own rules, tried after the presets' rules
 */
public record ConfigFile(String file, List<Setting> settings, List<String> presets, List<Rule> rules) {

  /** Keys that are not command options. */
  public static final Set<String> STRUCTURED_KEYS = Set.of("presets", "rules");

  /** One option value: scalars as text; a YAML list gives several values. */
  public record Setting(String key, List<String> values, int line) {
    public Setting {
      values = List.copyOf(values);
    }
  }

  public ConfigFile {
    Objects.requireNonNull(file, "file");
    settings = List.copyOf(settings);
    presets = List.copyOf(presets);
    rules = List.copyOf(rules);
  }

  /** The presets' rules, then the file's rules. */
  public Rules allRules(List<String> presetNames) {
    List<Rule> all = new ArrayList<>();
    for (String p : presetNames) {
      all.addAll(Presets.get(p));
    }
    all.addAll(rules);
    return Rules.of(all);
  }

  private static final YAMLMapper MAPPER = YAMLMapper.builder()
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .build();

  /**
   * Reads and checks {@code path}.
   *
   * @param optionKeys the option keys the command accepts (long names without {@code --})
   * @throws ConfigException naming the file, line and key
   */
  public static ConfigFile load(Path path, Set<String> optionKeys) {
    String file = path.toString();
    Set<String> known = new TreeSet<>(optionKeys);
    known.addAll(STRUCTURED_KEYS);
    String text;
    try {
      text = Files.readString(path);
    } catch (NoSuchFileException e) {
      throw new ConfigException(file + ": no such file");
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    List<Setting> settings = new ArrayList<>();
    List<String> presets = new ArrayList<>();
    List<Rule> rules = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    try (JsonParser p = MAPPER.createParser(text)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        return new ConfigFile(file, settings, presets, rules); // empty file: all defaults
      }
      if (t != JsonToken.START_OBJECT) {
        throw ConfigException.at(file, line(p), "expected a mapping of keys to values at the top");
      }
      while ((t = p.nextToken()) == JsonToken.FIELD_NAME) {
        String key = p.currentName();
        int line = line(p);
        if (!known.contains(key)) {
          throw ConfigException.at(file, line, "unknown key '" + key + "' (known: " + String.join(", ", known) + ")");
        }
        Integer before = seen.put(key, line);
        if (before != null) {
          throw ConfigException.at(file, line, "key '" + key + "' given twice (first on line " + before + ")");
        }
        p.nextToken();
        switch (key) {
          case "presets" -> {
            for (String name : scalars(p, file, key)) {
              try {
                Presets.get(name);
              } catch (IllegalArgumentException e) {
                throw ConfigException.at(file, line, "bad value for 'presets': " + e.getMessage());
              }
              presets.add(name);
            }
          }
          case "rules" -> rules.addAll(rules(p, file));
          default -> settings.add(new Setting(key, scalars(p, file, key), line));
        }
      }
    } catch (JsonProcessingException e) {
      // YAML syntax errors: Jackson names the line and column.
      JsonLocation loc = e.getLocation();
      throw ConfigException.at(file, loc == null ? 0 : loc.getLineNr(), "not valid YAML: " + e.getOriginalMessage()
          .lines().findFirst().orElse(""));
    } catch (IOException e) {
      throw new ConfigException(file + ": cannot read: " + e.getMessage(), e);
    }
    try {
      Rules.of(new ConfigFile(file, settings, presets, rules).allRules(presets).list());
    } catch (IllegalArgumentException e) {
      throw ConfigException.at(file, seen.getOrDefault("rules", 0), "rules: " + e.getMessage());
    }
    return new ConfigFile(file, settings, presets, rules);
  }

  /** A scalar, or a list of scalars. */
  private static List<String> scalars(JsonParser p, String file, String key) throws IOException {
    List<String> values = new ArrayList<>();
    JsonToken t = p.currentToken();
    if (t == JsonToken.START_ARRAY) {
      while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
        if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
          throw ConfigException.at(file, line(p), "bad value for '" + key + "': expected a list of plain values");
        }
        values.add(p.getText());
      }
      return values;
    }
    if (!t.isScalarValue() || t == JsonToken.VALUE_NULL) {
      throw ConfigException.at(file, line(p), "bad value for '" + key + "': expected a value"
          + (t == JsonToken.START_OBJECT ? ", not a mapping" : ""));
    }
    values.add(p.getText());
    return values;
  }

  private static List<Rule> rules(JsonParser p, String file) throws IOException {
    if (p.currentToken() != JsonToken.START_ARRAY) {
      throw ConfigException.at(file, line(p), "bad value for 'rules': expected a list of rules (each starting with -)");
    }
    List<Rule> rules = new ArrayList<>();
    int index = 0;
    while (p.nextToken() != JsonToken.END_ARRAY) {
      int line = line(p);
      String where = "rules[" + index + "]";
      RuleSpec spec;
      try {
        spec = MAPPER.readValue(p, RuleSpec.class);
      } catch (UnrecognizedPropertyException e) {
        String known = e.getKnownPropertyIds().stream().map(Object::toString).sorted()
            .collect(Collectors.joining(", "));
        throw ConfigException.at(file, e.getLocation().getLineNr(), "unknown key '" + e.getPropertyName() + "' in "
            + where + " (known: " + known + ")");
      } catch (JsonMappingException e) {
        String path = e.getPath().stream().map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
            .collect(Collectors.joining("."));
        throw ConfigException.at(file, e.getLocation() == null ? line : e.getLocation().getLineNr(),
            "bad value for '" + path + "' in " + where + ": " + e.getOriginalMessage().lines().findFirst().orElse(""));
      }
      try {
        rules.add(spec.toRule());
      } catch (IllegalArgumentException e) {
        throw ConfigException.at(file, line, where + ": " + e.getMessage());
      }
      index++;
    }
    return rules;
  }

  private static int line(JsonParser p) {
    return p.currentTokenLocation().getLineNr();
  }
}
