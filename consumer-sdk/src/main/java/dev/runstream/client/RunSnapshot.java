package dev.runstream.client;

import dev.runstream.schemas.RunStatus;

/**
 * A run's state as the topology's materialized view holds it at one moment: its text so far and the
 * last sequence applied to it. A late joiner gets one ({@link WorkflowStream#snapshot()} of {@link
 * RunstreamClient#join}) before the live events after it; {@link RunstreamClient#view} returns one.
 *
 * @param workflowId the workflow
 * @param rootWorkflowId the root of its tree
 * @param status RUNNING, FINISHED or FAILED
 * @param text the text so far (all of it for an ended run)
 * @param lastSequence the highest sequence applied; -1 before any (or when the view did not know
 *     the run: a join then starts from its first event)
 * @param position the position of the events topic this state reflects, or {@code null} if the view
 *     did not say
 */
public record RunSnapshot(
    String workflowId,
    String rootWorkflowId,
    RunStatus status,
    String text,
    long lastSequence,
    ViewPosition position) {

  /** Whether the run has ended (FINISHED or FAILED). */
  public boolean isTerminal() {
    return status == RunStatus.FINISHED || status == RunStatus.FAILED;
  }
}
