package dev.cachalot.config;

import dev.cachalot.UserFacingException;

/** A config file that cannot be used, as one line naming the file, the line and the key. */
public final class ConfigException extends UserFacingException {

  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message, 2, null);
  }

  public ConfigException(String message, Throwable cause) {
    super(message, 2, cause);
  }

  static ConfigException at(String file, int line, String message) {
    return new ConfigException(file + (line > 0 ? ":" + line : "") + ": " + message);
  }
}
