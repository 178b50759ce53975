package dev.runstream.client;

/**
 * The schema registry could not be reached (after the registry client's bounded retries) when the
 * client needed it to write a record, such as a cancel request. Nothing was published. Retriable.
 */
public final class RegistryUnavailableException extends RetriableClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
