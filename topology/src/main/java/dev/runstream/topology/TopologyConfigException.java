package dev.runstream.topology;

import org.apache.kafka.common.config.ConfigException;

/**
 * A {@link TopologyConfig} value is missing, malformed, out of range or inconsistent with another
 * value. Thrown when the configuration is built, so that a bad value stops the application at
 * startup rather than at the first record. The message names the key, the value and why it was
 * refused; the cause, when there is one, is Kafka's {@link ConfigException}.
 */
public class TopologyConfigException extends RunstreamTopologyException {
  private static final long serialVersionUID = 1L;

  private final String key;

  /**
   * Creates an exception for one key.
   *
   * @param key the offending configuration key
   * @param message what is wrong with its value
   * @param cause Kafka's validation failure, or {@code null}
   */
  public TopologyConfigException(String key, String message, Throwable cause) {
    super(message, cause);
    this.key = key;
  }

  /**
   * The configuration key whose value was refused.
   *
   * @return the key, for example {@code topology.http.port}
   */
  public String key() {
    return key;
  }
}
