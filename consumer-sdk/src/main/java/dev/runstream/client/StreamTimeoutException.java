package dev.runstream.client;

import java.time.Duration;

/**
 * A stream's {@linkplain StreamOptions.Builder#timeout(Duration) overall timeout} or {@linkplain
 * StreamOptions.Builder#idleTimeout(Duration) idle timeout} elapsed. Every event before it was
 * delivered; {@linkplain RunstreamClient#resume(String, long) resume} from {@link #lastSequence()}
 * to continue. Retriable.
 */
public final class StreamTimeoutException extends RetriableClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final long lastSequence;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public StreamTimeoutException(String message, String workflowId, long lastSequence) {
    super(message, null);
    this.workflowId = workflowId;
    this.lastSequence = lastSequence;
  }

  /** The stream's workflow id. */
  public String workflowId() {
    return workflowId;
  }

  /** The last sequence of the workflow delivered before the timeout, or -1 if none was. */
  public long lastSequence() {
    return lastSequence;
  }
}
