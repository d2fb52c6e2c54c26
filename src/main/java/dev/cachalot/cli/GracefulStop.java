package dev.cachalot.cli;

import org.slf4j.LoggerFactory;

/**
 * SIGTERM and SIGINT start a graceful stop instead of killing the JVM at once, so that the command
 * can drain, flush and return exit status 0. Falls back to a shutdown hook where the JDK's signal
 * API is unavailable (then the exit status is the signal's).
 */
final class GracefulStop {

  private GracefulStop() {}

  static void onSignals(Runnable stop) {
    try {
      for (String name : new String[] {"TERM", "INT"}) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> {
          Thread t = new Thread(stop, "cachalot-stop");
          t.setDaemon(false);
          t.start();
        });
      }
    } catch (Throwable unavailable) {
      LoggerFactory.getLogger(GracefulStop.class).debug("no signal handling: {}", unavailable.toString());
      Runtime.getRuntime().addShutdownHook(new Thread(stop, "cachalot-shutdown"));
    }
  }
}
