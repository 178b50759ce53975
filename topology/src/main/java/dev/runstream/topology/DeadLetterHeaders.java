package dev.runstream.topology;

/**
 * Headers of the records the topology writes to the dead-letter topic ({@link
 * TopologyConfig#DEAD_LETTER_TOPIC_CONFIG}, by default {@code agent-events-dlq}).
 *
 * <p>A dead-letter record has the original record's key and value bytes, unchanged, and its
 * original headers, followed by Kafka Streams' own error headers (KIP-1034): {@value
 * #EXCEPTION_CLASS}, {@value #EXCEPTION_MESSAGE}, {@value #STACKTRACE}, and where the record came
 * from, {@value #SOURCE_TOPIC}, {@value #SOURCE_PARTITION} and {@value #SOURCE_OFFSET}. The
 * topology adds {@value #REASON} and {@value #DETAIL}. All values are UTF-8 strings.
 *
 * <pre>{@code
 * Header reason = record.headers().lastHeader(DeadLetterHeaders.REASON);
 * DeadLetterReason why = DeadLetterReason.valueOf(new String(reason.value(), UTF_8));
 * }</pre>
 */
public final class DeadLetterHeaders {
  /** A {@link DeadLetterReason} name: the class of failure. */
  public static final String REASON = "runstream.dlq.reason";

  /**
   * Detail of the reason: the {@link InvalidEventException.Violation} name for {@link
   * DeadLetterReason#INVALID_EVENT}, otherwise the simple class name of the exception.
   */
  public static final String DETAIL = "runstream.dlq.detail";

  /** Where the record failed: {@code deserialization} or {@code processing}. */
  public static final String STAGE = "runstream.dlq.stage";

  /** Kafka Streams' header: the source topic of the failed record. */
  public static final String SOURCE_TOPIC = "__streams.errors.topic";

  /** Kafka Streams' header: the source partition, in decimal. */
  public static final String SOURCE_PARTITION = "__streams.errors.partition";

  /** Kafka Streams' header: the source offset, in decimal. */
  public static final String SOURCE_OFFSET = "__streams.errors.offset";

  /** Kafka Streams' header: the exception class name. */
  public static final String EXCEPTION_CLASS = "__streams.errors.exception";

  /** Kafka Streams' header: the exception message. */
  public static final String EXCEPTION_MESSAGE = "__streams.errors.message";

  /** Kafka Streams' header: the exception's stack trace. */
  public static final String STACKTRACE = "__streams.errors.stacktrace";

  private DeadLetterHeaders() {}
}
