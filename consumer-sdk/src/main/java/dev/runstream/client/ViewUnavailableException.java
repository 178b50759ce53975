package dev.runstream.client;

/**
 * The topology's query service ({@link ClientConfig#QUERY_URL_CONFIG}) could not be reached or
 * answered an error, and the answer could not come from the events either (they aged out of
 * retention). Replay does not need the view — it falls back to a bounded time search — so this only
 * surfaces from {@link RunstreamClient#text(String)} and {@link RunstreamClient#result(String)} in
 * that case. Retriable.
 */
public final class ViewUnavailableException extends RetriableClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public ViewUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
