package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AvroJsonTest {
  @Test
  void shouldWriteSnakeCaseFieldsIsoTimestampsDecimalStringsAndUnwrappedUnionsWhenRunIsSerialized()
      throws Exception {
    Instant t = Instant.parse("2026-11-25T10:00:00.123Z");
    WorkflowRun run =
        WorkflowRun.newBuilder()
            .setWorkflowId("wf")
            .setRootWorkflowId("wf")
            .setAgentId("agent")
            .setStatus(RunStatus.FAILED)
            .setStartedAt(t)
            .setEventCount(3)
            .setLastSequence(2)
            .setText("héllo \"quoted\"")
            .setSteps(
                List.of(
                    StepRecord.newBuilder()
                        .setStepKey("s")
                        .setStepType(StepType.TOOL)
                        .setStartedAt(t)
                        .setUsage(usage(1, 2, "0.000000000001"))
                        .build()))
            .setToolResults(List.of(new ToolResult("c", "tool", null, "{}")))
            .setStepUsage(usage(1, 2, "0.000000000001"))
            .setUsage(usage(1, 2, "12.5"))
            .setError(new RunError("boom", "X", false, null))
            .setGaps(List.of(new SequenceGap(1L, 1L)))
            .build();

    JsonNode json = new ObjectMapper().readTree(AvroJson.toJson(run));
    assertThat(json.path("workflow_id").asText()).isEqualTo("wf");
    assertThat(json.path("status").asText()).isEqualTo("FAILED");
    assertThat(json.path("started_at").asText()).isEqualTo("2026-11-25T10:00:00.123Z");
    assertThat(json.path("finished_at").isNull()).isTrue();
    assertThat(json.path("parent_workflow_id").isNull()).isTrue();
    assertThat(json.path("text").asText()).isEqualTo("héllo \"quoted\"");
    assertThat(json.path("usage").path("cost_usd").isTextual()).isTrue();
    assertThat(json.path("usage").path("cost_usd").asText()).isEqualTo("12.500000000000");
    assertThat(json.path("step_usage").path("cost_usd").asText()).isEqualTo("0.000000000001");
    assertThat(json.path("steps").get(0).path("step_type").asText()).isEqualTo("TOOL");
    assertThat(json.path("steps").get(0).path("usage").path("total_tokens").asLong()).isEqualTo(3);
    assertThat(json.path("error").path("message").asText()).isEqualTo("boom");
    assertThat(json.path("tool_results").get(0).path("arguments").isNull()).isTrue();
    assertThat(json.path("gaps").get(0).path("from_sequence").asLong()).isEqualTo(1);
    assertThat(json.path("first_event_offset").asLong()).isEqualTo(-1);

    JsonNode summary = new ObjectMapper().readTree(AvroJson.toJson(run, Set.of("text", "steps")));
    assertThat(summary.has("text")).isFalse();
    assertThat(summary.has("steps")).isFalse();
    assertThat(summary.has("usage")).isTrue();
  }

  private static Usage usage(long in, long out, String cost) {
    return new Usage(in, out, in + out, new BigDecimal(cost).setScale(12));
  }
}
