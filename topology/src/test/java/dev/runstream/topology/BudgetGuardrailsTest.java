package dev.runstream.topology;

import static dev.runstream.topology.RunScript.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetExceeded;
import dev.runstream.schemas.BudgetPeriod;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.ControlCommandType;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.WorkflowRun;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Budget guardrails in a TopologyTestDriver: crossings, cancels, tombstones, bad budgets. */
class BudgetGuardrailsTest {
  @TempDir Path stateDir;
  TopologyHarness harness;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(stateDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  static Budget budget(
      BudgetScope scope, String key, Long maxTokens, String maxCost, BudgetPeriod period) {
    return Budget.newBuilder()
        .setScope(scope)
        .setKey(key)
        .setMaxTokens(maxTokens)
        .setMaxCostUsd(maxCost == null ? null : new BigDecimal(maxCost).setScale(12))
        .setPeriod(period)
        .setUpdatedAt(Instant.parse("2026-11-25T09:00:00Z"))
        .build();
  }

  void setBudget(Budget budget) {
    harness.budgets.pipeInput(budget.getScope() + ":" + budget.getKey(), budget);
  }

  /** Pipes one LLM step of {@code tokens} tokens (input + 1 output) and {@code cost} dollars. */
  void step(RunScript run, int n, long inputTokens, String cost) {
    harness.pipe(
        run.stepStart("s" + n, StepType.LLM),
        run.stepFinish("s" + n, null, 5, usage(inputTokens, 1, cost), "gpt-test"));
  }

  @Test
  void shouldCancelTheRunWhenItsAgentsPerRunTokenBudgetIsCrossed() {
    RunScript run = RunScript.root("r1");
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 250L, null, BudgetPeriod.PER_RUN));
    harness.pipe(run.start());
    step(run, 1, 99, "0.001"); // 100 tokens
    step(run, 2, 99, "0.001"); // 200
    assertThat(harness.control.isEmpty()).as("within budget").isTrue();

    step(run, 3, 99, "0.001"); // 300 > 250: crossed by the step_finish of sequence 6

    List<KeyValue<String, ControlCommand>> cancels = harness.control.readKeyValuesToList();
    assertThat(cancels).hasSize(1);
    ControlCommand cancel = cancels.get(0).value;
    assertThat(cancels.get(0).key).isEqualTo("r1");
    assertThat(cancel.getCommand()).isEqualTo(ControlCommandType.CANCEL);
    assertThat(cancel.getWorkflowId()).isEqualTo("r1");
    assertThat(cancel.getSource()).isEqualTo("topology");
    assertThat(cancel.getRequestedBy()).isEqualTo("budget:AGENT:agent-r1");
    assertThat(cancel.getReason())
        .startsWith("budget_exceeded: AGENT:agent-r1 PER_RUN max_tokens=250")
        .contains("used 300 tokens");
    assertThat(cancel.getTenantId()).isEqualTo("tenant-a");

