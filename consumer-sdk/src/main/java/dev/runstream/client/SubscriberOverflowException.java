package dev.runstream.client;

/**
 * A subscriber fell behind a live workflow by more than its {@linkplain
 * StreamOptions.Builder#bufferSize(int) buffer size} under {@link OverflowPolicy#FAIL}: the shared
 * reader does not wait for it, so it was detached. Everything up to {@link #lastSequence()} was
 * delivered, in order and exactly once; {@linkplain RunstreamClient#resume(String, long) resume}
 * from there to continue. Retriable.
 */
public final class SubscriberOverflowException extends RetriableClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final long lastSequence;
  private final int bufferSize;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public SubscriberOverflowException(String workflowId, long lastSequence, int bufferSize) {
    super(
        "subscriber of workflow "
            + workflowId
            + " fell more than "
            + bufferSize
            + " events behind and was detached (overflow policy FAIL); resume after sequence "
            + lastSequence,
        null);
    this.workflowId = workflowId;
    this.lastSequence = lastSequence;
    this.bufferSize = bufferSize;
  }

  /** The stream's workflow id. */
  public String workflowId() {
    return workflowId;
  }

  /** The last sequence of the workflow delivered to the subscriber, or -1: the resume cursor. */
  public long lastSequence() {
    return lastSequence;
  }

  /** The buffer size that was exceeded. */
  public int bufferSize() {
    return bufferSize;
  }
}
