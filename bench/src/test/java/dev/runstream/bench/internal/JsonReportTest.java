package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class JsonReportTest {
  private final ObjectMapper mapper = new ObjectMapper();

  @Test
  void shouldWriteUnavailableAsNullWithReasonWhenRedisIsMissing() throws Exception {
    JsonNode root = mapper.readTree(JsonReport.render(ReportFixtures.report(false)));

    JsonNode redis = root.path("publish").get(2);
    assertThat(redis.path("system").asText()).isEqualTo(SuiteReport.REDIS_PIPELINED);
    assertThat(redis.path("eventsPerSecond").isNull()).isTrue();
    assertThat(redis.path("unavailable").asText()).contains("redis-server not installed");
    assertThat(root.path("latency").get(2).path("latency").path("p99Ms").isNull()).isTrue();
  }

  @Test
  void shouldIncludeFiguresAndRatiosWhenMeasured() throws Exception {
    JsonNode root = mapper.readTree(JsonReport.render(ReportFixtures.report(true)));

    assertThat(root.path("date").asText()).isEqualTo("2026-01-02");
    assertThat(root.path("machine").path("cores").asInt()).isEqualTo(2);
    assertThat(root.path("publish").get(0).path("eventsPerSecond").asDouble()).isEqualTo(50_000);
    assertThat(root.path("publish").get(0).path("eventsPerCpuSecond").asDouble()).isEqualTo(25_000);
    JsonNode first = root.path("headlines").get(0);
    assertThat(first.path("figure").asText()).isEqualTo("Publish throughput");
    assertThat(first.path("baselineRatio").asDouble()).isEqualTo(0.5);
    assertThat(first.path("peerRatio").asDouble()).isEqualTo(0.25);
  }

  @Test
  void shouldReadBackFiguresWhenParsingWhatWasWritten() {
    SuiteReport report = ReportFixtures.report(true);

    SuiteReport parsed = JsonReport.parse(JsonReport.render(report));

    assertThat(parsed.publish()).isEqualTo(report.publish());
    assertThat(parsed.replay()).isEqualTo(report.replay());
    assertThat(parsed.machine()).isEqualTo(report.machine());
  }

  @Test
  void shouldReadNullAsNanWhenFigureWasUnavailable() {
    SuiteReport parsed = JsonReport.parse(JsonReport.render(ReportFixtures.report(false)));

    assertThat(parsed.publish().get(2).eventsPerSecond()).isNaN();
    assertThat(parsed.publish().get(2).unavailable()).contains("redis-server not installed");
  }
}
