package dev.runstream.client;

/**
 * A failure that may go away: retry the call later, or {@linkplain RunstreamClient#resume(String,
 * long) resume} the stream from its {@linkplain WorkflowStream#lastSequence() last sequence}.
 * Nothing delivered so far was wrong or lost.
 */
public abstract class RetriableClientException extends RunstreamClientException {
  private static final long serialVersionUID = 1L;

  RetriableClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Always {@code true}. */
  @Override
  public final boolean isRetriable() {
    return true;
  }
}
