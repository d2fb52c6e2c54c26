package dev.cachalot.proxy;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Who may use the proxy and how much of it: client networks, optional proxy authentication,
 * connection caps, the header-read timeout and the link-local (cloud metadata) guard. Validated
 * once when built. Kept apart from {@link ProxyConfig} so that the two evolve independently; see
 * docs/SECURITY.md for every default and its reason.
 */
public record SecurityConfig(
    List<Cidr> allow,
    Optional<ProxyAuth> auth,
    int maxConnections,
    int maxConnectionsPerClient,
    Duration headerReadTimeout,
    boolean allowLinkLocal) {

  public SecurityConfig {
    allow = List.copyOf(allow);
    if (allow.isEmpty()) {
      throw new IllegalArgumentException("--allow: at least one client network is needed");
    }
    Objects.requireNonNull(auth, "auth");
    if (maxConnections <= 0) {
      throw new IllegalArgumentException("--max-connections must be positive, got " + maxConnections);
    }
    if (maxConnectionsPerClient <= 0) {
      throw new IllegalArgumentException("--max-connections-per-client must be positive, got " + maxConnectionsPerClient);
    }
    if (headerReadTimeout == null || headerReadTimeout.isNegative() || headerReadTimeout.isZero()) {
      throw new IllegalArgumentException("--header-timeout must be positive, got " + headerReadTimeout);
    }
  }

  /** Loopback clients only, no authentication, 10,000 connections (256 per client IP), 10 s for a request head. */
  public static SecurityConfig defaults() {
    return new SecurityConfig(List.of(Cidr.LOOPBACK_V4, Cidr.LOOPBACK_V6), Optional.empty(), 10_000, 256,
        Duration.ofSeconds(10), false);
  }

  public SecurityConfig withAllow(List<Cidr> networks) {
    return new SecurityConfig(networks, auth, maxConnections, maxConnectionsPerClient, headerReadTimeout, allowLinkLocal);
  }

  public SecurityConfig withAuth(Optional<ProxyAuth> a) {
    return new SecurityConfig(allow, a, maxConnections, maxConnectionsPerClient, headerReadTimeout, allowLinkLocal);
  }

  public SecurityConfig withMaxConnections(int total, int perClient) {
    return new SecurityConfig(allow, auth, total, perClient, headerReadTimeout, allowLinkLocal);
  }

  public SecurityConfig withHeaderReadTimeout(Duration timeout) {
    return new SecurityConfig(allow, auth, maxConnections, maxConnectionsPerClient, timeout, allowLinkLocal);
  }

  public SecurityConfig withAllowLinkLocal(boolean allowed) {
    return new SecurityConfig(allow, auth, maxConnections, maxConnectionsPerClient, headerReadTimeout, allowed);
  }
}
