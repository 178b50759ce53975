package dev.runstream.client;

/**
 * The Kafka broker did not answer a metadata or offset request within {@link
 * ClientConfig#BROKER_TIMEOUT_MS_CONFIG}, so a stream could not be opened (its partition, its start
 * offset or the end of the log are unknown). Retriable.
 *
 * <p>Streams that are already open do not fail when the broker goes away: they wait, and carry on
 * from where they were once it is back (set {@link StreamOptions.Builder#idleTimeout} to bound the
 * wait).
 */
public final class BrokerUnavailableException extends RetriableClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public BrokerUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
