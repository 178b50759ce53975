package dev.runstream.producer;

/** A failure that repeating the same call cannot fix. */
public class FatalPublishException extends PublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what happened
   * @param cause the underlying failure, or {@code null}
   */
  public FatalPublishException(String message, Throwable cause) {
    super(message, cause);
  }

  @Override
  public final boolean isRetriable() {
    return false;
  }
}
