package dev.runstream.client;

/**
 * A stream failed for a reason none of the other exceptions describes — an unexpected error of the
 * Kafka client or of the SDK itself. Its cause says what happened. Fatal.
 */
public final class StreamFailedException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  public StreamFailedException(String message, Throwable cause) {
    super(message, cause);
  }
}
