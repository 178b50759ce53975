package dev.runstream.producer;

/**
 * The broker could not be reached within a bounded wait.
 *
 * <ul>
 *   <li>Thrown synchronously by {@link AgentEventPublisher#create(PublisherConfig)} or a publishing
 *       method when the topic's metadata could not be fetched within {@code max.block.ms} (the
 *       broker is down or the topic does not exist). Nothing was published, the state is unchanged.
 *   <li>As the failure of an event's future: the event was accepted but not acknowledged within
 *       {@code delivery.timeout.ms}. It is lost and its run is aborted.
 * </ul>
 */
public final class BrokerUnavailableException extends RetriablePublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the Kafka client's exception
   */
  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
