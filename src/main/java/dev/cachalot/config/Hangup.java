package dev.cachalot.config;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGHUP as "reload the configuration", through {@code sun.misc.Signal} (module jdk.unsupported,
 * present in every OpenJDK build; there is no supported signal API). The action runs on the JVM's
 * signal thread; where HUP does not exist (Windows) this logs and does nothing.
 */
public final class Hangup {

  private static final Logger log = LoggerFactory.getLogger(Hangup.class);

  private Hangup() {}

  /** @return true when the handler is installed; false (and a warning logged) when HUP cannot be handled */
  @SuppressWarnings("restriction")
  public static boolean onHangup(Runnable action) {
    try {
      sun.misc.SignalHandler previous = sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
        try {
          action.run();
        } catch (RuntimeException e) {
          log.warn("reload on SIGHUP failed: {}", e.toString());
        }
      });
      if (previous == sun.misc.SignalHandler.SIG_IGN) {
        // A JVM keeps HUP ignored when it started ignored, as nohup leaves it, and installs no handler.
        log.warn("SIGHUP is ignored in this process (started under nohup?), so kill -HUP will not reload: "
            + "POST /api/reload on the admin port does, or start it without nohup (setsid, systemd)");
        return false;
      }
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | LinkageError e) {
      log.info("SIGHUP reload not available here ({}); use POST /api/reload on the admin port", e.toString());
      return false;
    }
  }
}
