package dev.runstream.producer;

import java.time.Instant;
import java.util.Objects;

/**
 * A request to cancel a run, as the publisher observed it on the control topic ({@code
 * ControlCommand} with command {@code CANCEL}). A request for a workflow also reaches the runs of
 * its sub-agents started by the same publisher.
 *
 * @param requestId the command's unique id; the cancelled run's terminal event echoes it
 * @param workflowId the workflow the request named (for a sub-agent run: possibly an ancestor)
 * @param rootWorkflowId the root of its tree
 * @param reason the reason given, or {@code null}
 * @param requestedBy who asked, or {@code null}
 * @param source the component that published it: {@code sdk}, {@code gateway}, {@code cli}, …
 * @param requestedAt when it was requested
 */
public record CancelRequest(
    String requestId,
    String workflowId,
    String rootWorkflowId,
    String reason,
    String requestedBy,
    String source,
    Instant requestedAt) {

  /** Checks the required components. */
  public CancelRequest {
    Objects.requireNonNull(requestId, "requestId");
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(rootWorkflowId, "rootWorkflowId");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(requestedAt, "requestedAt");
  }
}
