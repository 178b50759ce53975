package dev.runstream.client;

/**
 * Root of every exception the consumer SDK throws or reports. It is unchecked, and splits in two:
 *
 * <ul>
 *   <li>{@link RetriableClientException}: the same call may succeed later, or the stream can be
 *       continued with {@link RunstreamClient#resume(String, long)} from {@link
 *       WorkflowStream#lastSequence()} — the broker or the registry was down, a timeout elapsed, a
 *       slow subscriber overflowed its buffer;
 *   <li>{@link FatalClientException}: repeating the same call gives the same answer — the workflow
 *       is unknown, its events aged out of retention, the cursor is past its end, a record could
 *       not be decoded, or sequences are missing.
 * </ul>
 *
 * <p>{@link #isRetriable()} tells them apart without {@code instanceof}:
 *
 * <pre>{@code
 * try {
 *   for (AgentEvent event : stream) { ... }
 * } catch (RunstreamClientException e) {
 *   if (e.isRetriable()) {
 *     stream = client.resume(workflowId, stream.lastSequence());   // carry on where it stopped
 *   } else {
 *     throw e;
 *   }
 * }
 * }</pre>
 */
public abstract class RunstreamClientException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  RunstreamClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Whether the same operation may succeed later (or the stream can be resumed).
   *
   * @return {@code true} for {@link RetriableClientException}s
   */
  public abstract boolean isRetriable();
}
