package dev.runstream.client.internal;

import dev.runstream.client.RunSnapshot;
import dev.runstream.client.ViewPosition;
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
 * @param positionPartition the partition of the view's position ({@code X-Runstream-Position}), -1
 *     if the answer had none
 * @param positionOffset the offset up to which the view had applied that partition, -1 if unknown
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
    long firstEventOffset,
    int positionPartition,
    long positionOffset) {

  /** Nothing known of the workflow: RUNNING, no event applied, no text. */
  public static ViewSnapshot empty(String workflowId, String rootWorkflowId) {
    return new ViewSnapshot(
        workflowId,
        rootWorkflowId,
        RunStatus.RUNNING,
        null,
        -1,
        "",
        null,
        0,
        ViewClient.zeroUsage(),
        List.of(),
        null,
        -1,
        -1,
        -1,
        -1);
  }

  /** This snapshot with the view's position. */
  public ViewSnapshot withPosition(int partition, long offset) {
    return new ViewSnapshot(
        workflowId,
        rootWorkflowId,
        status,
        startedAt,
        lastSequence,
        text,
        output,
        totalSteps,
        usage,
        toolResults,
        error,
        firstEventPartition,
        firstEventOffset,
        partition,
        offset);
  }

  /** Whether the view said which position it reflects. */
  public boolean hasPosition() {
    return positionPartition >= 0 && positionOffset >= 0;
  }

  /** The public form. */
  public RunSnapshot toRunSnapshot() {
    return new RunSnapshot(
        workflowId,
        rootWorkflowId,
        status,
        text,
        lastSequence,
        hasPosition() ? new ViewPosition(positionPartition, positionOffset) : null);
  }

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
