package dev.runstream.client;

/**
 * No workflow has this id: the materialized view does not know it, no event of it is in the
 * searched part of the topic ({@link ClientConfig#REPLAY_LOOKBACK_MAX_MS_CONFIG}), and none arrived
 * within the {@linkplain StreamOptions.Builder#startTimeout start timeout}. Fatal.
 */
public final class UnknownWorkflowException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;

  /** Creates the exception; the SDK throws it, applications only catch it. */
  public UnknownWorkflowException(String workflowId, String detail) {
    super("unknown workflow " + workflowId + ": " + detail, null);
    this.workflowId = workflowId;
  }

  /** The id that was asked for. */
  public String workflowId() {
    return workflowId;
  }
}
