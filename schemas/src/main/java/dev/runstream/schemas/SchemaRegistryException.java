package dev.runstream.schemas;

/**
 * The registry answered a request with an error that retrying will not fix: an invalid schema
 * (422), missing credentials (401/403) or another 4xx. The message carries the HTTP status, the
 * registry's error code and its message.
 */
public class SchemaRegistryException extends AvroSerdeException {
  private static final long serialVersionUID = 1L;

  private final int httpStatus;
  private final int errorCode;

  public SchemaRegistryException(String message, int httpStatus, int errorCode) {
    super(message, null, false);
    this.httpStatus = httpStatus;
    this.errorCode = errorCode;
  }

  /** The HTTP status the registry answered. */
  public int httpStatus() {
    return httpStatus;
  }

  /** The Confluent error code from the body (for example 42201), or -1 when there was none. */
  public int errorCode() {
    return errorCode;
  }
}
