package dev.cachalot.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import dev.cachalot.UserFacingException;
import dev.cachalot.admin.AdminServer;
import dev.cachalot.admin.ProxyMetrics;
import dev.cachalot.proxy.AccessLogFormat;
import dev.cachalot.proxy.AccessLogRotation;
import dev.cachalot.proxy.AdminAccess;
import dev.cachalot.proxy.Cidr;
import dev.cachalot.proxy.Observability;
import dev.cachalot.proxy.ProxyAuth;
import dev.cachalot.proxy.ProxyListener;
import dev.cachalot.proxy.ProxyServer;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** `proxy`'s admin endpoint, trace and access-log format options, and what they start. */
final class ObservabilityOptions {

  @Option(names = "--admin", paramLabel = "HOST:PORT|none", converter = AdminAddress.class,
      description = "Admin endpoint: dashboard at /, Prometheus /metrics, /healthz, /api/stats "
          + "(default: ${DEFAULT-VALUE}; 'none' turns it off). Never the proxy's port.",
      defaultValue = "127.0.0.1:8889")
  InetSocketAddress admin;

  @Option(names = "--admin-allow", paramLabel = "CIDR",
      description = "Client network allowed to use the admin endpoint besides this host's loopback (repeatable; "
          + "default: none, so an admin endpoint bound wider answers 403 until told whom to serve).")
  List<String> adminAllow = new ArrayList<>();

  @Option(names = "--admin-auth-file", paramLabel = "FILE",
      description = "Require Basic authentication on the admin endpoint (all but /healthz), users from FILE in "
          + "--auth-file's format (make lines with `cachalot passwd USER`).")
  Path adminAuthFile;

  @Option(names = "--trace",
      description = "Log one line per request event with timings (logger cachalot.trace): request heads, "
          + "cache decisions and reasons, origin connect, request and response heads, bytes, tunnels.")
  boolean trace;

  @Option(names = "--access-log-format", paramLabel = "squid|combined", converter = Format.class,
      description = "Access log lines in Squid's native format or Apache's combined format (default: ${DEFAULT-VALUE}).",
      defaultValue = "squid")
  AccessLogFormat accessLogFormat;

  @Option(names = "--access-log-rotate", paramLabel = "size:SIZE|daily", converter = Rotate.class,
      description = "Rotate the --access-log file when it passes SIZE (size:100m; FILE.1 is the newest old file) "
          + "or at midnight (daily; FILE.yyyy-MM-dd). Default: never.")
  AccessLogRotation rotate;

  @Option(names = "--access-log-keep", paramLabel = "N", defaultValue = "7",
      description = "How many rotated access-log files to keep: files by size (at most 20), days when daily "
          + "(default: ${DEFAULT-VALUE}).")
  int accessLogKeep;

  @Spec(Spec.Target.MIXEE) CommandSpec mixee;

  private static final org.slf4j.Logger log = LoggerFactory.getLogger(ObservabilityOptions.class);
  private ProxyMetrics metrics;
  private List<Cidr> adminAllowed = List.of();
  private Optional<ProxyAuth> adminUsers = Optional.empty();

  /** What the proxy reports to; call before starting it. Turns the trace logger on if asked. */
  Observability observability(InetSocketAddress proxyListen) {
    if (admin != null && admin.getPort() != 0 && admin.getPort() == proxyListen.getPort()) {
      throw new UserFacingException("--admin " + admin.getHostString() + ":" + admin.getPort()
          + " is the proxy's own port: the admin endpoint needs a port of its own (or --admin none)", 2, null);
    }
    if (trace) {
      ((Logger) LoggerFactory.getLogger("cachalot.trace")).setLevel(Level.INFO);
    }
    AccessLogRotation rotation = accessLogRotation();
    adminAllowed = SecurityOptions.networks("--admin-allow", adminAllow);
    adminUsers = Optional.ofNullable(adminAuthFile).map(file -> SecurityOptions.users("--admin-auth-file", file));
    metrics = admin == null ? null : new ProxyMetrics();
    return new Observability(metrics == null ? ProxyListener.NONE : metrics, accessLogFormat, rotation);
  }

  /** The access log's rotation, checked: --access-log-keep within bounds. */
  AccessLogRotation accessLogRotation() {
    if (rotate == null) {
      return AccessLogRotation.NONE;
    }
    try {
      return new AccessLogRotation(rotate.kind(), rotate.maxBytes(), accessLogKeep);
    } catch (IllegalArgumentException e) {
      throw new UserFacingException("--access-log-keep " + accessLogKeep + ": " + e.getMessage(), 64, e);
    }
  }

  /** Whether --access-log-rotate was given, which needs --access-log FILE. */
  boolean rotates() {
    return rotate != null;
  }

  /**
   * Starts the admin endpoint for {@code server}, or returns null when it is off. When the default
   * port is taken (a second proxy on the same machine, a test), the proxy still runs, with a warning;
   * an address given with --admin must work.
   */
  AdminServer startAdmin(ProxyServer server) {
    if (metrics == null) {
      return null;
    }
    try {
      metrics.watchTiers(server::tiers);
      if (server.usesRedis()) {
        metrics.watchRedis(server::redisUp);
      }
      AdminServer started = AdminServer.start(admin, metrics, AdminAccess.loopbackAnd(adminAllowed), adminUsers);
      if (adminAllowed.isEmpty() && !started.address().getAddress().isLoopbackAddress()) {
        log.warn("admin endpoint on {}:{} answers this host's loopback clients only: add --admin-allow CIDR "
            + "for others (a Prometheus server, say)", admin.getHostString(), started.address().getPort());
      }
      return started;
    } catch (UserFacingException e) {
      if (mixee != null && mixee.commandLine() != null
          && mixee.commandLine().getParseResult().hasMatchedOption("--admin")) {
        throw e;
      }
      log.warn("{}; running without the admin endpoint", e.getMessage());
      return null;
    }
  }

  static final class AdminAddress implements ITypeConverter<InetSocketAddress> {
    @Override
    public InetSocketAddress convert(String value) {
      if (value.equalsIgnoreCase("none")) {
        return null;
      }
      try {
        return HostPortConverter.parse(value, "127.0.0.1");
      } catch (TypeConversionException e) {
        throw new TypeConversionException(e.getMessage() + " (give HOST:PORT, or none to turn the admin endpoint off)");
      }
    }
  }

  static final class Rotate implements ITypeConverter<AccessLogRotation> {
    @Override
    public AccessLogRotation convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.equals("daily")) {
        return AccessLogRotation.daily(1);
      }
      if (v.startsWith("size:")) {
        long bytes = new SizeConverter().convert(v.substring("size:".length()));
        if (bytes < 1) {
          throw new TypeConversionException("the size in '" + value + "' must be positive");
        }
        return AccessLogRotation.bySize(bytes, 1);
      }
      throw new TypeConversionException("expected size:SIZE (e.g. size:100m) or daily, got '" + value + "'");
    }
  }

  static final class Format implements ITypeConverter<AccessLogFormat> {
    @Override
    public AccessLogFormat convert(String value) {
      try {
        return AccessLogFormat.valueOf(value.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException("expected squid or combined, got '" + value + "'");
      }
    }
  }
}
