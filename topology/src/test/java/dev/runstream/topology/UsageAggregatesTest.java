package dev.runstream.topology;

import static dev.runstream.topology.RunScript.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.UsageDimension;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class UsageAggregatesTest {
  static final Instant H10 = Instant.parse("2026-11-25T10:00:00Z");

  @TempDir Path stateDir;
  TopologyHarness harness;

  @AfterEach
  void stop() {
    harness.close();
  }

  /** A run with one LLM step finishing at {@code at}, with the given usage and model. */
  void step(String workflow, String tenant, Instant at, String model, long in, String cost) {
    RunScript run = new RunScript(workflow, workflow, null, "agent-" + tenant, tenant, at);
    harness.pipe(
        run.start(),
        run.stepStart("s", StepType.LLM),
        run.stepFinish("s", null, 10, usage(in, 1, cost), model));
  }

  @Test
  void shouldPublishFinalHourlyAggregatesPerAgentModelAndTenantWhenWindowCloses() {
    harness = new TopologyHarness(stateDir);
    step("r1", "acme", H10.plusSeconds(60), "gpt-a", 100, "0.001");
    step("r2", "acme", H10.plusSeconds(1800), "gpt-b", 200, "0.002");
    step("r3", "zeta", H10.plusSeconds(3500), "gpt-a", 300, "0.000000000001");
    assertThat(harness.usage.isEmpty()).as("window still open").isTrue();

    // Stream time past 11:00 + 5 min grace closes the 10:00 window.
    step("r4", "acme", H10.plus(Duration.ofMinutes(66)), "gpt-a", 1, "0");
    Map<String, UsageAggregate> finals =
        harness.usage.readKeyValuesToList().stream()
            .collect(Collectors.toMap(kv -> kv.key, kv -> kv.value));

    assertThat(finals.keySet())
        .containsExactlyInAnyOrder(
            "AGENT:agent-acme@2026-11-25T10:00:00Z",
            "AGENT:agent-zeta@2026-11-25T10:00:00Z",
            "MODEL:gpt-a@2026-11-25T10:00:00Z",
            "MODEL:gpt-b@2026-11-25T10:00:00Z",
            "TENANT:acme@2026-11-25T10:00:00Z",
            "TENANT:zeta@2026-11-25T10:00:00Z");
    UsageAggregate gptA = finals.get("MODEL:gpt-a@2026-11-25T10:00:00Z");
    assertThat(gptA.getDimension()).isEqualTo(UsageDimension.MODEL);
    assertThat(gptA.getKey()).isEqualTo("gpt-a");
    assertThat(gptA.getWindowStart()).isEqualTo(H10);
    assertThat(gptA.getWindowEnd()).isEqualTo(H10.plus(Duration.ofHours(1)));
    assertThat(gptA.getSteps()).isEqualTo(2);
    assertThat(gptA.getUsage().getInputTokens()).isEqualTo(400);
    assertThat(gptA.getUsage().getCostUsd()).isEqualByComparingTo(new BigDecimal("0.001000000001"));
    UsageAggregate acme = finals.get("TENANT:acme@2026-11-25T10:00:00Z");
    assertThat(acme.getSteps()).isEqualTo(2);
    assertThat(acme.getUsage().getCostUsd()).isEqualByComparingTo("0.003");
    assertThat(acme.getUsage().getCostUsd().scale()).isEqualTo(12);
  }

  @Test
  void shouldCountLateUsageWithinGraceAndDropItAfterGrace() {
    harness = new TopologyHarness(stateDir);
    step("r1", "acme", H10.plusSeconds(60), "m", 100, "0.1");
    step("r2", "acme", H10.plus(Duration.ofMinutes(62)), "m", 1, "0"); // stream time 11:02
    step("r3", "acme", H10.plusSeconds(120), "m", 10, "0.01"); // late, within grace
    step("r4", "acme", H10.plus(Duration.ofMinutes(70)), "m", 1, "0"); // closes 10:00
    step("r5", "acme", H10.plusSeconds(180), "m", 1000, "1"); // after grace: dropped

    List<KeyValue<String, UsageAggregate>> finals = harness.usage.readKeyValuesToList();
    UsageAggregate model =
        finals.stream()
            .filter(kv -> kv.key.equals("MODEL:m@2026-11-25T10:00:00Z"))
            .findFirst()
            .orElseThrow()
            .value;
    assertThat(model.getSteps()).isEqualTo(2);
    assertThat(model.getUsage().getInputTokens()).isEqualTo(110);
    assertThat(finals).allSatisfy(kv -> assertThat(kv.key).endsWith("10:00:00Z"));
    // The dropped usage is still in the run record: only the aggregate window had closed.
    assertThat(harness.run("r5").getStepUsage().getInputTokens()).isEqualTo(1000);
  }

  @Test
  void shouldNotCountUsageTwiceWhenStepFinishIsDuplicated() {
    harness = new TopologyHarness(stateDir, b -> b.usageEmit(TopologyConfig.UsageEmit.UPDATES));
    RunScript run = new RunScript("r", "r", null, "agent", null, H10);
    AgentEvent finish = null;
    harness.pipe(run.start(), run.stepStart("s", StepType.LLM));
    finish = run.stepFinish("s", null, 1, usage(5, 5, "0.5"), null);
    harness.pipe(finish, finish, finish);

    WindowStore<String, UsageAggregate> store =
        harness.driver.getWindowStore(WorkflowTopology.USAGE_STORE);
    try (KeyValueIterator<Windowed<String>, UsageAggregate> all = store.all()) {
      List<KeyValue<Windowed<String>, UsageAggregate>> windows = new java.util.ArrayList<>();
      all.forEachRemaining(windows::add);
      assertThat(windows)
          .extracting(kv -> kv.key.key())
          .containsExactlyInAnyOrder("AGENT:agent", "MODEL:(unknown)", "TENANT:(none)");
      assertThat(windows).allSatisfy(kv -> assertThat(kv.value.getSteps()).isEqualTo(1));
    }
    assertThat(harness.usage.readValuesToList())
        .as("updates mode publishes without waiting for the window to close")
        .hasSize(3)
        .allSatisfy(a -> assertThat(a.getUsage().getCostUsd()).isEqualByComparingTo("0.5"));
  }
}
