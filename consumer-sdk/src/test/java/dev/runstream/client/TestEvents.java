package dev.runstream.client;

import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Builds realistic runs of one workflow: agent_start, an LLM step streaming text, a tool call with
 * its TOOL step, and agent_finish (or error). Sequences are gapless from 0.
 */
public final class TestEvents {
  private final String root;
  private final String workflowId;
  private final String parent;
  private final List<AgentEvent> events = new ArrayList<>();
  private final StringBuilder text = new StringBuilder();

  private TestEvents(String root, String workflowId, String parent) {
    this.root = root;
    this.workflowId = workflowId;
    this.parent = parent;
  }

  /** A root workflow. */
  public static TestEvents root(String workflowId) {
    return new TestEvents(workflowId, workflowId, null);
  }

  /** A child workflow of {@code parent} in the tree of {@code root}. */
  public static TestEvents child(String root, String parent, String workflowId) {
    return new TestEvents(root, workflowId, parent);
  }

  public static Usage usage(long in, long out, String cost) {
    return Usage.newBuilder()
        .setInputTokens(in)
        .setOutputTokens(out)
        .setTotalTokens(in + out)
        .setCostUsd(new BigDecimal(cost).setScale(12))
        .build();
  }

  private AgentEvent next(Object payload) {
    return next(payload, 1);
  }

  private AgentEvent next(Object payload, int attempt) {
    AgentEvent e =
        AgentEvent.newBuilder()
            .setEventId(UUID.randomUUID().toString())
            .setRootWorkflowId(root)
            .setWorkflowId(workflowId)
            .setParentWorkflowId(parent)
            .setAgentId("test-agent")
            .setSequence(events.size())
            .setTimestamp(Instant.now())
            .setTenantId("tenant-a")
            .setPayload(payload)
            .setAttempt(attempt)
            .build();
    events.add(e);
    return e;
  }

  public TestEvents start() {
    next(AgentStart.newBuilder().setInput("question").setConfig(Map.of("model", "m1")).build());
    return this;
  }

  public TestEvents llmStep(String stepKey, String... chunks) {
    next(StepStart.newBuilder().setStepKey(stepKey).setStepType(StepType.LLM).build());
    streamAndFinish(stepKey, 1, chunks);
    return this;
  }

  /** The text deltas {@code chunks} of {@code stepKey}'s {@code attempt}, then its finish. */
  private void streamAndFinish(String stepKey, int attempt, String... chunks) {
    for (String chunk : chunks) {
      next(TextDelta.newBuilder().setStepKey(stepKey).setContent(chunk).build(), attempt);
      text.append(chunk);
    }
    next(
        StepFinish.newBuilder()
            .setStepKey(stepKey)
            .setOutput("{}")
            .setDurationMs(5)
            .setUsage(usage(10, chunks.length, "0.000010000000"))
            .setModel("m1")
            .build(),
        attempt);
  }

  /**
   * An LLM step whose first attempt streams {@code superseded}, is retried, and whose second
   * attempt streams {@code chunks} and finishes; {@link #text()} has only the second attempt's.
   */
  public TestEvents retriedLlmStep(String stepKey, List<String> superseded, String... chunks) {
    next(StepStart.newBuilder().setStepKey(stepKey).setStepType(StepType.LLM).build());
    for (String chunk : superseded) {
      next(TextDelta.newBuilder().setStepKey(stepKey).setContent(chunk).build());
    }
    next(StepStart.newBuilder().setStepKey(stepKey).setStepType(StepType.LLM).build(), 2);
    streamAndFinish(stepKey, 2, chunks);
    return this;
  }

  /** A text delta of {@code stepKey} with the given attempt, outside any helper's step. */
  public TestEvents delta(String stepKey, int attempt, String chunk) {
    next(TextDelta.newBuilder().setStepKey(stepKey).setContent(chunk).build(), attempt);
    return this;
  }

  public TestEvents deltas(String stepKey, int count) {
    for (int i = 0; i < count; i++) {
      String chunk = "t" + i + " ";
      next(TextDelta.newBuilder().setStepKey(stepKey).setContent(chunk).build());
      text.append(chunk);
    }
    return this;
  }

  public TestEvents toolStep(String callId, String tool, String args, String output) {
    next(
        ToolCall.newBuilder()
            .setStepKey("llm")
            .setCallId(callId)
            .setToolName(tool)
            .setArguments(args)
            .build());
    String stepKey = "tool_" + callId;
    next(
        StepStart.newBuilder()
            .setStepKey(stepKey)
            .setStepType(StepType.TOOL)
            .setToolCallId(callId)
            .build());
    next(StepFinish.newBuilder().setStepKey(stepKey).setOutput(output).setDurationMs(3).build());
    return this;
  }

  public TestEvents finish(String output, int totalSteps, List<ToolResult> tools) {
    next(
        AgentFinish.newBuilder()
            .setOutput(output)
            .setTotalSteps(totalSteps)
            .setUsage(usage(100, 20, "0.000120000000"))
            .setToolResults(tools)
            .build());
    return this;
  }

  public TestEvents fail(String message) {
    next(
        AgentError.newBuilder()
            .setMessage(message)
            .setErrorType("TestError")
            .setRetryable(false)
            .build());
    return this;
  }

  /** A whole successful run with {@code deltas} text deltas. */
  public static List<AgentEvent> run(String workflowId, int deltas) {
    TestEvents t = root(workflowId).start();
    t.next(StepStart.newBuilder().setStepKey("llm").setStepType(StepType.LLM).build());
    t.deltas("llm", deltas);
    t.next(StepFinish.newBuilder().setStepKey("llm").setDurationMs(1).build());
    return t.finish("done", 1, List.of()).events();
  }

  public List<AgentEvent> events() {
    return List.copyOf(events);
  }

  public String text() {
    return text.toString();
  }

  public String workflowId() {
    return workflowId;
  }
}
