package dev.runstream.client;

/**
 * A stream failed for a reason none of the other exceptions describes — an unexpected error of the
 * Kafka client or of the SDK itself. Its cause says what happened. Fatal.
 */
public final class StreamFailedException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public StreamFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
