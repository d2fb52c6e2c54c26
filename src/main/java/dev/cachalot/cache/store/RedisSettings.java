package dev.cachalot.cache.store;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the fleet's shared cache tier lives and how it is used.
 *
 * @param uri a Lettuce RedisURI: redis://, rediss:// or redis-sentinel://; a password in the URI wins
 *     over the environment variable CACHALOT_REDIS_PASSWORD
 * @param maxObjectBytes bodies larger than this stay in the local tiers only
 * @param commandTimeout each Redis command's bound; past it the proxy carries on without Redis
 */
public record RedisSettings(String uri, long maxObjectBytes, Duration commandTimeout) {

  public static final long DEFAULT_MAX_OBJECT = 16L * 1024 * 1024;
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(50);

  public RedisSettings {
    Objects.requireNonNull(uri, "uri");
    if (!(uri.startsWith("redis://") || uri.startsWith("rediss://") || uri.startsWith("redis-sentinel://")
        || uri.startsWith("rediss-sentinel://"))) {
      throw new IllegalArgumentException("--cache-store must be a redis://, rediss:// or redis-sentinel:// URI, got: "
          + uri);
    }
    if (maxObjectBytes <= 0) {
      throw new IllegalArgumentException("--redis-max-object must be positive, got " + maxObjectBytes);
    }
    if (commandTimeout == null || commandTimeout.isNegative() || commandTimeout.isZero()) {
      throw new IllegalArgumentException("Redis command timeout must be positive, got " + commandTimeout);
    }
  }

  public static RedisSettings of(String uri) {
    return new RedisSettings(uri, DEFAULT_MAX_OBJECT, DEFAULT_TIMEOUT);
  }

  public RedisSettings withMaxObjectBytes(long bytes) {
    return new RedisSettings(uri, bytes, commandTimeout);
  }
}
