package dev.runstream.topology;

/**
 * Root of every exception the topology module throws: invalid configuration ({@link
 * TopologyConfigException}), events that break a workflow's state machine ({@link
 * InvalidEventException}), and failures to start or run the application.
 *
 * <p>Unchecked, like Kafka's own exceptions: callers that want to handle every failure of this
 * module catch this one type.
 */
public class RunstreamTopologyException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates an exception with a message.
   *
   * @param message what went wrong
   */
  public RunstreamTopologyException(String message) {
    super(message);
  }

  /**
   * Creates an exception with a message and a cause.
   *
   * @param message what went wrong
   * @param cause the underlying failure
   */
  public RunstreamTopologyException(String message, Throwable cause) {
    super(message, cause);
  }

  /**
   * Creates an exception that may skip capturing its stack trace: for expected conditions such as
   * bad input, which are reported many times and whose stack says nothing.
   *
   * @param message what went wrong
   * @param cause the underlying failure, or {@code null}
   * @param writableStackTrace whether to capture the stack trace
   */
  protected RunstreamTopologyException(
      String message, Throwable cause, boolean writableStackTrace) {
    super(message, cause, true, writableStackTrace);
  }
}
