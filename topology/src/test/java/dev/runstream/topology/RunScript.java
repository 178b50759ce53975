package dev.runstream.topology;

import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.Cancellation;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Writes the events of one workflow, numbering sequences and advancing time by itself. */
final class RunScript {
  static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private final String root;
  private final String workflowId;
  private final String parent;
  private final String agent;
  private final String tenant;
  private long sequence;
  private Instant clock;

  RunScript(
      String root, String workflowId, String parent, String agent, String tenant, Instant t0) {
    this.root = root;
    this.workflowId = workflowId;
    this.parent = parent;
    this.agent = agent;
    this.tenant = tenant;
    this.clock = t0;
  }

  static RunScript root(String id) {
    return new RunScript(id, id, null, "agent-" + id, "tenant-a", T0);
  }

  RunScript child(String id, String childAgent) {
    return new RunScript(root, id, workflowId, childAgent, tenant, clock);
  }

  String id() {
    return workflowId;
  }

  String rootId() {
    return root;
  }

  long nextSequence() {
    return sequence;
  }

  RunScript at(Instant time) {
    this.clock = time;
    return this;
  }

  RunScript skip(long sequences) {
    sequence += sequences;
    return this;
  }

  static Usage usage(long in, long out, String cost) {
    return new Usage(in, out, in + out, new BigDecimal(cost).setScale(12));
  }

  AgentEvent event(long seq, Object payload) {
    return AgentEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setRootWorkflowId(root)
        .setWorkflowId(workflowId)
        .setParentWorkflowId(parent)
        .setAgentId(agent)
        .setSequence(seq)
        .setTimestamp(clock)
        .setTenantId(tenant)
        .setPayload(payload)
        .build();
  }

  private AgentEvent next(Object payload) {
    AgentEvent event = event(sequence++, payload);
    clock = clock.plusMillis(10);
    return event;
  }

  AgentEvent start() {
    return next(new AgentStart("input of " + workflowId, Map.of("model", "gpt-test")));
  }

  AgentEvent stepStart(String key, StepType type) {
    return next(new StepStart(key, type, null));
  }

  /** A step_start of attempt {@code attempt} of an existing step: a retry. */
  AgentEvent retry(String key, StepType type, int attempt) {
    return attempt(attempt, next(new StepStart(key, type, null)));
  }

  /** Sets the envelope's attempt of {@code event}. */
  static AgentEvent attempt(int attempt, AgentEvent event) {
    event.put("attempt", attempt);
    return event;
  }

  AgentEvent toolStepStart(String key, String callId) {
    return next(new StepStart(key, StepType.TOOL, callId));
  }

  AgentEvent delta(String step, String content) {
    return next(new TextDelta(step, content));
  }

  AgentEvent toolCall(String step, String callId, String tool, String arguments) {
    return next(new ToolCall(step, callId, tool, arguments));
  }

  AgentEvent stepFinish(String key, String output, long durationMs, Usage usage, String model) {
    return next(new StepFinish(key, output, durationMs, usage, model));
  }

  AgentEvent finish(String output, int totalSteps, Usage usage, List<ToolResult> toolResults) {
    return next(new AgentFinish(output, totalSteps, usage, toolResults));
  }

  AgentEvent error(String message) {
    return next(new AgentError(message, "ProviderError", true, null, null));
  }

  AgentEvent cancelled(String reason, String requestedBy) {
    return next(
        new AgentError(
            "cancelled by " + requestedBy + ": " + reason,
            EventType.CANCELLED_ERROR_TYPE,
            false,
            null,
            new Cancellation(reason, requestedBy, "gateway", "req-1")));
  }
}
