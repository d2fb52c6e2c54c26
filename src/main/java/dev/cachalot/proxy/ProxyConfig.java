package dev.cachalot.proxy;

import dev.cachalot.cache.CacheConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * Everything the proxy engine needs to know, validated once when built so that a bad value fails at
 * start with a message naming it, never in the middle of a request.
 */
public record ProxyConfig(
    InetSocketAddress listen,
    Set<Integer> connectPorts,
    String pseudonym,
    Duration connectTimeout,
    Duration firstByteTimeout,
    Duration clientIdleTimeout,
    Duration originIdleTimeout,
    int maxConnectionsPerOrigin,
    int ioThreads,
    Optional<Path> accessLog,
    Duration dnsQueryTimeout,
    long cacheMemBytes,
    CacheConfig cache) {

  public static final int DEFAULT_PORT = 8888;

  public ProxyConfig {
    Objects.requireNonNull(listen, "listen");
    connectPorts = Set.copyOf(connectPorts);
    for (int port : connectPorts) {
      requireThat(port > 0 && port < 65536, "--connect-ports: " + port + " is not a TCP port (1-65535)");
    }
    requireThat(pseudonym != null && pseudonym.matches("[A-Za-z0-9._-]+"),
        "pseudonym must be a token (letters, digits, . _ -), got: " + pseudonym);
    requirePositive(connectTimeout, "connect timeout");
    requirePositive(firstByteTimeout, "first-byte timeout");
    requirePositive(clientIdleTimeout, "client idle timeout");
    requirePositive(originIdleTimeout, "origin idle timeout");
    requirePositive(dnsQueryTimeout, "DNS query timeout");
    requireThat(maxConnectionsPerOrigin > 0, "max connections per origin must be positive, got " + maxConnectionsPerOrigin);
    requireThat(ioThreads >= 0, "io threads must be 0 (one per core) or more, got " + ioThreads);
    accessLog = Objects.requireNonNull(accessLog, "accessLog");
    requireThat(cacheMemBytes > 0, "--cache-mem must be positive, got " + cacheMemBytes + " bytes");
    Objects.requireNonNull(cache, "cache");
  }

  /** Safe defaults: loopback only, CONNECT to 443 only, every timeout on. */
  public static ProxyConfig defaults() {
    return new ProxyConfig(
        new InetSocketAddress("127.0.0.1", DEFAULT_PORT),
        Set.of(443),
        // Unique per instance so that a chain of several Cachalots is not mistaken for a loop.
        "cachalot-" + Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & 0xffffffL),
        Duration.ofSeconds(10),
        Duration.ofSeconds(60),
        Duration.ofSeconds(60),
        Duration.ofSeconds(30),
        64,
        0,
        Optional.empty(),
        Duration.ofSeconds(5),
        256L * 1024 * 1024,
        CacheConfig.DEFAULT);
  }

  public ProxyConfig withListen(InetSocketAddress address) {
    return new ProxyConfig(address, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache);
  }

  public ProxyConfig withConnectPorts(Set<Integer> ports) {
    return new ProxyConfig(listen, ports, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache);
  }

  public ProxyConfig withTimeouts(Duration connect, Duration firstByte) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connect, firstByte, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache);
  }

  public ProxyConfig withAccessLog(Optional<Path> file) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, file, dnsQueryTimeout, cacheMemBytes, cache);
  }

  public ProxyConfig withCache(long memBytes, CacheConfig rules) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, memBytes, rules);
  }

  public ProxyConfig withDnsQueryTimeout(Duration timeout) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, timeout, cacheMemBytes, cache);
  }

  private static void requirePositive(Duration d, String what) {
    requireThat(d != null && !d.isNegative() && !d.isZero(), what + " must be positive, got " + d);
  }

  private static void requireThat(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }
}
