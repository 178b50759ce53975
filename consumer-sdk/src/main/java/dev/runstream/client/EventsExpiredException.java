package dev.runstream.client;

/**
 * The workflow's events, from its first one, are no longer on the topic: they aged out of its
 * retention ({@code retention.ms}) or were deleted. Replay cannot give the run back, but {@link
 * RunstreamClient#text(String)} and {@link RunstreamClient#result(String)} still answer from the
 * materialized view. Fatal.
 */
public final class EventsExpiredException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final int partition;
  private final long firstOffset;
  private final long logStartOffset;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public EventsExpiredException(
      String workflowId, int partition, long firstOffset, long logStartOffset) {
    super(
        "the events of workflow "
            + workflowId
            + " aged out of the topic's retention: its first event was at offset "
            + (firstOffset < 0 ? "(unknown)" : Long.toString(firstOffset))
            + " of partition "
            + partition
            + ", which now starts at offset "
            + logStartOffset
            + "; text() and result() still answer from the materialized view",
        null);
    this.workflowId = workflowId;
    this.partition = partition;
    this.firstOffset = firstOffset;
    this.logStartOffset = logStartOffset;
  }

  /** The workflow id. */
  public String workflowId() {
    return workflowId;
  }

  /** The partition of the workflow's events. */
  public int partition() {
    return partition;
  }

  /** The offset its first event had, or -1 if unknown. */
  public long firstOffset() {
    return firstOffset;
  }

  /** The first offset still on the partition. */
  public long logStartOffset() {
    return logStartOffset;
  }
}