    KeyValue<String, BudgetExceeded> event = harness.budgetEvents.readKeyValue();
    assertThat(event.key).isEqualTo("r1");
    assertThat(event.value.getObservedTokens()).isEqualTo(300);
    assertThat(event.value.getMaxTokens()).isEqualTo(250);
    assertThat(event.value.getSequence()).isEqualTo(6);
    assertThat(event.value.getRequestId()).isEqualTo(cancel.getRequestId());
    assertThat(event.value.getWindowStart()).isNull();
    assertThat(harness.run("r1").getBudgetExceeded()).isEqualTo(event.value);
    assertThat(harness.metric("budgets-exceeded-total")).isEqualTo(1.0);
  }

  @Test
  void shouldCancelOnceWhenTheRunGoesOnUsingAfterCrossing() {
    RunScript run = RunScript.root("r1");
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 150L, null, BudgetPeriod.PER_RUN));
    harness.pipe(run.start());
    for (int i = 1; i <= 5; i++) {
      step(run, i, 99, "0.001");
    }
    harness.pipe(run.cancelled("budget", "budget:AGENT:agent-r1"));

    assertThat(harness.control.readValuesToList()).hasSize(1);
    assertThat(harness.budgetEvents.readValuesToList()).hasSize(1);
    WorkflowRun ended = harness.run("r1");
    assertThat(ended.getBudgetExceeded().getObservedTokens()).isEqualTo(200);
    assertThat(ended.getStatus().name()).isEqualTo("CANCELLED");
  }

  @Test
  void shouldCancelTheRunWhenItsPerRunCostBudgetIsCrossed() {
    RunScript run = RunScript.root("r1");
    setBudget(budget(BudgetScope.AGENT, "agent-r1", null, "0.003", BudgetPeriod.PER_RUN));
    harness.pipe(run.start());
    step(run, 1, 10, "0.001");
    step(run, 2, 10, "0.002");
    assertThat(harness.control.isEmpty()).as("exactly at the limit is within it").isTrue();

    step(run, 3, 10, "0.000000000001");

    BudgetExceeded event = harness.budgetEvents.readValue();
    assertThat(event.getObservedCostUsd()).isEqualByComparingTo("0.003000000001");
    assertThat(event.getMaxCostUsd()).isEqualByComparingTo("0.003");
    assertThat(harness.control.readValue().getReason()).contains("max_cost_usd=0.003");
  }

  @Test
  void shouldLeaveOtherAgentsAndFinishedRunsAlone() {
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 50L, null, BudgetPeriod.PER_RUN));
    RunScript other = RunScript.root("r2");
    harness.pipe(other.start());
    step(other, 1, 500, "0.5");
    RunScript r1 = RunScript.root("r1");
    harness.pipe(r1.start(), r1.finish("done", 0, usage(900, 100, "0.1"), List.of()));

    assertThat(harness.control.isEmpty()).isTrue();
    assertThat(harness.run("r2").getBudgetExceeded()).isNull();
  }

  @Test
  void shouldCancelPerRunWhenTheTenantHasAPerRunBudget() {
    setBudget(budget(BudgetScope.TENANT, "tenant-a", 100L, null, BudgetPeriod.PER_RUN));
    RunScript run = RunScript.root("r1");
    harness.pipe(run.start());
    step(run, 1, 200, "0.01");

    ControlCommand cancel = harness.control.readValue();
    assertThat(cancel.getRequestedBy()).isEqualTo("budget:TENANT:tenant-a");
    assertThat(harness.run("r1").getBudgetExceeded().getScope()).isEqualTo(BudgetScope.TENANT);
  }

  @Test
  void shouldCancelEveryRunThatUsesMoreWhenTheTenantsDailyTotalIsOver() {
    setBudget(budget(BudgetScope.TENANT, "tenant-a", 1000L, null, BudgetPeriod.DAY));
    RunScript a = RunScript.root("a");
    RunScript b = RunScript.root("b");
    harness.pipe(a.start(), b.start());
    step(a, 1, 399, "0.01"); // 400
    step(b, 1, 399, "0.01"); // 800: every run is within 1000, and so is the day
    assertThat(harness.control.isEmpty()).isTrue();

    step(a, 2, 299, "0.01"); // 1100 in the day: a crossed it
    KeyValue<String, ControlCommand> first = harness.control.readKeyValue();
    assertThat(first.key).isEqualTo("a");
    assertThat(first.value.getReason()).startsWith("budget_exceeded: TENANT:tenant-a DAY");

    step(a, 3, 9, "0.01"); // a again: already cancelled in this window
    assertThat(harness.control.isEmpty()).isTrue();
    step(b, 2, 9, "0.01"); // b uses more while the day is over: cancelled too
    assertThat(harness.control.readKeyValue().key).isEqualTo("b");

    List<BudgetExceeded> events = harness.budgetEvents.readValuesToList();
    assertThat(events).extracting(BudgetExceeded::getWorkflowId).containsExactly("a", "b");
    assertThat(events.get(0).getObservedTokens()).isEqualTo(1100);
    assertThat(events.get(0).getWindowStart()).isEqualTo(Instant.parse("2026-11-25T00:00:00Z"));
    assertThat(events.get(1).getObservedTokens()).as("a's last step counted too").isEqualTo(1120);
  }

  @Test
  void shouldStartANewTotalWhenTheHourlyWindowRolls() {
    setBudget(budget(BudgetScope.TENANT, "tenant-a", 500L, null, BudgetPeriod.HOUR));
    RunScript a = RunScript.root("a");
    harness.pipe(a.start());
    step(a, 1, 399, "0.01"); // 400 in 10:00
    a.at(Instant.parse("2026-11-25T11:00:01Z"));
    step(a, 2, 399, "0.01"); // 400 in 11:00
    assertThat(harness.control.isEmpty()).isTrue();
    step(a, 3, 199, "0.01"); // 600 in 11:00
    assertThat(harness.budgetEvents.readValue().getWindowStart())
        .isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
  }

  @Test
  void shouldStopEnforcingWhenTheBudgetIsDeleted() {
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 50L, null, BudgetPeriod.PER_RUN));
    harness.budgets.pipeInput("AGENT:agent-r1", null);
    RunScript run = RunScript.root("r1");
    harness.pipe(run.start());
    step(run, 1, 500, "0.5");

    assertThat(harness.control.isEmpty()).isTrue();
    assertThat(harness.run("r1").getBudgetExceeded()).isNull();
  }

  @Test
  void shouldRefuseInvalidBudgetsAndKeepTheOneInForceWhenARecordIsMalformed() {
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 150L, null, BudgetPeriod.PER_RUN));
    // Not Avro at all, a key that does not match, no limit, a windowed agent budget:
    harness.rawBudgets.pipeInput("AGENT:agent-r1", new byte[] {1, 2, 3});
    harness.budgets.pipeInput(
        "AGENT:someone-else",
        budget(BudgetScope.AGENT, "agent-r1", 1L, null, BudgetPeriod.PER_RUN));
    setBudget(budget(BudgetScope.AGENT, "agent-r1", null, null, BudgetPeriod.PER_RUN));
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 1L, null, BudgetPeriod.DAY));
    setBudget(budget(BudgetScope.AGENT, "agent-r1", 0L, null, BudgetPeriod.PER_RUN));
    assertThat(harness.metric("invalid-budgets-total")).isEqualTo(5.0);

    RunScript run = RunScript.root("r1");
    harness.pipe(run.start());
    step(run, 1, 99, "0.001"); // 100: within the 150 still in force
    assertThat(harness.control.isEmpty()).isTrue();
    step(run, 2, 99, "0.001"); // 200
    assertThat(harness.control.readValue().getReason()).contains("max_tokens=150");
  }

  @Test
  void shouldNotEnforceBudgetsWhenDisabled() {
    harness.close();
    harness =
        new TopologyHarness(stateDir, b -> b.set(TopologyConfig.BUDGETS_ENABLED_CONFIG, false));
    assertThat(harness.topology.topology().describe().globalStores())
        .as("only the price ledger's global store, no budgets store")
        .singleElement()
        .asString()
        .doesNotContain(WorkflowTopology.BUDGETS_STORE)
        .contains(WorkflowTopology.PRICES_STORE);
    RunScript run = RunScript.root("r1");
    harness.pipe(run.start());
    step(run, 1, 500, "0.5");

    assertThat(harness.control.isEmpty()).isTrue();
    assertThat(harness.run("r1").getUsage().getTotalTokens()).isEqualTo(501);
  }
}
