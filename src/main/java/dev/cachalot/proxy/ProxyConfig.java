package dev.cachalot.proxy;

import dev.cachalot.cache.CacheConfig;
import dev.cachalot.cache.store.RedisSettings;
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
    CacheConfig cache,
    Optional<Path> cacheDir,
    long cacheDiskBytes,
    ReverseRoutes reverse,
    AdminAccess admin,
    Optional<RedisSettings> redis) {

  public static final int DEFAULT_PORT = 8888;
  public static final long DEFAULT_CACHE_DISK_BYTES = 1L << 30;

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
    cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
    requireThat(cacheDiskBytes > 0, "--cache-disk must be positive, got " + cacheDiskBytes + " bytes");
    Objects.requireNonNull(reverse, "reverse");
    Objects.requireNonNull(admin, "admin");
    redis = Objects.requireNonNull(redis, "redis");
  }

  /** Without a shared Redis tier. */
  public ProxyConfig(InetSocketAddress listen, Set<Integer> connectPorts, String pseudonym, Duration connectTimeout,
      Duration firstByteTimeout, Duration clientIdleTimeout, Duration originIdleTimeout, int maxConnectionsPerOrigin,
      int ioThreads, Optional<Path> accessLog, Duration dnsQueryTimeout, long cacheMemBytes, CacheConfig cache,
      Optional<Path> cacheDir, long cacheDiskBytes, ReverseRoutes reverse, AdminAccess admin) {
    this(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout, originIdleTimeout,
        maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir, cacheDiskBytes,
        reverse, admin, Optional.empty());
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
        CacheConfig.DEFAULT,
        Optional.empty(),
        DEFAULT_CACHE_DISK_BYTES,
        ReverseRoutes.NONE,
        AdminAccess.LOOPBACK,
        Optional.empty());
  }

  public ProxyConfig withListen(InetSocketAddress address) {
    return new ProxyConfig(address, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, admin, redis);
  }

  public ProxyConfig withConnectPorts(Set<Integer> ports) {
    return new ProxyConfig(listen, ports, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, admin, redis);
  }

  public ProxyConfig withTimeouts(Duration connect, Duration firstByte) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connect, firstByte, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, admin, redis);
  }

  public ProxyConfig withAccessLog(Optional<Path> file) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, file, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, admin, redis);
  }

  public ProxyConfig withCache(long memBytes, CacheConfig rules) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, memBytes, rules, cacheDir,
        cacheDiskBytes, reverse, admin, redis);
  }

  public ProxyConfig withDnsQueryTimeout(Duration timeout) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, timeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, admin, redis);
  }

  /** Keeps the cache in {@code dir} (bounded by {@code diskBytes}) behind the memory tier; empty for memory only. */
  public ProxyConfig withCacheDir(Optional<Path> dir, long diskBytes) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, dir,
        diskBytes, reverse, admin, redis);
  }

  /** Reverse-proxy (accelerator) mode: origin-form requests go to these origins. */
  public ProxyConfig withReverse(ReverseRoutes routes) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, routes, admin, redis);
  }

  /** Who may send management requests (PURGE). */
  public ProxyConfig withAdmin(AdminAccess access) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, access, redis);
  }

  /** Shares the cache with a fleet through Redis (behind the local tiers); empty for none. */
  public ProxyConfig withRedis(Optional<RedisSettings> settings) {
    return new ProxyConfig(listen, connectPorts, pseudonym, connectTimeout, firstByteTimeout, clientIdleTimeout,
        originIdleTimeout, maxConnectionsPerOrigin, ioThreads, accessLog, dnsQueryTimeout, cacheMemBytes, cache, cacheDir,
        cacheDiskBytes, reverse, admin, settings);
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
