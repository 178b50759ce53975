package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.schemas.StepType;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The tables of runs and usage, from the query service's JSON; the JSON of events. */
class TablesTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void shouldFormatRunsAsAnAlignedTableWhenTheServiceAnswers() throws Exception {
    String answer =
        """
        {"workflows": [
          {"workflow_id": "wf-1", "agent_id": "weather-agent", "status": "FINISHED",
           "parent_workflow_id": null,
           "started_at": "2025-01-31T12:00:00Z", "finished_at": "2025-01-31T12:00:12.345Z",
           "event_count": 1234, "usage": {"total_tokens": 1247, "cost_usd": "0.004352125000"}},
          {"workflow_id": "wf-22", "agent_id": "fact-checker", "status": "RUNNING",
           "parent_workflow_id": "wf-1",
           "started_at": "2025-01-31T12:00:01Z", "finished_at": null,
           "event_count": 7, "usage": {"total_tokens": 0, "cost_usd": "0E-12"}}],
         "count": 2}
        """;
    assertThat(RunsCommand.table(JSON.readTree(answer)).lines())
        .containsExactly(
            "WORKFLOW  AGENT          STATUS    STARTED               DURATION  EVENTS  TOKENS"
                + "       COST  PARENT",
            "wf-1      weather-agent  FINISHED  2025-01-31 12:00:00Z    12.3 s   1,234   1,247"
                + "  $0.004352",
            "wf-22     fact-checker   RUNNING   2025-01-31 12:00:01Z         -       7       0"
                + "  $0.000000  wf-1");
  }

  @Test
  void shouldSortUsageByDimensionKeyAndWindowWhenTheServiceAnswers() throws Exception {
    String answer =
        """
        {"aggregates": [
          {"dimension": "MODEL", "key": "gpt-4o", "window_start": "2025-01-31T12:00:00Z",
           "window_end": "2025-01-31T13:00:00Z", "steps": 3,
           "usage": {"input_tokens": 900, "output_tokens": 100, "total_tokens": 1000,
                     "cost_usd": "0.003250000000"}},
          {"dimension": "AGENT", "key": "weather-agent", "window_start": "2025-01-31T12:00:00Z",
           "window_end": "2025-01-31T13:00:00Z", "steps": 12,
           "usage": {"input_tokens": 10000, "output_tokens": 2345, "total_tokens": 12345,
                     "cost_usd": "0.1"}}],
         "count": 2}
        """;
    assertThat(UsageCommand.table(JSON.readTree(answer)).lines())
        .containsExactly(
            "DIMENSION  KEY            WINDOW START          WINDOW END            STEPS   INPUT"
                + "  OUTPUT   TOTAL       COST",
            "AGENT      weather-agent  2025-01-31 12:00:00Z  2025-01-31 13:00:00Z     12  10,000"
                + "   2,345  12,345  $0.100000",
            "MODEL      gpt-4o         2025-01-31 12:00:00Z  2025-01-31 13:00:00Z      3     900"
                + "     100   1,000  $0.003250");
  }

  @Test
  void shouldTakeAgesOrIsoTimesWhenGivenAUsageRange() {
    Instant now = Instant.parse("2025-01-31T12:00:00Z");
    assertThat(UsageCommand.instant("2h", "--from", now))
        .isEqualTo(Instant.parse("2025-01-31T10:00:00Z"));
    assertThat(UsageCommand.instant("2025-01-30T00:00:00Z", "--from", now))
        .isEqualTo(Instant.parse("2025-01-30T00:00:00Z"));
  }

  @Test
  void shouldWriteAnEventAsOneLineOfJsonWithExactCost() throws Exception {
    TestEvents run = TestEvents.root("wf-1", "weather-agent");
    run.start();
    run.step("llm_1", StepType.LLM);
    String line = EventJson.toJson(run.finish(1247));
    assertThat(line).doesNotContain("\n");
    var node = JSON.readTree(line);
    assertThat(node.get("event_type").asText()).isEqualTo("agent_finish");
    assertThat(node.get("workflow_id").asText()).isEqualTo("wf-1");
    assertThat(node.get("sequence").asLong()).isEqualTo(2);
    assertThat(node.get("timestamp").asText()).isEqualTo("2025-01-31T12:00:03Z");
    assertThat(node.get("parent_workflow_id").isNull()).isTrue();
    assertThat(node.at("/payload/usage/total_tokens").asLong()).isEqualTo(1247);
    assertThat(node.at("/payload/usage/cost_usd").asText()).isEqualTo("0.001234500000");
  }
}
