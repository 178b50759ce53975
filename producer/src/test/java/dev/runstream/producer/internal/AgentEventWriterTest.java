package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentEventWriterTest {
  private final EventEncoder encoder = new EventEncoder(Harness.SCHEMA_ID);

  private static AgentEvent event(Object payload, String parent, String tenant, long sequence) {
    return new AgentEvent(
        EventIds.nextString(),
        "root-é",
        "wf",
        parent,
        "agent",
        sequence,
        Instant.ofEpochMilli(1_700_000_000_123L),
        tenant,
        tenant == null ? null : "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        tenant == null ? null : "vendor=1",
        payload);
  }

  private void assertSameBytes(AgentEvent event) {
    assertThat(encoder.encode(event)).as(event.toString()).isEqualTo(encoder.encodeWithAvro(event));
  }

  @Test
  void shouldImplementTheGeneratedSchemaWhenSchemaIsUnchanged() {
    assertThat(AgentEventWriter.supports())
        .as("AgentEvent changed: update AgentEventWriter and its SCHEMA_FINGERPRINT")
        .isTrue();
  }

  @Test
  void shouldWriteTheSameBytesAsAvroWhenAnyPayloadIsEncoded() {
    Map<String, String> config = new LinkedHashMap<>();
    config.put("model", "gpt-4o");
    config.put("température", "0.7");
    Usage usage = new Usage(1L, 2L, 3L, new BigDecimal("0.000450000000"));
    Usage big =
        new Usage(Long.MAX_VALUE, 0L, Long.MIN_VALUE, new BigDecimal("999999999999.999999999999"));
    List<Object> payloads =
        List.of(
            new AgentStart(null, new LinkedHashMap<>()),
            new AgentStart("Weather in Tōkyō? 🌧", config),
            new StepStart("llm_1", StepType.LLM, null),
            new StepStart("tool_1", StepType.TOOL, "call_1"),
            new StepStart("x", StepType.OTHER, null),
            new TextDelta("llm_1", ""),
            new TextDelta("llm_1", " token"),
            new TextDelta("llm_1", "ünïcödé ✓ " + "long ".repeat(100)),
            new ToolCall("llm_1", "call_1", "get_weather", "{\"city\":\"Zürich\"}"),
            new StepFinish("llm_1", null, 0L, null, null),
            new StepFinish("llm_1", "{\"a\":1}", 123_456L, usage, "gpt-4o"),
            new StepFinish("llm_1", "out", -1L, big, "m"),
            new AgentFinish(
                null, 0, new Usage(0L, 0L, 0L, BigDecimal.ZERO.setScale(12)), new ArrayList<>()),
            new AgentFinish(
                "done",
                3,
                usage,
                List.of(
                    new ToolResult("c1", "t", "{}", "{\"ok\":true}"),
                    new ToolResult("c2", "t", null, null))),
            new AgentError("boom", "Crash", true, "llm_1"),
            new AgentError("boom", "Crash", false, null));
    long[] sequences = {0, 1, 63, 64, 8191, 8192, 1L << 40, Long.MAX_VALUE};
    for (Object payload : payloads) {
      for (long sequence : sequences) {
        assertSameBytes(event(payload, null, null, sequence));
        assertSameBytes(event(payload, "parent", "tenant", sequence));
      }
    }
  }

  @Test
  void shouldWriteTheSameBytesAsAvroWhenDemoRunsArePublished() {
    DemoAgent agent =
        new DemoAgent(
            DemoAgent.Options.newBuilder().seed(3).tokensPerSecond(0).failureRate(0.3).build());
    try (Harness harness =
        new Harness(PublisherConfig.newBuilder().prices(DemoAgent.DEMO_PRICES).build())) {
      for (RunPlan plan : agent.plans(0, 25)) {
        agent.play(harness.publisher, plan);
      }
      for (var record : harness.records()) {
        // Map entries may come back in another order, so both writers encode the decoded event.
        AgentEvent decoded = Harness.decode(record.value());
        assertSameBytes(decoded);
        assertThat(Harness.decode(encoder.encode(decoded))).isEqualTo(decoded);
      }
    }
  }
}
