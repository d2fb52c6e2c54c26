package dev.cachalot.cli;

import java.util.concurrent.CountDownLatch;

/** Keeps a server command running until SIGINT or SIGTERM, then closes the server cleanly. */
final class UntilSignal {

  private UntilSignal() {}

  static void await(AutoCloseable server) throws InterruptedException {
    CountDownLatch closed = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (Exception e) {
                    // The process is ending anyway; say why the close was not clean.
                    System.err.println("cachalot: error while stopping: " + e);
                  } finally {
                    closed.countDown();
                  }
                },
                "cachalot-shutdown"));
    closed.await();
  }
}
