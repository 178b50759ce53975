package dev.runstream.schemas;

/**
 * Kafka record headers that runstream's producer puts on every agent event, beside the Avro value.
 * They let readers select a workflow's records, and skip others, without decoding Avro: several
 * workflows of one tree, and many trees, share a partition. Values are UTF-8 strings. The Avro
 * value stays the source of truth; the headers repeat fields of it.
 */
public final class EventHeaders {
  /** The event's {@code workflow_id}. */
  public static final String WORKFLOW_ID = "runstream.workflow_id";

  /** The event's {@code sequence}, in decimal. */
  public static final String SEQUENCE = "runstream.sequence";

  /** The event type's wire name, e.g. {@code text_delta} (see {@link EventType#wireName()}). */
  public static final String EVENT_TYPE = "runstream.event_type";

  /** The event's {@code tenant_id}, when it has one. */
  public static final String TENANT_ID = "runstream.tenant_id";

  /** W3C {@code traceparent}, when the event carries trace context. */
  public static final String TRACEPARENT = "traceparent";

  private EventHeaders() {}
}
