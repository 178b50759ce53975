package dev.runstream.client;

/**
 * A read-your-event view query ({@link RunstreamClient#view(String, ViewPosition)}) found the view
 * still behind the requested position after the topology's bounded wait ({@code
 * topology.query.freshness.max.wait.ms}). Retriable: the view catches up as the topology processes;
 * retry after a moment.
 */
public final class ViewNotFreshException extends RetriableClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public ViewNotFreshException(String message) {
    super(message, null);
  }
}
