package dev.runstream.cli.internal;

/**
 * A failure a command reports as one line on stderr with a chosen exit code, without a stack trace
 * (unless {@code --verbose}).
 */
public final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  /**
   * A failure.
   *
   * @param exitCode the process exit code
   * @param message the one-line message
   */
  public CliException(int exitCode, String message) {
    this(exitCode, message, null);
  }

  /**
   * A failure with its cause.
   *
   * @param exitCode the process exit code
   * @param message the one-line message
   * @param cause the cause, shown with {@code --verbose}
   */
  public CliException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code. */
  public int exitCode() {
    return exitCode;
  }
}
