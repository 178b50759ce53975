package dev.runstream.producer;

/**
 * A transient failure: the broker is slow or unreachable. Thrown synchronously, it means nothing
 * was published and the run's state is unchanged: the call may be repeated. As the failure of an
 * event's future (after it was accepted), the event was not delivered and its run is aborted (see
 * {@link RunAbortedException}); a new run may succeed later.
 */
public class RetriablePublishException extends PublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the underlying failure, or {@code null}
   */
  public RetriablePublishException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isRetriable() {
    return true;
  }
}
