package dev.cachalot.proxy;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Proxy authentication (RFC 9110 §11.7.1, Basic) against a password file, one user a line, either
 * {@code user:salt:sha256hex(salt + password)} (make one with
 * {@code printf '%s' "$SALT$PASSWORD" | sha256sum}) or, slower to brute-force if the file leaks,
 * {@code user:pbkdf2-sha256:ITERATIONS:salt:hex(PBKDF2-HMAC-SHA256(password, salt, ITERATIONS, 256 bits))}
 * (see {@link #pbkdf2Line}); blank lines and lines starting with {@code #} are skipped. Credentials travel in clear text unless the
 * client reaches the proxy over a trusted network: see docs/SECURITY.md.
 */
public final class ProxyAuth {

  /** {@code iterations} is 0 for the salted SHA-256 form. */
  private record Entry(byte[] salt, byte[] digest, int iterations) {}

  /**
   * Header values already verified, so that a client's every request does not pay for PBKDF2 again
   * (a browser sends the same Proxy-Authorization with each one). Keyed by an HMAC under a key of
   * this process, not by the value itself: a memory dump then holds nothing a password can be
   * tested against faster than the file's own hashes. Only successes are kept, so failed guesses
   * cannot fill it.
   */
  private final Cache<String, String> verified = Caffeine.newBuilder()
      .maximumSize(10_000).expireAfterWrite(Duration.ofMinutes(10)).build();
  private final byte[] cacheKey = new byte[32];
  /** A Mac is not thread-safe, and making one looks up a provider: one per event loop thread. */
  private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);
  private final AtomicLong checkedAgainstTheFile = new AtomicLong();

  private final Map<String, Entry> users;

  private ProxyAuth(Map<String, Entry> users) {
    this.users = users;
    new SecureRandom().nextBytes(cacheKey);
  }

  /** The password file given with {@code option}, which errors name. */
  public static ProxyAuth load(Path file, String option) {
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      String why = e instanceof java.nio.file.NoSuchFileException ? "no such file" : e.getMessage();
      throw new UncheckedIOException(option + ": cannot read " + file + ": " + why, e);
    }
    return parse(lines, file.toString(), option);
  }

  static ProxyAuth parse(List<String> lines, String source) {
    return parse(lines, source, "--auth-file");
  }

  private static ProxyAuth parse(List<String> lines, String source, String option) {
    Map<String, Entry> users = new HashMap<>();
    int number = 0;
    for (String raw : lines) {
      number++;
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split(":", -1);
      if (parts.length == 5 && parts[1].equals("pbkdf2-sha256") && !parts[0].isEmpty()
          && parts[2].matches("[0-9]{1,9}") && Integer.parseInt(parts[2]) >= 1000 && parts[4].matches("([0-9a-fA-F]{2}){16,64}")) {
        users.put(parts[0], new Entry(parts[3].getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(parts[4]),
            Integer.parseInt(parts[2])));
        continue;
      }
      if (parts.length != 3 || parts[0].isEmpty() || !parts[2].matches("[0-9a-fA-F]{64}")) {
        throw new IllegalArgumentException(option + " " + source + " line " + number
            + ": expected user:salt:sha256hex(salt+password) or user:pbkdf2-sha256:ITERATIONS(>=1000):salt:hexhash");
      }
      users.put(parts[0], new Entry(parts[1].getBytes(StandardCharsets.UTF_8), HexFormat.of().parseHex(parts[2]), 0));
    }
    if (users.isEmpty()) {
      throw new IllegalArgumentException(option + " " + source + ": no users");
    }
    return new ProxyAuth(Map.copyOf(users));
  }

  /** The user named by a valid {@code Basic ...} credentials value ({@code Proxy-Authorization} or {@code Authorization}), or null. */
  public String authenticate(String credentials) {
    if (credentials == null) {
      return null;
    }
    String key = hmac(credentials);
    String known = verified.getIfPresent(key);
    if (known != null) {
      return known;
    }
    String user = verify(credentials);
    if (user != null) {
      verified.put(key, user);
    }
    return user;
  }

  private String hmac(String value) {
    return HexFormat.of().formatHex(macs.get().doFinal(value.getBytes(StandardCharsets.UTF_8)));
  }

  private Mac newMac() {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
      return mac;
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The user this header value was verified for before (and is still remembered for), or null. */
  public String remembered(String credentials) {
    return verified.getIfPresent(hmac(credentials));
  }

  /** How many header values were checked against the file's hashes: those not verified before. */
  long checkedAgainstTheFile() {
    return checkedAgainstTheFile.get();
  }

  private String verify(String credentials) {
    checkedAgainstTheFile.incrementAndGet();
    String value = credentials.strip();
    if (value.length() < 6 || !value.regionMatches(true, 0, "Basic ", 0, 6)) {
      return null;
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(value.substring(6).strip()), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return null;
    }
    int colon = decoded.indexOf(':');
    if (colon <= 0) {
      return null;
    }
    String user = decoded.substring(0, colon);
    Entry entry = users.get(user);
    byte[] password = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    // Hash even for an unknown user so that timing does not tell which users exist.
    byte[] salt = entry == null ? new byte[0] : entry.salt();
    byte[] digest = entry != null && entry.iterations() > 0
        ? pbkdf2(decoded.substring(colon + 1), salt, entry.iterations(), entry.digest().length * 8)
        : sha256(salt, password);
    return entry != null && MessageDigest.isEqual(digest, entry.digest()) ? user : null;
  }

  static byte[] pbkdf2(String password, byte[] salt, int iterations, int bits) {
    try {
      var spec = new javax.crypto.spec.PBEKeySpec(password.toCharArray(), salt, iterations, bits);
      return javax.crypto.SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A password-file line in the PBKDF2 form, for tools and tests. */
  public static String pbkdf2Line(String user, String salt, String password, int iterations) {
    return user + ":pbkdf2-sha256:" + iterations + ":" + salt + ":"
        + HexFormat.of().formatHex(pbkdf2(password, salt.getBytes(StandardCharsets.UTF_8), iterations, 256));
  }

  static byte[] sha256(byte[] salt, byte[] password) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(salt);
      md.update(password);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
