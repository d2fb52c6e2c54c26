package dev.cachalot.config;

import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads the configuration on demand (SIGHUP, {@code POST /api/reload} on the admin port): loads it
 * again and, only if that succeeds, hands it to the running proxy. A file that fails to load leaves
 * the running configuration in place and the reason is logged and returned. Reloads run one at a time.
 *
 * @param <T> the loaded configuration
 */
public final class ConfigReloader<T> {

  private static final Logger log = LoggerFactory.getLogger(ConfigReloader.class);

  /** What a reload did: {@code ok} and a one-line message (the new rules, or why nothing changed). */
  public record Result(boolean ok, String message) {}

  private final String source;
  private final Callable<T> load;
  private final Consumer<T> apply;
  private final java.util.function.Function<T, String> describe;

  /**
   * @param source what is reloaded, for messages (the file name)
   * @param load reads and validates the configuration; throws to refuse it
   * @param apply installs a loaded configuration; runs only after {@code load} succeeded
   * @param describe summary of a loaded configuration for the log
   */
  public ConfigReloader(String source, Callable<T> load, Consumer<T> apply, java.util.function.Function<T, String> describe) {
    this.source = Objects.requireNonNull(source, "source");
    this.load = Objects.requireNonNull(load, "load");
    this.apply = Objects.requireNonNull(apply, "apply");
    this.describe = Objects.requireNonNull(describe, "describe");
  }

  /** Loads and applies; never throws. */
  public synchronized Result reload() {
    T loaded;
    try {
      loaded = load.call();
    } catch (Exception e) {
      String why = e.getMessage() != null ? e.getMessage() : e.toString();
      log.warn("reload of {} refused, keeping the running configuration: {}", source, why);
      return new Result(false, why);
    }
    apply.accept(loaded);
    String summary = describe.apply(loaded);
    log.info("reloaded {}: {}", source, summary);
    return new Result(true, summary);
  }
}
