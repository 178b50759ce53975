package dev.runstream.schemas;

/**
 * The bytes are not a valid Confluent-framed Avro record: fewer than the 5 header bytes, a magic
 * byte other than 0, or an Avro body that does not decode with its writer schema (truncated,
 * trailing bytes, corrupt). Fatal for that record: skip it or send it to a dead-letter topic.
 */
public class MalformedRecordException extends AvroSerdeException {
  private static final long serialVersionUID = 1L;

  public MalformedRecordException(String message) {
    this(message, null);
  }

  public MalformedRecordException(String message, Throwable cause) {
    super(message, cause, false);
  }
}
