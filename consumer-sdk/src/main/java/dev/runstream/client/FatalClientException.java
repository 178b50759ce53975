package dev.runstream.client;

/**
 * A failure that repeating the same call reproduces: the answer is in the data, not in the
 * availability of a service.
 */
public abstract class FatalClientException extends RunstreamClientException {
  private static final long serialVersionUID = 1L;

  FatalClientException(String message, Throwable cause) {
    super(message, cause);
  }

  /** Always {@code false}. */
  @Override
  public final boolean isRetriable() {
    return false;
  }
}
