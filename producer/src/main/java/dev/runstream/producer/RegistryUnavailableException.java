package dev.runstream.producer;

/**
 * The schema registry could not be reached when the publisher registered the event schema at {@link
 * AgentEventPublisher#create(PublisherConfig)} (after the registry client's bounded retries). Once
 * created, a publisher never calls the registry again.
 */
public final class RegistryUnavailableException extends RetriablePublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the registry client's exception
   */
  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
