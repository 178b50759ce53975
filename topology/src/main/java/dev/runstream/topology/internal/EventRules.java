package dev.runstream.topology.internal;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepRecord;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.WorkflowRun;
import dev.runstream.topology.InvalidEventException;
import dev.runstream.topology.InvalidEventException.Violation;
import java.util.Objects;

/**
 * The checks an event must pass before it is applied. They only read state, so an event that fails
 * one leaves no trace but its dead-letter record.
 */
final class EventRules {
  private EventRules() {}

  /** Checks the envelope on its own and against the record key. */
  static void checkEnvelope(String key, AgentEvent event) {
    if (event == null) {
      throw new InvalidEventException(Violation.NULL_EVENT, null, -1, "record has no value");
    }
    String id = event.getWorkflowId();
    long seq = event.getSequence();
    if (isBlank(id) || isBlank(event.getRootWorkflowId()) || isBlank(event.getAgentId())) {
      throw invalid(Violation.INVALID_ENVELOPE, event, "workflow, root and agent ids are required");
    }
    if (seq < 0) {
      throw invalid(Violation.INVALID_ENVELOPE, event, "negative sequence " + seq);
    }
    if (event.getPayload() == null || event.getTimestamp() == null) {
      throw invalid(Violation.INVALID_ENVELOPE, event, "payload and timestamp are required");
    }
    if (event.getAttempt() < 1) {
      throw invalid(
          Violation.INVALID_ATTEMPT, event, "attempt " + event.getAttempt() + " is below 1");
    }
    String parent = event.getParentWorkflowId();
    boolean isRoot = id.equals(event.getRootWorkflowId());
    if (isRoot && parent != null) {
      throw invalid(Violation.INVALID_ENVELOPE, event, "a root workflow has no parent: " + parent);
    }
    if (!isRoot && (parent == null || parent.equals(id))) {
      throw invalid(
          Violation.INVALID_ENVELOPE, event, "a sub-workflow needs a parent other than itself");
    }
    if (!event.getRootWorkflowId().equals(key)) {
      throw invalid(
          Violation.KEY_MISMATCH,
          event,
          "record key " + key + " is not root_workflow_id " + event.getRootWorkflowId());
    }
  }

  /** Checks that {@code event} (not a duplicate) may be applied to {@code state} (maybe null). */
  static void checkApplicable(WorkflowState state, AgentEvent event) {
    WorkflowRun run = state == null ? null : state.run();
    if (run != null) {
      if (!run.getRootWorkflowId().equals(event.getRootWorkflowId())) {
        throw invalid(
            Violation.IDENTITY_MISMATCH,
            event,
            "workflow belongs to root " + run.getRootWorkflowId());
      }
      if (!state.isPlaceholder()) {
        if (!Objects.equals(run.getParentWorkflowId(), event.getParentWorkflowId())) {
          throw invalid(
              Violation.IDENTITY_MISMATCH,
              event,
              "workflow has parent " + run.getParentWorkflowId());
        }
        if (run.getAgentId() != null && !run.getAgentId().equals(event.getAgentId())) {
          throw invalid(
              Violation.IDENTITY_MISMATCH, event, "workflow has agent " + run.getAgentId());
        }
        if (state.isTerminal()) {
          throw invalid(
              Violation.AFTER_TERMINAL,
              event,
              "workflow is "
                  + run.getStatus()
                  + " since sequence "
                  + run.getLastSequence()
                  + "; event is a "
                  + event.getPayload().getClass().getSimpleName());
        }
      }
    }
    Object payload = event.getPayload();
    if (payload instanceof AgentStart && run != null && !state.isPlaceholder()) {
      throw invalid(
          Violation.DUPLICATE_START,
          event,
          "workflow already applied " + run.getEventCount() + " events");
    } else if (payload instanceof StepStart start
        && run != null
        && findStep(run, start.getStepKey()) != null) {
      StepRecord step = findStep(run, start.getStepKey());
      if (step.getFinishedAt() != null || event.getAttempt() <= step.getAttempts()) {
        throw invalid(
            Violation.DUPLICATE_STEP,
            event,
            "step "
                + start.getStepKey()
                + " exists (attempt "
                + step.getAttempts()
                + (step.getFinishedAt() != null ? ", finished" : "")
                + "); a retry names an open step and a higher attempt, got attempt "
                + event.getAttempt());
      }
    } else if (payload instanceof TextDelta delta) {
      checkCurrentAttempt(run, delta.getStepKey(), event);
    } else if (payload instanceof StepFinish finish) {
      checkCurrentAttempt(run, finish.getStepKey(), event);
      StepRecord step = run == null ? null : findStep(run, finish.getStepKey());
      if (step == null && !mayHaveMissedEvents(run, event)) {
        throw invalid(
            Violation.UNKNOWN_STEP, event, "step " + finish.getStepKey() + " never started");
      }
      if (step != null && step.getFinishedAt() != null) {
        throw invalid(
            Violation.STEP_ALREADY_FINISHED,
            event,
            "step " + finish.getStepKey() + " finished at " + step.getFinishedAt());
      }
    } else if (payload instanceof ToolCall call) {
      checkCurrentAttempt(run, call.getStepKey(), event);
      if (run != null && findToolResult(run, call.getCallId()) != null) {
        throw invalid(
            Violation.DUPLICATE_TOOL_CALL, event, "tool call " + call.getCallId() + " exists");
      }
    }
  }

  /** Refuses an event of a step attempt that a retry superseded. */
  private static void checkCurrentAttempt(WorkflowRun run, String stepKey, AgentEvent event) {
    StepRecord step = run == null ? null : findStep(run, stepKey);
    if (step != null && event.getAttempt() < step.getAttempts()) {
      throw invalid(
          Violation.SUPERSEDED_ATTEMPT,
          event,
          "attempt "
              + event.getAttempt()
              + " of step "
              + stepKey
              + " was superseded by attempt "
              + step.getAttempts());
    }
  }

  /** Whether events before {@code event} may be missing: a gap exists or it opens one. */
  private static boolean mayHaveMissedEvents(WorkflowRun run, AgentEvent event) {
    if (run == null) {
      return event.getSequence() > 0;
    }
    return !run.getGaps().isEmpty() || event.getSequence() > run.getLastSequence() + 1;
  }

  static StepRecord findStep(WorkflowRun run, String stepKey) {
    // Newest first: the step being finished is almost always among the last ones started.
    for (int i = run.getSteps().size() - 1; i >= 0; i--) {
      StepRecord step = run.getSteps().get(i);
      if (step.getStepKey().equals(stepKey)) {
        return step;
      }
    }
    return null;
  }

  static ToolResult findToolResult(WorkflowRun run, String callId) {
    for (int i = run.getToolResults().size() - 1; i >= 0; i--) {
      ToolResult result = run.getToolResults().get(i);
      if (result.getCallId().equals(callId)) {
        return result;
      }
    }
    return null;
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static InvalidEventException invalid(
      Violation violation, AgentEvent event, String message) {
    return new InvalidEventException(
        violation,
        event.getWorkflowId(),
        event.getSequence(),
        "workflow " + event.getWorkflowId() + " sequence " + event.getSequence() + ": " + message);
  }
}
