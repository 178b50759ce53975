package dev.runstream.client;

import java.util.OptionalLong;

/**
 * A record of the stream's workflow could not be deserialized (not Avro, an unknown schema id, a
 * corrupt body): it was skipped and the stream went on. Passed to {@link
 * StreamOptions.Builder#onSkippedRecord}, in order with the events, with the topic, partition and
 * offset to find it. The workflow and sequence come from the record's headers when it has them.
 * Fatal for that record: reading it again fails again.
 */
public final class SkippedRecordException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  private final String topic;
  private final int partition;
  private final long offset;
  private final String workflowId;
  private final long sequence;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public SkippedRecordException(
      String topic, int partition, long offset, String workflowId, long sequence, Throwable cause) {
    super(
        "skipped an undeserializable record at "
            + topic
            + "-"
            + partition
            + "@"
            + offset
            + (workflowId == null ? "" : " (workflow " + workflowId)
            + (workflowId == null ? "" : sequence >= 0 ? ", sequence " + sequence + ")" : ")")
            + ": "
            + cause,
        cause);
    this.topic = topic;
    this.partition = partition;
    this.offset = offset;
    this.workflowId = workflowId;
    this.sequence = sequence;
  }

  /** The topic of the record. */
  public String topic() {
    return topic;
  }

  /** The partition of the record. */
  public int partition() {
    return partition;
  }

  /** The offset of the record. */
  public long offset() {
    return offset;
  }

  /** The workflow id in the record's headers, or {@code null} if it had none. */
  public String workflowId() {
    return workflowId;
  }

  /** The sequence in the record's headers, if it had one. */
  public OptionalLong sequence() {
    return sequence < 0 ? OptionalLong.empty() : OptionalLong.of(sequence);
  }
}
