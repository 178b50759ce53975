package dev.runstream.client;

import dev.runstream.schemas.RunError;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a workflow run, as Polos' {@code stream.result()}: its result, total steps, usage
 * (tokens and exact cost) and tool results, plus its status, text and error.
 *
 * <pre>{@code
 * RunResult r = client.result(workflowId).get(30, TimeUnit.SECONDS);
 * System.out.println("Result: " + r.result());
 * System.out.println("Total steps: " + r.totalSteps());
 * System.out.println("Tokens used: " + r.usage().getTotalTokens());
 * System.out.println("Cost: $" + r.usage().getCostUsd());
 * for (ToolResult tool : r.toolResults()) {
 *   System.out.println("Tool: " + tool.getToolName() + " -> " + tool.getOutput());
 * }
 * r.error().ifPresent(e -> System.out.println("Failed: " + e.getMessage()));
 * }</pre>
 *
 * @param workflowId the workflow's id
 * @param status {@code FINISHED}, {@code FAILED} or {@code CANCELLED} once the run ended; {@code
 *     RUNNING} only from a stream that ended early (timeout, close)
 * @param result the final result from {@code agent_finish} (text or JSON), or {@code null}
 * @param text the workflow's text: its text deltas concatenated in sequence order
 * @param totalSteps the step count reported by {@code agent_finish}
 * @param usage the run's usage: the totals of {@code agent_finish}, else the sum of its steps'
 * @param toolResults the tool calls with their arguments and results, immutable
 * @param errorOrNull the error of a failed or cancelled run (type {@code cancelled}, its message
 *     with the reason), or {@code null}; see {@link #error()}
 * @param source whether this came from the materialized view or from the events
 */
public record RunResult(
    String workflowId,
    RunStatus status,
    String result,
    String text,
    int totalSteps,
    Usage usage,
    List<ToolResult> toolResults,
    RunError errorOrNull,
    Source source) {

  /** Where a {@link RunResult} came from. */
  public enum Source {
    /** The topology's materialized view, without reading any event. */
    VIEW,
    /** The workflow's events, read from the topic. */
    EVENTS
  }

  /** Validates and copies the components. */
  public RunResult {
    Objects.requireNonNull(workflowId, "workflowId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(usage, "usage");
    toolResults = List.copyOf(toolResults);
    Objects.requireNonNull(source, "source");
  }

  /** The error of a failed run. */
  public Optional<RunError> error() {
    return Optional.ofNullable(errorOrNull);
  }

  /** The final result, as Polos names it; the same as {@link #result()}. */
  public String output() {
    return result;
  }

  /** Whether the run finished successfully. */
  public boolean isFinished() {
    return status == RunStatus.FINISHED;
  }

  /** Whether the run failed. */
  public boolean isFailed() {
    return status == RunStatus.FAILED;
  }

  /** Whether the run was cancelled: its worker ended it after a cancel request. */
  public boolean isCancelled() {
    return status == RunStatus.CANCELLED;
  }
}
