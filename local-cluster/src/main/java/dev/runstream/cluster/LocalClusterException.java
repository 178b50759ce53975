package dev.runstream.cluster;

/**
 * The one runtime exception of the local cluster module.
 *
 * <p>Thrown when the broker or the registry cannot be started, stopped or reached in time, when the
 * Apicurio runner cannot be found, or when topic creation fails. When a child JVM fails to start,
 * the message ends with the tail of its log file (the full file lives under {@code logs/} in the
 * {@linkplain LocalCluster#dataDirectory() data directory}, which is kept when {@code data.keep} is
 * set). Invalid configuration values are reported earlier, at {@link LocalClusterConfig}
 * construction, as Kafka's {@link org.apache.kafka.common.config.ConfigException}.
 */
public class LocalClusterException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what failed and, where known, why
   */
  public LocalClusterException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and its cause.
   *
   * @param message what failed and, where known, why
   * @param cause the underlying failure
   */
  public LocalClusterException(String message, Throwable cause) {
    super(message, cause);
  }
}
