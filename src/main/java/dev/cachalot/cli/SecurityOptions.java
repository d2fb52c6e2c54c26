package dev.cachalot.cli;

import dev.cachalot.UserFacingException;
import dev.cachalot.proxy.Cidr;
import dev.cachalot.proxy.ProxyAuth;
import dev.cachalot.proxy.SecurityConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.Option;

/** The proxy's access-control and limit options; see docs/SECURITY.md for the defaults' reasons. */
final class SecurityOptions {

  @Option(names = "--allow", paramLabel = "CIDR",
      description = "Client network allowed to use the proxy, IPv4 or IPv6 (repeatable; default: 127.0.0.0/8 and ::1). "
          + "Other clients get 403.")
  List<String> allow = new ArrayList<>();

  @Option(names = "--auth-file", paramLabel = "FILE",
      description = "Require proxy authentication (Basic); FILE has lines user:salt:sha256hex(salt+password) "
          + "or user:pbkdf2-sha256:ITERATIONS:salt:hexhash (see docs/SECURITY.md).")
  Path authFile;

  @Option(names = "--max-connections", paramLabel = "N",
      description = "Most client connections open at once (default: ${DEFAULT-VALUE}); more get 503.", defaultValue = "10000")
  int maxConnections;

  @Option(names = "--max-connections-per-client", paramLabel = "N",
      description = "Most connections from one client IP (default: ${DEFAULT-VALUE}); more get 503.", defaultValue = "256")
  int maxConnectionsPerClient;

  @Option(names = "--header-timeout", paramLabel = "DURATION", converter = DurationConverter.class,
      description = "Time a client has to send a complete request head (default: ${DEFAULT-VALUE}); then 408.",
      defaultValue = "10s")
  Duration headerTimeout;

  @Option(names = "--allow-link-local",
      description = "Allow origins at link-local and cloud metadata addresses (169.254.0.0/16, fe80::/10, fd00:ec2::254).")
  boolean allowLinkLocal;

  /** {@code texts} as networks, or a usage error naming {@code option} and the bad value. */
  static List<Cidr> networks(String option, List<String> texts) {
    List<Cidr> networks = new ArrayList<>();
    for (String text : texts) {
      try {
        networks.add(Cidr.parse(text));
      } catch (IllegalArgumentException e) {
        throw new UserFacingException(option + ": " + e.getMessage(), 64, e); // EX_USAGE
      }
    }
    return networks;
  }

  /** The password file given with {@code option}, or a one-line error: 64 for a bad line, 66 when it cannot be read. */
  static ProxyAuth users(String option, Path file) {
    try {
      return ProxyAuth.load(file, option);
    } catch (IllegalArgumentException e) {
      throw new UserFacingException(e.getMessage(), 64, e); // EX_USAGE
    } catch (java.io.UncheckedIOException e) {
      throw new UserFacingException(e.getMessage(), 66, e); // EX_NOINPUT
    }
  }

  SecurityConfig toConfig() {
    try {
      SecurityConfig config = SecurityConfig.defaults();
      if (!allow.isEmpty()) {
        config = config.withAllow(networks("--allow", allow));
      }
      return config
          .withAuth(Optional.ofNullable(authFile).map(file -> users("--auth-file", file)))
          .withMaxConnections(maxConnections, maxConnectionsPerClient)
          .withHeaderReadTimeout(headerTimeout)
          .withAllowLinkLocal(allowLinkLocal);
    } catch (IllegalArgumentException e) {
      throw new UserFacingException(e.getMessage(), 64, e); // EX_USAGE
    }
  }
}
