package dev.runstream.client;

/**
 * A {@linkplain RunstreamClient#resume(String, long) resume} cursor that cannot be valid: below -1,
 * or past the last sequence of a workflow that has already finished. Fatal.
 */
public final class InvalidCursorException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final long afterSequence;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public InvalidCursorException(String workflowId, long afterSequence, String detail) {
    super(
        "invalid cursor for workflow "
            + workflowId
            + ": after sequence "
            + afterSequence
            + ": "
            + detail,
        null);
    this.workflowId = workflowId;
    this.afterSequence = afterSequence;
  }

  /** The workflow id. */
  public String workflowId() {
    return workflowId;
  }

  /** The cursor that was refused. */
  public long afterSequence() {
    return afterSequence;
  }
}
