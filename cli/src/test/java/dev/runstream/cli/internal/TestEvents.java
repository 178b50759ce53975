package dev.runstream.cli.internal;

import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.Cancellation;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Builds the events of one workflow, numbering them. */
final class TestEvents {
  private final String root;
  private final String workflow;
  private final String parent;
  private final String agent;
  private long sequence;

  TestEvents(String root, String workflow, String parent, String agent) {
    this.root = root;
    this.workflow = workflow;
    this.parent = parent;
    this.agent = agent;
  }

  static TestEvents root(String id, String agent) {
    return new TestEvents(id, id, null, agent);
  }

  TestEvents child(String id, String agent) {
    return new TestEvents(root, id, workflow, agent);
  }

  AgentEvent event(Object payload) {
    return AgentEvent.newBuilder()
        .setEventId("e-" + workflow + "-" + sequence)
        .setRootWorkflowId(root)
        .setWorkflowId(workflow)
        .setParentWorkflowId(parent)
        .setAgentId(agent)
        .setSequence(sequence++)
        .setTimestamp(Instant.parse("2025-01-31T12:00:00Z").plusSeconds(sequence))
        .setPayload(payload)
        .build();
  }

  AgentEvent start() {
    return event(AgentStart.newBuilder().setInput("hi").setConfig(Map.of("model", "m")).build());
  }

  AgentEvent step(String key, StepType type) {
    return event(StepStart.newBuilder().setStepKey(key).setStepType(type).build());
  }

  AgentEvent text(String key, String content) {
    return event(TextDelta.newBuilder().setStepKey(key).setContent(content).build());
  }

  AgentEvent tool(String key, String name) {
    return event(
        ToolCall.newBuilder()
            .setStepKey(key)
            .setCallId("call-" + name)
            .setToolName(name)
            .setArguments("{}")
            .build());
  }

  AgentEvent stepFinish(String key) {
    return event(StepFinish.newBuilder().setStepKey(key).setDurationMs(5).build());
  }

  AgentEvent finish(long tokens) {
    return event(
        AgentFinish.newBuilder()
            .setOutput("done")
            .setTotalSteps(2)
            .setUsage(usage(tokens))
            .setToolResults(List.of())
            .build());
  }

  AgentEvent error(String message, String type) {
    return event(
        AgentError.newBuilder()
            .setMessage(message)
            .setErrorType(type)
            .setRetryable(true)
            .setStepKey(null)
            .build());
  }

  AgentEvent cancelled(String reason, String requestedBy) {
    return event(
        AgentError.newBuilder()
            .setMessage("cancelled by " + requestedBy + ": " + reason)
            .setErrorType("cancelled")
            .setRetryable(false)
            .setStepKey(null)
            .setCancellation(new Cancellation(reason, requestedBy, "cli", "req-1"))
            .build());
  }

  /** Sets the envelope's attempt of {@code event}. */
  static AgentEvent attempt(int attempt, AgentEvent event) {
    event.put("attempt", attempt);
    return event;
  }

  static Usage usage(long tokens) {
    return Usage.newBuilder()
        .setInputTokens(tokens - tokens / 4)
        .setOutputTokens(tokens / 4)
        .setTotalTokens(tokens)
        .setCostUsd(new BigDecimal("0.001234500000"))
        .build();
  }
}
