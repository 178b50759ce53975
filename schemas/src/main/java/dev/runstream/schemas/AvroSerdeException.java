package dev.runstream.schemas;

import org.apache.kafka.common.errors.SerializationException;

/**
 * Root of every exception thrown by runstream's Avro serde and schema registry client.
 *
 * <p>It extends Kafka's {@link SerializationException}, so Kafka clients and Kafka Streams treat it
 * as a (de)serialization failure: a consumer wraps it in a {@code RecordDeserializationException}
 * that carries the partition and offset, and a Streams deserialization exception handler receives
 * it.
 *
 * <p>Use {@link #isRetriable()} to decide what to do:
 *
 * <ul>
 *   <li>retriable: {@link SchemaRegistryUnavailableException} (the registry could not be reached or
 *       answered 5xx after the configured retries). The same call may succeed later.
 *   <li>fatal for the record or schema: {@link MalformedRecordException}, {@link
 *       UnknownSchemaException}, {@link IncompatibleSchemaException}, and {@link
 *       SchemaRegistryException} for other 4xx answers. Retrying the same input fails again.
 * </ul>
 */
public class AvroSerdeException extends SerializationException {
  private static final long serialVersionUID = 1L;

  private final boolean retriable;

  protected AvroSerdeException(String message, Throwable cause, boolean retriable) {
    super(message, cause);
    this.retriable = retriable;
  }

  /** Whether repeating the same operation later may succeed. */
  public boolean isRetriable() {
    return retriable;
  }
}
