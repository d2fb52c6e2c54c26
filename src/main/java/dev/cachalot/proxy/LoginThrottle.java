package dev.cachalot.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Failed logins per client, to the proxy or to the admin endpoint (each has its own): after
 * {@code limit} failures in a window that starts with the first one, credentials from that client
 * that were not verified before are refused until the window ends, without being hashed. Password
 * hashes run on one thread, so a client guessing passwords would otherwise keep every other new
 * login waiting behind its guesses. Credentials already verified still pass: users behind the same
 * address who logged in before keep working. An IPv6 client counts as its /64, the block one host
 * is usually given.
 */
public final class LoginThrottle {

  public static final int DEFAULT_LIMIT = 10;
  public static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  private static final Logger log = LoggerFactory.getLogger(LoginThrottle.class);

  /** What the logins are to ("proxy", "admin"), for the warning and the refusal. */
  private final String what;
  private final int limit;
  private final Duration window;
  /** Keeps the failure count from its first failure on: counting is not a write, so it does not extend the window. */
  private final Cache<InetAddress, AtomicInteger> failures;

  LoginThrottle(String what, int limit, Duration window, Ticker ticker) {
    this.what = what;
    this.limit = limit;
    this.window = window;
    this.failures = Caffeine.newBuilder().maximumSize(100_000).expireAfterWrite(window).ticker(ticker).build();
  }

  /** {@code what}: what the logins are to, "proxy" or "admin". */
  public static LoginThrottle standard(String what) {
    return new LoginThrottle(what, DEFAULT_LIMIT, DEFAULT_WINDOW, Ticker.systemTicker());
  }

  /** Counts a failed login, and warns once when it is the one that reached the limit (then returns true). */
  public boolean failed(InetAddress client) {
    boolean reached = failures.asMap().computeIfAbsent(keyOf(client), k -> new AtomicInteger()).incrementAndGet() == limit;
    if (reached) {
      log.warn("{} client {} failed to log in {} times within {} s: its new credentials are refused for the rest of that time",
          what, client.getHostAddress(), limit, window.toSeconds());
    }
    return reached;
  }

  /** A throttled client's answer: {@code Retry-After} in whole seconds, and a one-line message. */
  public record Refusal(long retryAfterSeconds, String message) {}

  /**
   * The answer for a client whose new credentials are refused ({@link #refusedFor} not zero): the
   * time left rounded up to whole seconds, at least one.
   */
  public Refusal refusal(InetAddress client) {
    long seconds = Math.max(1, (refusedFor(client).toMillis() + 999) / 1000);
    return new Refusal(seconds, "too many failed " + what + " logins from " + client.getHostAddress()
        + ": new credentials from it are refused for " + seconds + " s (credentials verified before still work)");
  }

  /** How long new credentials from this client are still refused: zero when they are not. */
  public Duration refusedFor(InetAddress client) {
    InetAddress key = keyOf(client);
    AtomicInteger count = failures.getIfPresent(key);
    if (count == null || count.get() < limit) {
      return Duration.ZERO;
    }
    Duration age = failures.policy().expireAfterWrite().flatMap(p -> p.ageOf(key)).orElse(Duration.ZERO);
    Duration left = window.minus(age);
    return left.isNegative() || left.isZero() ? Duration.ZERO : left;
  }

  private static InetAddress keyOf(InetAddress client) {
    if (!(client instanceof Inet6Address)) {
      return client;
    }
    byte[] prefix = Arrays.copyOf(client.getAddress(), 16);
    Arrays.fill(prefix, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(prefix);
    } catch (UnknownHostException impossible) {
      throw new IllegalStateException(impossible);
    }
  }
}
