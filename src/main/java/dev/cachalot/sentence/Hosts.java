package dev.cachalot.sentence;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;

/** Small helpers the two clients share. */
final class Hosts {

  private Hosts() {}

  static InetAddress resolve(String host) {
    try {
      return dev.cachalot.trace.WireTrace.resolve(host);
    } catch (UnknownHostException e) {
      throw Failures.unknownHost(host, e);
    }
  }

  static void checkPort(int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException("port must be from 1 to 65535, got " + port);
    }
  }

  static void checkPositive(String name, Duration duration) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, got " + human(duration));
    }
  }

  /** "1s", "500ms", "1m30s": how a user would have typed it. */
  static String human(Duration duration) {
    long millis = duration.toMillis();
    if (millis % 1000 != 0 || millis == 0) {
      return millis + "ms";
    }
    long seconds = millis / 1000;
    if (seconds < 60) {
      return seconds + "s";
    }
    return seconds / 60 + "m" + (seconds % 60 == 0 ? "" : seconds % 60 + "s");
  }
}
