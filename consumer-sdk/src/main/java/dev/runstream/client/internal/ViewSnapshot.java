package dev.runstream.client.internal;

import dev.runstream.schemas.RunError;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.time.Instant;
import java.util.List;

/**
 * What the client uses of a workflow's materialized view ({@code WorkflowRun}, as the topology's
 * {@code GET /workflows/{id}} serves it).
 *
 * @param workflowId the workflow id
 * @param rootWorkflowId the root of its tree, the record key of its events
 * @param status RUNNING, FINISHED, FAILED or CANCELLED
 * @param startedAt the time of its first event, or {@code null}
 * @param lastSequence the highest sequence applied, -1 before any
 * @param text the text so far
 * @param output the final result, or {@code null}
 * @param totalSteps the step count
 * @param usage the authoritative usage
 * @param toolResults the tool results
 * @param error the error of a failed run, or {@code null}
 * @param firstEventPartition the partition of its first event, -1 if unknown
 * @param firstEventOffset the offset of its first event, -1 if unknown
 */
public record ViewSnapshot(
    String workflowId,
    String rootWorkflowId,
    RunStatus status,
    Instant startedAt,
    long lastSequence,
    String text,
    String output,
    int totalSteps,
    Usage usage,
    List<ToolResult> toolResults,
    RunError error,
    int firstEventPartition,
    long firstEventOffset) {

  /** Whether the run has ended: its terminal event was applied. */
  public boolean isTerminal() {
    return status == RunStatus.FINISHED
        || status == RunStatus.FAILED
        || status == RunStatus.CANCELLED;
  }

  /** Whether it carries the replay index. */
  public boolean hasIndex() {
    return firstEventPartition >= 0 && firstEventOffset >= 0;
  }
}
