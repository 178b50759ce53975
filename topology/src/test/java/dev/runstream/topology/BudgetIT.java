package dev.runstream.topology;

import static dev.runstream.topology.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AvroSerde;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetExceeded;
import dev.runstream.schemas.BudgetPeriod;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.StepType;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Budget guardrails on the real broker and registry: a worker (the publisher library, checking for
 * a cancel request before each action like {@code DemoAgent}) runs an agent whose PER_RUN budget it
 * crosses mid-run; the topology cancels it and the worker stops within a bounded number of events.
 */
class BudgetIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  /**
   * The most events the worker may publish after the crossing event. The cancel reaches the worker
   * after the topology's commit (the IT's commit interval, 100 ms, as the cancel is part of the
   * transaction), the control consumer's next poll and its check before its next action: well under
   * a second. The worker publishes two events per step and sleeps 20 ms between steps, at most
   * about 100 events a second, so a second's worth is the bound.
   */
  static final int MAX_EVENTS_AFTER_CROSSING = 100;

  @TempDir static Path stateDir;
  static TopologyApp app;
  static AgentEventPublisher publisher;
  static AvroSerdeConfig serdeConfig;

  @BeforeAll
  static void start() {
    app =
        TopologyApp.start(
            ItSupport.topologyConfig(CLUSTER.cluster(), stateDir, "budget-it").build());
    assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
    publisher = AgentEventPublisher.create(ItSupport.publisherConfig(CLUSTER.cluster()).build());
    serdeConfig =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, CLUSTER.cluster().schemaRegistryUrl()));
  }

  @AfterAll
  static void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (app != null) {
      app.close();
    }
  }

  /** Writes a budget and waits until the topology's global store holds it. */
  static void setBudget(String agent, long maxTokens) throws Exception {
    setBudget(BudgetScope.AGENT, agent, maxTokens, BudgetPeriod.PER_RUN);
  }

  static void setBudget(BudgetScope scope, String key, long maxTokens, BudgetPeriod period)
      throws Exception {
    String recordKey = scope + ":" + key;
    Budget budget =
        Budget.newBuilder()
            .setScope(scope)
            .setKey(key)
            .setMaxTokens(maxTokens)
            .setPeriod(period)
            .setUpdatedAt(Instant.now())
            .setUpdatedBy("budget-it")
            .build();
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.cluster().bootstrapServers());
    try (KafkaProducer<String, Budget> producer =
        new KafkaProducer<>(
            props,
            new StringSerializer(),
            AvroSerde.specific(Budget.class, serdeConfig).serializer())) {
      producer.send(new ProducerRecord<>(TopicSpec.BUDGETS, recordKey, budget)).get();
    }
    ReadOnlyKeyValueStore<String, byte[]> store =
        app.streams()
            .store(
                StoreQueryParameters.fromNameAndType(
                    WorkflowTopology.BUDGETS_STORE, QueryableStoreTypes.keyValueStore()));
    await().atMost(Duration.ofSeconds(30)).until(() -> store.get(recordKey) != null);
  }

  @Test
  void shouldStopTheRunWithinABoundedNumberOfEventsWhenItCrossesItsAgentBudget() throws Exception {
    String agent = "budget-agent-" + UUID.randomUUID();
    setBudget(agent, 1000);

    // The worker: 100 tokens per step, so step 10 (the 11th) crosses 1,000 tokens with its
    // step_finish, sequence 1 + 2 * 10 + 1 = 22.
    AgentRun run =
        publisher.startRun(
            RunOptions.newBuilder().agentId(agent).input("spend").tenantId("acme").build());
    int steps = 0;
    while (!run.isCancelRequested() && steps < 1000) {
      RunStep step = run.startStep("llm_" + steps, StepType.LLM);
      step.finish(null, "gpt-test", TokenUsage.of(90, 10, new BigDecimal("0.0001")));
      steps++;
      Thread.sleep(20);
    }
    assertThat(run.isCancelRequested()).as("cancel requested before 1000 steps").isTrue();
    run.cancel(null).get();
    String id = run.workflowId();

    URI base = app.httpAddress();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> "CANCELLED".equals(get(base, "workflows/" + id).body().path("status").asText()));
    JsonNode view = get(base, "workflows/" + id).body();
    JsonNode cancellation = view.path("cancellation");
    assertThat(cancellation.path("source").asText()).isEqualTo("topology");
    assertThat(cancellation.path("requested_by").asText()).isEqualTo("budget:AGENT:" + agent);
    assertThat(cancellation.path("reason").asText())
        .startsWith("budget_exceeded: AGENT:" + agent + " PER_RUN max_tokens=1000")
        .contains("used 1100 tokens");
    JsonNode exceeded = view.path("budget_exceeded");
    long crossing = exceeded.path("sequence").asLong();
    assertThat(crossing).isEqualTo(22);
    assertThat(exceeded.path("observed_tokens").asLong()).isEqualTo(1100);

    // The bound: events the worker published after the crossing one, before its cancelled event.
    long lastBeforeCancel = view.path("last_sequence").asLong() - 1;
    long after = lastBeforeCancel - crossing;
    System.out.printf(
        "BudgetIT: %d steps, crossing at sequence %d, %d events published after it%n",
        steps, crossing, after);
    assertThat(after).isBetween(0L, (long) MAX_EVENTS_AFTER_CROSSING);

    // Exactly one budget event and one cancel for the run, on their topics.
    List<BudgetExceeded> events =
        readFor(TopicSpec.BUDGET_EVENTS, id, BudgetExceeded.class, BudgetExceeded::getWorkflowId);
    assertThat(events).hasSize(1);
    assertThat(events.get(0).getObservedTokens()).isEqualTo(1100);
    List<ControlCommand> cancels =
        readFor(TopicSpec.AGENT_CONTROL, id, ControlCommand.class, ControlCommand::getWorkflowId);
    assertThat(cancels).hasSize(1);
    assertThat(cancels.get(0).getRequestId()).isEqualTo(events.get(0).getRequestId());
    assertThat(cancellation.path("request_id").asText()).isEqualTo(cancels.get(0).getRequestId());
    assertThat(app.metricTotal("budgets-exceeded-total")).isGreaterThanOrEqualTo(1.0);
  }

  @Test
  void shouldCancelTheCrossingRunAndThenEveryRunThatSpendsMoreWhenTheTenantsDayIsOver()
      throws Exception {
    String tenant = "budget-tenant-" + UUID.randomUUID();
    setBudget(BudgetScope.TENANT, tenant, 500, BudgetPeriod.DAY);
    // Two runs of the tenant, on different roots (so, most likely, different partitions).
    AgentRun a =
        publisher.startRun(
            RunOptions.newBuilder().agentId("a").input("x").tenantId(tenant).build());
    AgentRun b =
        publisher.startRun(
            RunOptions.newBuilder().agentId("b").input("y").tenantId(tenant).build());
    for (int i = 0; i < 3; i++) { // 300 tokens each: every run within 500, the day at 600 after b
      a.startStep("a" + i, StepType.LLM)
          .finish(null, "gpt-test", TokenUsage.of(90, 10, new BigDecimal("0.0001")))
          .get();
    }
    // a's usage is applied (and its deltas sent on) before b's events exist: b crosses the day.
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                get(app.httpAddress(), "workflows/" + a.workflowId())
                        .body()
                        .path("usage")
                        .path("total_tokens")
                        .asLong()
                    == 300);
    for (int i = 0; i < 3; i++) {
      b.startStep("b" + i, StepType.LLM)
          .finish(null, "gpt-test", TokenUsage.of(90, 10, new BigDecimal("0.0001")))
          .get();
    }
    assertThat(b.cancellation().get(30, java.util.concurrent.TimeUnit.SECONDS).reason())
        .startsWith("budget_exceeded: TENANT:" + tenant + " DAY max_tokens=500")
        .contains("used 600 tokens");
    assertThat(a.isCancelRequested()).as("a used nothing more yet").isFalse();

    a.startStep("a-more", StepType.LLM)
        .finish(null, "gpt-test", TokenUsage.of(9, 1, new BigDecimal("0.00001")))
        .get();
    assertThat(a.cancellation().get(30, java.util.concurrent.TimeUnit.SECONDS).reason())
        .contains("used 610 tokens");
    a.cancel(null).get();
    b.cancel(null).get();

    List<BudgetExceeded> aEvents =
        readFor(
            TopicSpec.BUDGET_EVENTS,
            a.workflowId(),
            BudgetExceeded.class,
            BudgetExceeded::getWorkflowId);
    assertThat(aEvents).hasSize(1);
    assertThat(aEvents.get(0).getPeriod()).isEqualTo(BudgetPeriod.DAY);
    assertThat(aEvents.get(0).getWindowStart()).isNotNull();
  }

  @Test
  void shouldLetARunFinishWhenItStaysWithinItsBudget() throws Exception {
    String agent = "frugal-agent-" + UUID.randomUUID();
    setBudget(agent, 1000);
    AgentRun run =
        publisher.startRun(
            RunOptions.newBuilder().agentId(agent).input("save").tenantId("acme").build());
    for (int i = 0; i < 10; i++) { // exactly 1,000 tokens: within the budget
      run.startStep("llm_" + i, StepType.LLM)
          .finish(null, "gpt-test", TokenUsage.of(90, 10, new BigDecimal("0.0001")));
    }
    Thread.sleep(500); // a cancel, were one coming, would arrive within the commit interval
    assertThat(run.isCancelRequested()).isFalse();
    run.finish("done").get();
    String id = run.workflowId();
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                "FINISHED"
                    .equals(
                        get(app.httpAddress(), "workflows/" + id).body().path("status").asText()));
    assertThat(get(app.httpAddress(), "workflows/" + id).body().path("budget_exceeded").isNull())
        .isTrue();
  }

  @Test
  void shouldRefuseToStartNamingTheSwitchWhenTheBudgetsTopicIsMissing(@TempDir Path otherState) {
    TopologyConfig config =
        ItSupport.topologyConfig(CLUSTER.cluster(), otherState, "budget-it-missing")
            .set(TopologyConfig.BUDGETS_TOPIC_CONFIG, "no-such-budgets")
            .build();
    assertThatThrownBy(() -> TopologyApp.start(config).close())
        .isInstanceOf(RunstreamTopologyException.class)
        .hasMessageContaining("[no-such-budgets] do not exist")
        .hasMessageContaining("topology.budgets.enabled=false");
  }

  private static <T extends org.apache.avro.specific.SpecificRecord> List<T> readFor(
      String topic, String workflowId, Class<T> type, java.util.function.Function<T, String> id) {
    Deserializer<T> deserializer = AvroSerde.specific(type, serdeConfig).deserializer();
    List<T> found = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        ItSupport.bytesConsumer(CLUSTER.cluster(), topic)) {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          T value = deserializer.deserialize(topic, r.value());
          if (workflowId.equals(id.apply(value))) {
            found.add(value);
          }
        }
        if (!found.isEmpty() && System.nanoTime() > deadline - Duration.ofSeconds(8).toNanos()) {
          break; // found, and read on for 2 s more: a second record would have come with it
        }
      }
    }
    return found;
  }
}
