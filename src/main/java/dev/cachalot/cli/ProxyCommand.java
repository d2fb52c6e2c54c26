package dev.cachalot.cli;

import dev.cachalot.admin.AdminServer;
import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.store.RedisSettings;
import dev.cachalot.proxy.AdminAccess;
import dev.cachalot.proxy.ProxyConfig;
import dev.cachalot.proxy.ProxyServer;
import dev.cachalot.proxy.ReverseRoutes;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.ArrayList;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.lang.reflect.RecordComponent;
import dev.cachalot.UserFacingException;
import dev.cachalot.config.ConfigException;
import dev.cachalot.config.ConfigFile;
import dev.cachalot.config.ConfigReloader;
import dev.cachalot.config.Hangup;
import dev.cachalot.rules.Presets;
import dev.cachalot.rules.Rules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "proxy",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Run the caching HTTP/1.1 proxy (forward proxy, CONNECT tunnels, the lab's bare-host lines).")
final class ProxyCommand implements Callable<Integer> {

  private static final Logger log = LoggerFactory.getLogger(ProxyCommand.class);

  @Mixin LoggingOptions logging;
  @Mixin ObservabilityOptions observability;

  @Option(names = "--listen", paramLabel = "HOST:PORT", converter = HostPortConverter.class,
      description = "Address to listen on (default: ${DEFAULT-VALUE}). Listening beyond loopback exposes the proxy.",
      defaultValue = "127.0.0.1:8888")
  InetSocketAddress listen;

  @Option(names = "--connect-ports", paramLabel = "PORT", split = ",",
      description = "Ports CONNECT may reach (default: 443).", defaultValue = "443")
  List<Integer> connectPorts;

  @Option(names = "--access-log", paramLabel = "FILE",
      description = "Write the access log to FILE instead of stdout (format: --access-log-format).")
  Path accessLog;

  @Option(names = "--connect-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Origin connect timeout (default: ${DEFAULT-VALUE}).", defaultValue = "10s")
  Duration connectTimeout;

  @Option(names = "--first-byte-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "How long an origin may stay silent before 504 (default: ${DEFAULT-VALUE}).", defaultValue = "60s")
  Duration firstByteTimeout;

  @Mixin SecurityOptions security;

  @Option(names = "--cache-mem", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Memory for cached responses (default: ${DEFAULT-VALUE}).", defaultValue = "256m")
  long cacheMem;

  @Option(names = "--cache-max-object", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Largest response stored; larger ones stream through (default: ${DEFAULT-VALUE}).",
      defaultValue = "64m")
  long cacheMaxObject;

  @Option(names = "--heuristic-percent", paramLabel = "PERCENT",
      description = "Heuristic freshness: this share of the time since Last-Modified (default: ${DEFAULT-VALUE}).",
      defaultValue = "10")
  double heuristicPercent;

  @Option(names = "--heuristic-max", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Cap on heuristic freshness (default: ${DEFAULT-VALUE}).", defaultValue = "1d")
  Duration heuristicMax;

  @Option(names = "--share-set-cookie",
      description = "Serve stored responses that carry Set-Cookie to other clients, as RFC 9111 allows "
          + "(default: only when the origin marks them public or s-maxage).")
  boolean shareSetCookie;

  @Option(names = "--preset", paramLabel = "NAME", split = ",",
      description = "Rule presets, tried before the config file's rules: debian, ubuntu (by-hash/ and pool/ "
          + "immutable for a year, index files 5 minutes then revalidated).")
  List<String> presets = new ArrayList<>();

  @Option(names = "--cache-dir", paramLabel = "DIR|none",
      description = "Keep the cache on disk in DIR, behind the memory cache (default: $XDG_CACHE_HOME/cachalot, "
          + "else ~/.cache/cachalot); 'none' keeps it in memory only.")
  String cacheDir;

  @Option(names = "--cache-disk", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Bound of the cache directory (default: ${DEFAULT-VALUE}).", defaultValue = "1g")
  long cacheDisk;

  @Option(names = "--cache-store", paramLabel = "URI",
      description = "Share the cache with a fleet of proxies through Redis, behind the local tiers: "
          + "redis://[:PASSWORD@]HOST:PORT[/DB], rediss://... (TLS) or redis-sentinel://HOST:PORT[,HOST:PORT]#MASTER; "
          + "the password may also come from $CACHALOT_REDIS_PASSWORD. See docs/fleet.md.")
  String cacheStore;

  @Option(names = "--redis-max-object", paramLabel = "SIZE", converter = SizeConverter.class,
      description = "Larger bodies stay in the local tiers only (default: ${DEFAULT-VALUE}).", defaultValue = "16m")
  long redisMaxObject;

  @Option(names = "--purge-allow", paramLabel = "CIDR",
      description = "Client network allowed to send PURGE, besides this host (repeatable; it must be in --allow "
          + "too; default: loopback only).")
  List<String> purgeAllow = new ArrayList<>();

  @Option(names = "--reverse", paramLabel = "[HOST=]URL",
      description = "Reverse-proxy (accelerator) mode: send origin-form requests (GET /path) to URL, "
          + "e.g. http://127.0.0.1:9000; repeat as HOST=URL to route by Host.")
  List<String> reverse = new ArrayList<>();

  @Option(names = "--reverse-host-rewrite",
      description = "In reverse mode, send the origin's authority as Host instead of the client's.")
  boolean reverseHostRewrite;

  @Option(names = "--drain-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "On SIGTERM, how long in-flight responses may take to finish (default: ${DEFAULT-VALUE}).",
      defaultValue = "10s")
  Duration drainTimeout;

  @Option(names = "--config", paramLabel = "FILE",
      description = "YAML file with any of these options (without --), presets and rules; flags given here win. "
          + "Rules, presets, heuristic and Set-Cookie settings reload on SIGHUP. Example: docs/cachalot.example.yaml.")
  Path configFile;

  @Spec CommandSpec spec;

  /** Reloads {@link #configFile} into the running proxy; null without --config or before start. */
  private volatile ConfigReloader<ProxyConfig> reloader;

  @Override
  public Integer call() throws Exception {
    ProxyConfig config = effectiveConfig();
    // Options outside ProxyConfig (admin, trace, access control) come from the file too.
    ProxyCommand options = configFile == null ? this : merged(ConfigFile.load(configFile, optionKeys()));
    if (options.observability.rotates() && config.accessLog().isEmpty()) {
      throw new UserFacingException("--access-log-rotate needs --access-log FILE: the access log on stdout "
          + "does not rotate (pipe it to a rotating logger instead)", 64, null);
    }
    try (ProxyServer server = ProxyServer.start(config, options.observability.observability(config.listen()),
        options.security.toConfig());
        AdminServer admin = options.observability.startAdmin(server)) {
      if (configFile != null) {
        reloader = reloaderFor(server);
        Hangup.onHangup(reloader::reload);
        if (admin != null) {
          admin.reloadWith(reloader::reload);
        }
      }
      GracefulStop.onSignals(() -> server.shutdown(drainTimeout));
      server.announceReady();
      server.awaitClose();
      server.shutdown(drainTimeout);
    }
    return 0;
  }

  /** Reloads the file into {@code server}: the cache settings (rules included) apply to new requests. */
  ConfigReloader<ProxyConfig> reloaderFor(ProxyServer server) {
    return new ConfigReloader<>(configFile.toString(), this::effectiveConfig, next -> {
      for (RecordComponent c : ProxyConfig.class.getRecordComponents()) {
        if (!c.getName().equals("cache") && !c.getName().equals("pseudonym")) {
          try {
            Object now = c.getAccessor().invoke(lastLoaded);
            Object then = c.getAccessor().invoke(next);
            if (!java.util.Objects.equals(now, then)) {
              log.warn("reload: '{}' changed in {}; it applies after a restart", c.getName(), configFile);
            }
          } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
          }
        }
      }
      server.cacheConfig(next.cache());
    }, next -> next.cache().rules().list().size() + " rules " + next.cache().rules().list().stream()
        .map(r -> r.name()).toList());
  }

  /** The last configuration built, to tell which restart-only settings a reload would change. */
  private volatile ProxyConfig lastLoaded;

  /** Defaults, then the config file (if any), then the flags given on the command line. */
  ProxyConfig effectiveConfig() {
    ConfigFile file = configFile == null ? null : ConfigFile.load(configFile, optionKeys());
    ProxyCommand effective = file == null ? this : merged(file);
    List<String> presetNames = file == null || spec == null || hasFlag("--preset") ? presets : file.presets();
    Rules rules;
    try {
      rules = file == null ? presetRules(presetNames) : file.allRules(presetNames);
    } catch (IllegalArgumentException e) {
      throw new UserFacingException("--preset: " + e.getMessage(), 2, e);
    }
    try {
      ProxyConfig built = effective.build(rules);
      if (lastLoaded == null || reloader == null) {
        lastLoaded = built;
      }
      return built;
    } catch (IllegalArgumentException e) {
      // ProxyConfig names the option ("--connect-ports: ..."): point at the file's line when it came from there.
      if (file != null) {
        for (ConfigFile.Setting setting : file.settings()) {
          if (e.getMessage() != null && e.getMessage().startsWith("--" + setting.key()) && !hasFlag("--" + setting.key())) {
            throw new ConfigException(file.file() + ":" + setting.line() + ": bad value for '" + setting.key() + "': "
                + e.getMessage().substring(setting.key().length() + 2).replaceFirst("^:\\s*", ""));
          }
        }
      }
      throw e;
    }
  }

  private static Rules presetRules(List<String> names) {
    List<dev.cachalot.rules.Rule> all = new ArrayList<>();
    for (String n : names) {
      all.addAll(Presets.get(n));
    }
    return Rules.of(all);
  }

  private ProxyConfig build(Rules rules) {
    return ProxyConfig.defaults()
        .withListen(listen)
        .withConnectPorts(new LinkedHashSet<>(connectPorts))
        .withTimeouts(connectTimeout, firstByteTimeout)
        .withAccessLog(Optional.ofNullable(accessLog))
        .withCache(cacheMem, CacheConfig.DEFAULT
            .withMaxObjectBytes(cacheMaxObject)
            .withHeuristic(heuristicPercent / 100.0, heuristicMax)
            .withStoreSetCookie(shareSetCookie)
            .withRules(rules))
        .withCacheDir(CacheDirs.resolve(cacheDir), cacheDisk)
        .withRedis(Optional.ofNullable(cacheStore).filter(u -> !u.isBlank())
            .map(u -> RedisSettings.of(u.strip()).withMaxObjectBytes(redisMaxObject)))
        .withReverse(ReverseRoutes.parse(reverse, reverseHostRewrite))
        .withAdmin(AdminAccess.loopbackAnd(SecurityOptions.networks("--purge-allow", purgeAllow)));
  }

  private boolean hasFlag(String name) {
    return spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null
        && spec.commandLine().getParseResult().hasMatchedOption(name);
  }

  /** Keys the config file may set: every long option except --help, --version, --config and --preset. */
  private Set<String> optionKeys() {
    Set<String> keys = new TreeSet<>();
    for (OptionSpec o : new CommandLine(new ProxyCommand()).getCommandSpec().options()) {
      String name = o.longestName();
      if (name.startsWith("--") && !o.usageHelp() && !o.versionHelp()
          && !name.equals("--config") && !name.equals("--preset")) {
        keys.add(name.substring(2));
      }
    }
    return keys;
  }

  /**
   * A fresh command holding the defaults, overwritten by the file's settings (each converted by
   * picocli exactly as a flag would be, so the file accepts what the command line accepts), then by
   * the flags matched on the command line.
   */
  private ProxyCommand merged(ConfigFile file) {
    ProxyCommand fresh = new ProxyCommand();
    CommandLine target = new CommandLine(fresh);
    target.parseArgs();
    for (ConfigFile.Setting setting : file.settings()) {
      String name = "--" + setting.key();
      if (hasFlag(name)) {
        continue;
      }
      OptionSpec option = target.getCommandSpec().findOption(name);
      if (option.arity().max() == 0) {
        String v = setting.values().size() == 1 ? setting.values().get(0) : "";
        if (!v.equals("true") && !v.equals("false")) {
          throw new ConfigException(file.file() + ":" + setting.line() + ": bad value for '" + setting.key()
              + "': expected true or false, got '" + String.join(", ", setting.values()) + "'");
        }
        option.setValue(Boolean.parseBoolean(v));
        continue;
      }
      List<String> args = new ArrayList<>();
      for (String v : setting.values()) {
        args.add(name);
        args.add(v);
      }
      CommandLine probe = new CommandLine(new ProxyCommand());
      try {
        probe.parseArgs(args.toArray(String[]::new));
      } catch (ParameterException e) {
        String why = e.getMessage().replaceFirst("^Invalid value for option '[^']*': ", "")
            .replaceFirst("^option '[^']*' ", "");
        throw new ConfigException(file.file() + ":" + setting.line() + ": bad value for '" + setting.key() + "': " + why);
      }
      option.setValue(probe.getCommandSpec().findOption(name).getValue());
    }
    if (spec != null && spec.commandLine() != null && spec.commandLine().getParseResult() != null) {
      for (OptionSpec matched : spec.commandLine().getParseResult().matchedOptions()) {
        OptionSpec option = target.getCommandSpec().findOption(matched.longestName());
        if (option != null) {
          option.setValue(matched.getValue());
        }
      }
    }
    return fresh;
  }
}
