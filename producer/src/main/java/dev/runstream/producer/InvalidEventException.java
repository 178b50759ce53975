package dev.runstream.producer;

/**
 * An event's content is invalid: tool arguments that are not JSON, a usage without a cost whose
 * model has no price, a cost that is negative or not exact at scale 12, an event larger than the
 * broker accepts. Nothing was published and the state is unchanged.
 */
public final class InvalidEventException extends FatalPublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what is invalid
   * @param cause the underlying failure, or {@code null}
   */
  public InvalidEventException(String message, Throwable cause) {
    super(message, cause);
  }
}
