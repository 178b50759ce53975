package dev.runstream.client.internal;

import dev.runstream.client.RunResult;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.RunError;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link RunResult} from a workflow's events, as the topology builds its view: text deltas
 * concatenated, without those of step attempts a retry superseded ({@link AttemptText}); usage from
 * {@code agent_finish} when it reports totals, else the sum of the steps'; tool results from {@code
 * agent_finish}, else from the tool calls and the outputs of their TOOL steps. Events of other
 * workflows (children) are ignored. Not thread-safe.
 */
public final class ResultCollector {
  private final String workflowId;
  private AttemptText text;
  private final Map<String, ToolResult.Builder> tools = new LinkedHashMap<>();
  private final Map<String, String> toolStepCalls = new HashMap<>();
  private Usage stepUsage;
  private Usage reportedUsage;
  private String output;
  private int totalSteps;
  private RunError error;
  private RunStatus status = RunStatus.RUNNING;

  /** Starts from nothing. */
  public ResultCollector(String workflowId) {
    this.workflowId = workflowId;
    this.text = new AttemptText();
    this.stepUsage = ViewClient.zeroUsage();
  }

  /** Starts from a view snapshot of a running workflow, to add the events after it. */
  public ResultCollector(ViewSnapshot snapshot) {
    this(snapshot.workflowId());
    seed(snapshot);
  }

  /**
   * Starts from a view snapshot of a running workflow: call before the first event, on a collector
   * that has seen nothing.
   */
  public void seed(ViewSnapshot snapshot) {
    this.text = new AttemptText(snapshot.text());
    this.stepUsage = snapshot.usage();
    this.totalSteps = snapshot.totalSteps();
    for (ToolResult t : snapshot.toolResults()) {
      tools.put(t.getCallId(), ToolResult.newBuilder(t));
    }
  }

  /** Applies one delivered event. */
  public void accept(AgentEvent event) {
    if (!workflowId.equals(event.getWorkflowId())) {
      return;
    }
    Object payload = event.getPayload();
    if (payload instanceof TextDelta delta) {
      text.delta(delta.getStepKey(), event.getAttempt(), delta.getContent());
    } else if (payload instanceof ToolCall call) {
      text.stepEvent(call.getStepKey(), event.getAttempt());
      tools.put(
          call.getCallId(),
          ToolResult.newBuilder()
              .setCallId(call.getCallId())
              .setToolName(call.getToolName())
              .setArguments(call.getArguments())
              .setOutput(null));
    } else if (payload instanceof StepStart start) {
      text.stepStarted(start.getStepKey(), event.getAttempt());
      if (start.getStepType() == StepType.TOOL && start.getToolCallId() != null) {
        toolStepCalls.put(start.getStepKey(), start.getToolCallId());
      }
    } else if (payload instanceof StepFinish finish) {
      text.stepFinished(finish.getStepKey(), event.getAttempt());
      if (finish.getUsage() != null) {
        stepUsage = add(stepUsage, finish.getUsage());
      }
      String callId = toolStepCalls.get(finish.getStepKey());
      if (callId != null && tools.containsKey(callId)) {
        tools.get(callId).setOutput(finish.getOutput());
      }
    } else if (payload instanceof AgentFinish finish) {
      status = RunStatus.FINISHED;
      output = finish.getOutput();
      totalSteps = finish.getTotalSteps();
      reportedUsage = finish.getUsage();
      if (!finish.getToolResults().isEmpty()) {
        tools.clear();
        for (ToolResult t : finish.getToolResults()) {
          tools.put(t.getCallId(), ToolResult.newBuilder(t));
        }
      }
    } else if (payload instanceof AgentError failure) {
      status = failure.getCancellation() != null ? RunStatus.CANCELLED : RunStatus.FAILED;
      error =
          RunError.newBuilder()
              .setMessage(failure.getMessage())
              .setErrorType(failure.getErrorType())
              .setRetryable(failure.getRetryable())
              .setStepKey(failure.getStepKey())
              .build();
    }
  }

  /** The text so far. */
  public String text() {
    return text.text();
  }

  /**
   * Whether a step was retried whose earlier attempts started before the snapshot this collector
   * started from: their text may be in the snapshot's text, so only a replay gives the exact text.
   */
  public boolean needsReplay() {
    return text.missedEarlierAttempts();
  }

  /** The result so far. */
  public RunResult result() {
    List<ToolResult> results = new ArrayList<>(tools.size());
    for (ToolResult.Builder b : tools.values()) {
      results.add(b.build());
    }
    return new RunResult(
        workflowId,
        status,
        output,
        text.text(),
        totalSteps,
        reportedUsage != null ? reportedUsage : stepUsage,
        results,
        error,
        RunResult.Source.EVENTS);
  }

  /** The result held by a view snapshot. */
  public static RunResult fromView(ViewSnapshot s) {
    return new RunResult(
        s.workflowId(),
        s.status(),
        s.output(),
        s.text(),
        s.totalSteps(),
        s.usage(),
        s.toolResults(),
        s.error(),
        RunResult.Source.VIEW);
  }

  static Usage add(Usage a, Usage b) {
    return Usage.newBuilder()
        .setInputTokens(a.getInputTokens() + b.getInputTokens())
        .setOutputTokens(a.getOutputTokens() + b.getOutputTokens())
        .setTotalTokens(a.getTotalTokens() + b.getTotalTokens())
        .setCostUsd(a.getCostUsd().add(b.getCostUsd()))
        .build();
  }
}
