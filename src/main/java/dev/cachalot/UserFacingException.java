package dev.cachalot;

/**
 * A failure the user can act on (nothing listening, unknown host, bad option value). Its message is
 * one complete sentence printed as is; the CLI prints no stack trace for it unless asked.
 */
public class UserFacingException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public UserFacingException(String message) {
    this(message, 1, null);
  }

  public UserFacingException(String message, Throwable cause) {
    this(message, 1, cause);
  }

  public UserFacingException(String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  public int exitCode() {
    return exitCode;
  }
}
