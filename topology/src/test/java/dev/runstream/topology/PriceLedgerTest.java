package dev.runstream.topology;

import static dev.runstream.topology.RunScript.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.PriceSource;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import dev.runstream.schemas.StepRecord;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.Usage;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.WorkflowRun;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.WindowStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The versioned price ledger: which price applies to which step, and what the runs sum. */
class PriceLedgerTest {
  static final Instant T0 = RunScript.T0;

  @TempDir Path stateDir;
  TopologyHarness harness;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(stateDir, b -> b.usageEmit(TopologyConfig.UsageEmit.UPDATES));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  /** A finished run at {@code at}: one LLM step of {@code in}/{@code out} tokens of a model. */
  WorkflowRun run(String id, Instant at, String model, long in, long out, String workerCost) {
    RunScript run = new RunScript(id, id, null, "agent", "acme", at);
    Usage stepUsage = usage(in, out, workerCost);
    harness.pipe(
        run.start(),
        run.stepStart("llm", StepType.LLM),
        run.stepFinish("llm", "ok", 5, stepUsage, model),
        run.finish("done", 1, usage(in, out, workerCost), List.of()));
    return harness.run(id);
  }

  static StepRecord step(WorkflowRun run) {
    return run.getSteps().get(0);
  }

  @Test
  void shouldPriceStepFromLedgerWhenAVersionIsInForce() {
    harness.price("gpt-x", "2.5", "10", T0.minus(Duration.ofDays(1)));

    WorkflowRun run = run("r1", T0, "gpt-x", 2_000, 1_000, "0");

    StepRecord step = step(run);
    assertThat(step.getPricedBy()).isEqualTo(PriceSource.LEDGER);
    assertThat(step.getPriceEffectiveFrom()).isEqualTo(T0.minus(Duration.ofDays(1)));
    assertThat(step.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0.015000000000"));
    assertThat(step.getReportedCostUsd()).isNull();
    assertThat(run.getCostSource()).isEqualTo(PriceSource.LEDGER);
    assertThat(run.getStepUsage().getCostUsd()).isEqualByComparingTo("0.015");
    // agent_finish reported cost 0 (a worker without prices): the ledger's step sum wins.
    assertThat(run.getUsage().getCostUsd()).isEqualByComparingTo("0.015");
    assertThat(run.getUsage().getTotalTokens()).isEqualTo(3_000);
    assertThat(harness.metric("steps-priced-by-ledger-total")).isEqualTo(1.0);
    assertThat(harness.metric("usage-mismatches-total")).isZero();
  }

  @Test
  void shouldUseOldPriceBeforeAndNewPriceAfterWhenPriceChanges() {
    Instant change = T0.plus(Duration.ofMinutes(30));
    harness.price("gpt-x", "1", "2", T0.minus(Duration.ofDays(1)));
    WorkflowRun before = run("before", T0, "gpt-x", 1_000_000, 1_000_000, "0");

    harness.price("gpt-x", "3", "6", change);
    WorkflowRun after = run("after", change.plusSeconds(1), "gpt-x", 1_000_000, 1_000_000, "0");
    // Processed after the change arrived, but timestamped before its effective_from: old price.
    WorkflowRun late = run("late", change.minusSeconds(60), "gpt-x", 1_000_000, 1_000_000, "0");
    WorkflowRun exact = run("exact", change, "gpt-x", 1_000_000, 0, "0");

    assertThat(before.getUsage().getCostUsd()).isEqualByComparingTo("3");
    assertThat(after.getUsage().getCostUsd()).isEqualByComparingTo("9");
    assertThat(late.getUsage().getCostUsd()).isEqualByComparingTo("3");
    assertThat(exact.getUsage().getCostUsd())
        .as("effective_from is inclusive")
        .isEqualByComparingTo("3");
    assertThat(step(late).getPriceEffectiveFrom()).isEqualTo(T0.minus(Duration.ofDays(1)));
    assertThat(step(after).getPriceEffectiveFrom()).isEqualTo(change);
    // An applied run is never repriced.
    assertThat(harness.run("before").getUsage().getCostUsd()).isEqualByComparingTo("3");

    BigDecimal runs =
        List.of(before, after, late, exact).stream()
            .map(r -> r.getUsage().getCostUsd())
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(aggregateCost("MODEL:")).isEqualByComparingTo(runs);
    assertThat(aggregateCost("TENANT:")).isEqualByComparingTo("18");
  }

  @Test
  void shouldPreferLedgerOverWorkerCostAndKeepTheWorkerCostAside() {
    harness.price("gpt-x", "2.5", "10", T0.minus(Duration.ofDays(1)));

    WorkflowRun run = run("r1", T0, "gpt-x", 2_000, 1_000, "0.9");

    assertThat(step(run).getPricedBy()).isEqualTo(PriceSource.LEDGER);
    assertThat(step(run).getUsage().getCostUsd()).isEqualByComparingTo("0.015");
    assertThat(step(run).getReportedCostUsd()).isEqualByComparingTo("0.9");
    assertThat(run.getReportedUsage().getCostUsd()).isEqualByComparingTo("0.9");
    assertThat(run.getUsage().getCostUsd()).isEqualByComparingTo("0.015");
    assertThat(aggregateCost("AGENT:")).isEqualByComparingTo("0.015");
  }

  @Test
  void shouldKeepWorkerCostOrCountZeroAsUnpricedWhenModelIsNotInTheLedger() {
    harness.price("gpt-x", "2.5", "10", T0.minus(Duration.ofDays(1)));

    WorkflowRun worker = run("w", T0, "custom", 10, 10, "0.5");
    WorkflowRun unpriced = run("u", T0, "mystery", 10, 10, "0");
    WorkflowRun tooEarly = run("e", T0.minus(Duration.ofDays(2)), "gpt-x", 10, 10, "0");

    assertThat(step(worker).getPricedBy()).isEqualTo(PriceSource.WORKER);
    assertThat(worker.getUsage().getCostUsd()).isEqualByComparingTo("0.5");
    assertThat(worker.getCostSource()).isNull();
    assertThat(step(unpriced).getPricedBy()).isEqualTo(PriceSource.UNPRICED);
    assertThat(unpriced.getUsage().getCostUsd()).isZero();
    assertThat(step(tooEarly).getPricedBy())
        .as("before the model's first version")
        .isEqualTo(PriceSource.UNPRICED);
    assertThat(harness.metric("steps-unpriced-total")).isEqualTo(2.0);
    assertThat(harness.metric("steps-priced-by-worker-total")).isEqualTo(1.0);
    UsageAggregate mystery = aggregate("MODEL:mystery");
    assertThat(mystery.getUnpricedSteps()).isEqualTo(1);
    assertThat(mystery.getSteps()).isEqualTo(1);
    assertThat(aggregate("MODEL:custom").getUnpricedSteps()).isZero();
  }

  @Test
  void shouldIgnoreMalformedPriceRecordsAndKeepPricingWithValidVersions() {
    harness.price("gpt-x", "1", "1", T0.minus(Duration.ofDays(2)));
    Instant newer = T0.minus(Duration.ofDays(1));
    // Not Avro at all.
    harness.rawPrices.pipeInput(
        PriceVersions.key("gpt-x", newer), "not a price".getBytes(StandardCharsets.UTF_8));
    // Decodes, but negative: invalid.
    PriceVersion negative =
        PriceVersion.newBuilder()
            .setModel("gpt-x")
            .setInputPerMillion(PriceVersions.price(new BigDecimal("-1")))
            .setOutputPerMillion(PriceVersions.price(BigDecimal.ONE))
            .setEffectiveFrom(newer.plusSeconds(1))
            .build();
    harness.prices.pipeInput(PriceVersions.key(negative), negative);
    // Valid, but under a key that is not its own.
    PriceVersion misplaced =
        PriceVersion.newBuilder(negative)
            .setInputPerMillion(PriceVersions.price(new BigDecimal("50")))
            .setEffectiveFrom(newer.minusSeconds(5))
            .build();
    harness.prices.pipeInput(PriceVersions.key("gpt-x", newer.plusSeconds(2)), misplaced);

    WorkflowRun run = run("r1", T0, "gpt-x", 1_000_000, 1_000_000, "0");

    assertThat(step(run).getPriceEffectiveFrom()).isEqualTo(T0.minus(Duration.ofDays(2)));
    assertThat(run.getUsage().getCostUsd()).isEqualByComparingTo("2");
    assertThat(harness.metric("invalid-prices-total")).isEqualTo(3.0);
    assertThat(harness.deadLetters.isEmpty()).as("no event is dead-lettered").isTrue();
  }

  @Test
  void shouldFallBackToThePreviousVersionWhenAVersionIsRetracted() {
    harness.price("gpt-x", "1", "1", T0.minus(Duration.ofDays(2)));
    PriceVersion wrong = harness.price("gpt-x", "100", "100", T0.minus(Duration.ofDays(1)));
    harness.prices.pipeInput(PriceVersions.key(wrong), (PriceVersion) null);

    WorkflowRun run = run("r1", T0, "gpt-x", 1_000_000, 0, "0");

    assertThat(run.getUsage().getCostUsd()).isEqualByComparingTo("1");
  }

  @Test
  void shouldNotTakeAnotherModelsPriceWhenItsNameExtendsTheModelsName() {
    harness.price("m@0", "7", "7", T0.minus(Duration.ofDays(1)));

    WorkflowRun run = run("r1", T0, "m", 1_000_000, 0, "0");

    assertThat(step(run).getPricedBy()).isEqualTo(PriceSource.UNPRICED);
    assertThat(run("r2", T0, "m@0", 1_000_000, 0, "0").getUsage().getCostUsd())
        .isEqualByComparingTo("7");
  }

  private BigDecimal aggregateCost(String prefix) {
    return windows(prefix).stream()
        .map(kv -> kv.value.getUsage().getCostUsd())
        .reduce(BigDecimal.ZERO, BigDecimal::add);
  }

  private UsageAggregate aggregate(String groupKey) {
    return windows(groupKey).stream()
        .filter(kv -> kv.key.key().equals(groupKey))
        .findFirst()
        .orElseThrow()
        .value;
  }

  private List<KeyValue<Windowed<String>, UsageAggregate>> windows(String prefix) {
    WindowStore<String, UsageAggregate> store =
        harness.driver.getWindowStore(WorkflowTopology.USAGE_STORE);
    List<KeyValue<Windowed<String>, UsageAggregate>> out = new ArrayList<>();
    try (KeyValueIterator<Windowed<String>, UsageAggregate> all = store.all()) {
      all.forEachRemaining(
          kv -> {
            if (kv.key.key().startsWith(prefix)) {
              out.add(kv);
            }
          });
    }
    return out;
  }
}
