package dev.runstream.client;

/**
 * Sequences {@link #fromSequence()} to {@link #toSequence()} (inclusive) of a workflow never
 * arrived: the next event was delivered without them. Passed to {@link StreamOptions.Builder#onGap}
 * (the default policy {@link GapPolicy#REPORT}), or ends the stream under {@link GapPolicy#FAIL}. A
 * gap is never hidden. Fatal: reading again finds the same hole.
 *
 * <p>A record that could not be decoded but whose headers name its workflow and sequence is
 * reported once, as a {@link SkippedRecordException}, and not again as a gap.
 */
public final class GapDetectedException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final long fromSequence;
  private final long toSequence;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public GapDetectedException(String workflowId, long fromSequence, long toSequence) {
    super(
        "workflow "
            + workflowId
            + " is missing "
            + (fromSequence == toSequence
                ? "sequence " + fromSequence
                : "sequences " + fromSequence + " to " + toSequence),
        null);
    this.workflowId = workflowId;
    this.fromSequence = fromSequence;
    this.toSequence = toSequence;
  }

  /** The workflow with the gap (the stream's own, or one of its children). */
  public String workflowId() {
    return workflowId;
  }

  /** The first missing sequence. */
  public long fromSequence() {
    return fromSequence;
  }

  /** The last missing sequence. */
  public long toSequence() {
    return toSequence;
  }
}
