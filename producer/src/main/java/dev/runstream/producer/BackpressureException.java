package dev.runstream.producer;

/**
 * The publisher's buffer ({@code buffer.memory}) stayed full for {@code max.block.ms}: the broker
 * accepts events more slowly than the worker publishes them. Thrown synchronously by the publishing
 * method after that bounded wait. Nothing was published, no sequence number was used, and the run's
 * state is unchanged, so the same call can be repeated once the broker catches up.
 */
public final class BackpressureException extends RetriablePublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the Kafka client's exception
   */
  public BackpressureException(String message, Throwable cause) {
    super(message, cause);
  }
}
