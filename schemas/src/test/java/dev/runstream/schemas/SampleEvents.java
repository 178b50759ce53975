package dev.runstream.schemas;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** One event of every type, for round-trip tests. */
final class SampleEvents {
  static final String ROOT = "wf-root-1";
  private static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

  private SampleEvents() {}

  static Usage usage(long in, long out, String cost) {
    return Usage.newBuilder()
        .setInputTokens(in)
        .setOutputTokens(out)
        .setTotalTokens(in + out)
        .setCostUsd(new BigDecimal(cost).setScale(12))
        .build();
  }

  static AgentEvent event(long sequence, Object payload) {
    return AgentEvent.newBuilder()
        .setEventId(UUID.randomUUID().toString())
        .setRootWorkflowId(ROOT)
        .setWorkflowId(ROOT)
        .setParentWorkflowId(null)
        .setAgentId("weather-agent")
        .setSequence(sequence)
        .setTimestamp(T0.plus(sequence, ChronoUnit.MILLIS))
        .setTenantId("tenant-a")
        .setTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
        .setPayload(payload)
        .build();
  }

  static AgentEvent agentStart() {
    return event(
        0,
        AgentStart.newBuilder()
            .setInput("What's the weather in Tokyo?")
            .setConfig(Map.of("model", "gpt-4o-mini"))
            .build());
  }

  /** A whole run: one event of each type, error included. */
  static List<AgentEvent> everyType() {
    return List.of(
        agentStart(),
        event(1, StepStart.newBuilder().setStepKey("llm_1").setStepType(StepType.LLM).build()),
        event(2, TextDelta.newBuilder().setStepKey("llm_1").setContent("It is ").build()),
        event(
            3,
            ToolCall.newBuilder()
                .setStepKey("llm_1")
                .setCallId("call_1")
                .setToolName("get_weather")
                .setArguments("{\"city\":\"Tokyo\"}")
                .build()),
        event(
            4,
            StepFinish.newBuilder()
                .setStepKey("llm_1")
                .setOutput("{\"tool_calls\":1}")
                .setDurationMs(812)
                .setUsage(usage(120, 30, "0.000036000000"))
                .setModel("gpt-4o-mini")
                .build()),
        event(
            5,
            AgentFinish.newBuilder()
                .setOutput("It is sunny in Tokyo.")
                .setTotalSteps(2)
                .setUsage(usage(120, 30, "0.000036000000"))
                .setToolResults(
                    List.of(
                        ToolResult.newBuilder()
                            .setCallId("call_1")
                            .setToolName("get_weather")
                            .setArguments("{\"city\":\"Tokyo\"}")
                            .setOutput("{\"sky\":\"sunny\"}")
                            .build()))
                .build()),
        event(
            6,
            AgentError.newBuilder()
                .setMessage("rate limited")
                .setErrorType("RateLimitError")
                .setRetryable(true)
                .setStepKey("llm_2")
                .build()));
  }
}
