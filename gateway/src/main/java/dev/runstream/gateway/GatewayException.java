package dev.runstream.gateway;

/**
 * The gateway could not start or serve: its HTTP address cannot be bound, or its configuration is
 * unusable at runtime. Configuration values themselves fail earlier, with {@link
 * org.apache.kafka.common.config.ConfigException} from {@link GatewayConfig}.
 */
public class GatewayException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * A failure with a message and its cause.
   *
   * @param message what failed and where
   * @param cause the underlying exception
   */
  public GatewayException(String message, Throwable cause) {
    super(message, cause);
  }
}
