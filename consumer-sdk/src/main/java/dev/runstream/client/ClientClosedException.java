package dev.runstream.client;

/**
 * The {@link RunstreamClient} was closed while the stream was open, or a call was made after it was
 * closed. Streams closed by their own {@link WorkflowStream#close()} just end; this tells the
 * consumer that the stream did not end by itself. Fatal for this client instance.
 */
public final class ClientClosedException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public ClientClosedException(String message) {
    super(message, null);
  }
}
