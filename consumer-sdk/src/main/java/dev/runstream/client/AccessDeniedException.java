package dev.runstream.client;

/**
 * The broker refused the client's credentials or its principal's rights: a wrong password, an
 * untrusted or missing certificate ({@code AuthenticationException}), or no ACL that allows reading
 * the topic ({@code TopicAuthorizationException}). Not retriable: waiting does not make the
 * credentials valid. In a tenant-isolated deployment it is also what a principal of one tenant gets
 * for another tenant's topic.
 *
 * <p>The cause is Kafka's exception; the message names the topic and what to check.
 */
public final class AccessDeniedException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what was denied and what to check
   * @param cause Kafka's authentication or authorization exception
   */
  public AccessDeniedException(String message, Throwable cause) {
    super(message, cause);
  }
}
