package dev.runstream.topology;

/**
 * Why a record of the events topic went to the dead-letter topic; the value of the {@value
 * DeadLetterHeaders#REASON} header, and the {@code reason} tag of the {@code
 * dead-letter-records-total} metric.
 */
public enum DeadLetterReason {
  /**
   * The bytes are not a Confluent-framed Avro record: too short, wrong magic byte, or an Avro body
   * that does not decode with its writer schema.
   */
  MALFORMED_RECORD,
  /** The record names a schema id the registry does not know. */
  UNKNOWN_SCHEMA,
  /** Any other non-retriable failure to deserialize the key or the value. */
  DESERIALIZATION_ERROR,
  /**
   * The event decoded but breaks its workflow's state machine; see {@link InvalidEventException}.
   */
  INVALID_EVENT,
  /**
   * Processing the event failed unexpectedly (a bug rather than bad input); the event is set aside
   * so that one record cannot stop the application.
   */
  PROCESSING_ERROR
}
