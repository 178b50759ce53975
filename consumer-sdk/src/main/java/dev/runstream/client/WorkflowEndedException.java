package dev.runstream.client;

import dev.runstream.schemas.RunStatus;

/**
 * The workflow asked to cancel has already ended ({@code FINISHED}, {@code FAILED} or {@code
 * CANCELLED}), according to the view; nothing was published. Fatal.
 */
public final class WorkflowEndedException extends FatalClientException {
  private static final long serialVersionUID = 1L;

  private final String workflowId;
  private final RunStatus status;

  /**
   * Creates the exception; the SDK throws it, applications only catch it.
   *
   * @param workflowId the workflow
   * @param status its terminal status
   */
  public WorkflowEndedException(String workflowId, RunStatus status) {
    super(
        "workflow " + workflowId + " has already ended (" + status + "); nothing to cancel", null);
    this.workflowId = workflowId;
    this.status = status;
  }

  /**
   * The workflow.
   *
   * @return its id
   */
  public String workflowId() {
    return workflowId;
  }

  /**
   * How it ended.
   *
   * @return its terminal status
   */
  public RunStatus status() {
    return status;
  }
}
