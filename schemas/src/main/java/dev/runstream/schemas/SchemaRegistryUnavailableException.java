package dev.runstream.schemas;

/**
 * The registry could not be reached, timed out, or answered 5xx on every attempt of the configured
 * bounded retries ({@link AvroSerdeConfig#REGISTRY_MAX_RETRIES_CONFIG}). Retriable: nothing was
 * written or lost, and the same call may succeed once the registry is back.
 */
public class SchemaRegistryUnavailableException extends AvroSerdeException {
  private static final long serialVersionUID = 1L;

  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause, true);
  }
}
