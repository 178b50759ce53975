package dev.runstream.producer;

/** The publisher was closed; nothing can be published through it any more. */
public final class PublisherClosedException extends FatalPublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was refused
   */
  public PublisherClosedException(String message) {
    super(message, null);
  }
}
