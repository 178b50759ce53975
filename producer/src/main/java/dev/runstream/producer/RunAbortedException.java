package dev.runstream.producer;

/**
 * An event of this run was accepted but then could not be delivered (its future failed), so the
 * run's event stream has a gap and the run cannot continue: every later call on it, and on its step
 * handles, throws this exception. The cause is the original delivery failure. Start a new run.
 */
public final class RunAbortedException extends FatalPublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which run and why
   * @param cause the delivery failure
   */
  public RunAbortedException(String message, Throwable cause) {
    super(message, cause);
  }
}
