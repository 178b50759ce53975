package dev.runstream.producer;

/**
 * The broker refused an event for a reason retrying cannot fix (for example an authorization
 * error), or a fatal client error happened. Used as the failure of an event's future and, for a
 * summary of such failures, by {@link AgentEventPublisher#flush()} and {@link
 * AgentEventPublisher#close()}.
 */
public final class DeliveryFailedException extends FatalPublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what failed
   * @param cause the underlying failure
   */
  public DeliveryFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
