package dev.runstream.producer;

/**
 * The run's state machine refused an event that would make the event stream invalid: an event after
 * the run ended, a step finished twice, an unknown step or tool call, a text delta for a finished
 * step, a second terminal event, finishing a run while steps or child runs are open, a child run of
 * a run that ended. Nothing was published and the state is unchanged.
 */
public final class InvalidTransitionException extends FatalPublishException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message which transition was refused, for which workflow and why
   */
  public InvalidTransitionException(String message) {
    super(message, null);
  }
}
