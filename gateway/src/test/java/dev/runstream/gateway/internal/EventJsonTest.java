package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventJsonTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant AT = Instant.parse("2026-01-01T10:00:00.123Z");

  private static AgentEvent event(long sequence, Object payload) {
    return AgentEvent.newBuilder()
        .setEventId("e-" + sequence)
        .setRootWorkflowId("root")
        .setWorkflowId("wf")
        .setParentWorkflowId("root")
        .setAgentId("agent")
        .setSequence(sequence)
        .setTimestamp(AT)
        .setTenantId(null)
        .setPayload(payload)
        .build();
  }

  private static JsonNode json(AgentEvent e) throws Exception {
    String text = EventJson.toJson(e);
    assertThat(text).doesNotContain("\n");
    return JSON.readTree(text);
  }

  private static Usage usage() {
    return Usage.newBuilder()
        .setInputTokens(100)
        .setOutputTokens(20)
        .setTotalTokens(120)
        .setCostUsd(new BigDecimal("0.000123456789"))
        .build();
  }

  @Test
  void shouldRenderTheEnvelopeWithSnakeCaseNamesAndIsoTimestampsWhenWritingAnyEvent()
      throws Exception {
    JsonNode j =
        json(event(5, TextDelta.newBuilder().setStepKey("llm_1").setContent("Hel\nlo").build()));
    assertThat(j.path("event_type").asText()).isEqualTo("text_delta");
    assertThat(j.path("event_id").asText()).isEqualTo("e-5");
    assertThat(j.path("workflow_id").asText()).isEqualTo("wf");
    assertThat(j.path("root_workflow_id").asText()).isEqualTo("root");
    assertThat(j.path("parent_workflow_id").asText()).isEqualTo("root");
    assertThat(j.path("agent_id").asText()).isEqualTo("agent");
    assertThat(j.has("tenant_id")).isTrue();
    assertThat(j.path("tenant_id").isNull()).isTrue();
    assertThat(j.path("sequence").asLong()).isEqualTo(5);
    assertThat(j.path("attempt").asInt()).isEqualTo(1);
    assertThat(j.path("timestamp").asText()).isEqualTo("2026-01-01T10:00:00.123Z");
    assertThat(j.has("traceparent")).isFalse();
    assertThat(j.path("data").path("content").asText()).isEqualTo("Hel\nlo");
    assertThat(j.path("data").path("step_key").asText()).isEqualTo("llm_1");
  }

  @Test
  void shouldCarryTheStepsAttemptWhenAStepIsRetried() throws Exception {
    AgentEvent retry =
        event(7, StepStart.newBuilder().setStepKey("llm_2").setStepType(StepType.LLM).build());
    retry.put("attempt", 2);

    JsonNode j = json(retry);

    assertThat(j.path("event_type").asText()).isEqualTo("step_start");
    assertThat(j.path("attempt").asInt()).isEqualTo(2);
    assertThat(j.path("data").path("step_key").asText()).isEqualTo("llm_2");
  }

  @Test
  void shouldRenderEveryPayloadTypeWhenWritingTheLifecycle() throws Exception {
    JsonNode start =
        json(
            event(
                0,
                AgentStart.newBuilder()
                    .setInput("weather?")
                    .setConfig(Map.of("model", "gpt-4o", "temperature", "0.2"))
                    .build()));
    assertThat(start.path("event_type").asText()).isEqualTo("agent_start");
    assertThat(start.path("data").path("config").path("model").asText()).isEqualTo("gpt-4o");

    JsonNode step =
        json(
            event(
                1,
                StepStart.newBuilder()
                    .setStepKey("tool_1")
                    .setStepType(StepType.TOOL)
                    .setToolCallId("call_1")
                    .build()));
    assertThat(step.path("data").path("step_type").asText()).isEqualTo("TOOL");
    assertThat(step.path("data").path("tool_call_id").asText()).isEqualTo("call_1");

    JsonNode call =
        json(
            event(
                2,
                ToolCall.newBuilder()
                    .setStepKey("llm_1")
                    .setCallId("call_1")
                    .setToolName("search_web")
                    .setArguments("{\"q\":\"x\"}")
                    .build()));
    assertThat(call.path("event_type").asText()).isEqualTo("tool_call");
    assertThat(call.path("data").path("arguments").asText()).isEqualTo("{\"q\":\"x\"}");

    JsonNode finishStep =
        json(
            event(
                3,
                StepFinish.newBuilder()
                    .setStepKey("llm_1")
                    .setDurationMs(1234)
                    .setUsage(usage())
                    .setModel("gpt-4o")
                    .build()));
    assertThat(finishStep.path("data").path("duration_ms").asLong()).isEqualTo(1234);
    assertThat(finishStep.path("data").path("usage").path("cost_usd").asText())
        .isEqualTo("0.000123456789");

    JsonNode finish =
        json(
            event(
                4,
                AgentFinish.newBuilder()
                    .setOutput("It is sunny.")
                    .setTotalSteps(2)
                    .setUsage(usage())
                    .setToolResults(
                        List.of(
                            ToolResult.newBuilder()
                                .setCallId("call_1")
                                .setToolName("search_web")
                                .setArguments("{}")
                                .setOutput("{\"ok\":true}")
                                .build()))
                    .build()));
    assertThat(finish.path("event_type").asText()).isEqualTo("agent_finish");
    assertThat(finish.path("data").path("usage").path("total_tokens").asLong()).isEqualTo(120);
    assertThat(finish.path("data").path("tool_results").get(0).path("tool_name").asText())
        .isEqualTo("search_web");

    JsonNode error =
        json(
            event(
                5,
                AgentError.newBuilder()
                    .setMessage("rate limited")
                    .setErrorType("429")
                    .setRetryable(true)
                    .build()));
    assertThat(error.path("event_type").asText()).isEqualTo("error");
    assertThat(error.path("data").path("retryable").asBoolean()).isTrue();
    assertThat(error.path("data").path("step_key").isNull()).isTrue();
  }
}
