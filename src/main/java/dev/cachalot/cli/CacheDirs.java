package dev.cachalot.cli;

import java.nio.file.Path;
import java.util.Optional;

/** Where the disk cache lives by default: {@code $XDG_CACHE_HOME/cachalot}, else {@code ~/.cache/cachalot}. */
final class CacheDirs {

  private CacheDirs() {}

  static Path defaultDir() {
    String xdg = System.getenv("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "cachalot");
    }
    return Path.of(System.getProperty("user.home"), ".cache", "cachalot");
  }

  /** {@code --cache-dir} as given: absent = the default, "none" = memory only. */
  static Optional<Path> resolve(String option) {
    if (option == null || option.isBlank()) {
      return Optional.of(defaultDir());
    }
    return option.equalsIgnoreCase("none") ? Optional.empty() : Optional.of(Path.of(option));
  }
}
