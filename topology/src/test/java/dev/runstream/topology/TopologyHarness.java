package dev.runstream.topology;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetExceeded;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.WorkflowRun;
import dev.runstream.topology.internal.ChunkKey;
import dev.runstream.topology.internal.TextChunks;
import dev.runstream.topology.internal.WorkflowState;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The topology in a {@link TopologyTestDriver}, with the real Confluent-format serdes over an
 * in-memory registry, and typed access to its topics and stores.
 */
final class TopologyHarness implements AutoCloseable {
  static final Instant WALL_CLOCK_START = Instant.parse("2026-11-25T12:00:00Z");

  final InMemorySchemaRegistry registry = new InMemorySchemaRegistry();
  final TopologyConfig config;
  final TopologySerdes serdes;
  final WorkflowTopology topology;
  final TopologyTestDriver driver;
  final TestInputTopic<String, AgentEvent> events;
  final TestInputTopic<String, byte[]> rawEvents;
  final TestOutputTopic<String, WorkflowRun> runs;
  final TestOutputTopic<String, UsageAggregate> usage;
  final TestOutputTopic<byte[], byte[]> deadLetters;
  final TestInputTopic<String, PriceVersion> prices;
  final TestInputTopic<String, byte[]> rawPrices;
  final TestInputTopic<String, Budget> budgets;
  final TestInputTopic<String, byte[]> rawBudgets;
  final TestOutputTopic<String, BudgetExceeded> budgetEvents;
  final TestOutputTopic<String, ControlCommand> control;

  TopologyHarness(Path stateDir) {
    this(stateDir, b -> {});
  }

  TopologyHarness(Path stateDir, Consumer<TopologyConfig.Builder> customize) {
    TopologyConfig.Builder builder =
        TopologyConfig.newBuilder()
            .isolated()
            // The driver commits, and so flushes RocksDB, after every record: in-memory stores
            // keep unit tests fast. Tests of restarts on the same state directory use rocksdb.
            .set(TopologyConfig.STORE_TYPE_CONFIG, "in_memory")
            .applicationId("topology-test")
            .stateDir(stateDir)
            .snapshotInterval(Duration.ofSeconds(1));
    customize.accept(builder);
    config = builder.build();
    serdes = TopologySerdes.registry(new AvroSerdeConfig(Map.of()), registry);
    topology = WorkflowTopology.create(config, serdes);
    driver =
        new TopologyTestDriver(topology.topology(), topology.streamsProperties(), WALL_CLOCK_START);
    TopologyConfig.Topics topics = config.topics();
    events =
        driver.createInputTopic(
            topics.events(), new StringSerializer(), serdes.events().serializer());
    rawEvents =
        driver.createInputTopic(topics.events(), new StringSerializer(), new ByteArraySerializer());
    runs =
        driver.createOutputTopic(
            topics.runs(), new StringDeserializer(), serdes.runs().deserializer());
    usage =
        driver.createOutputTopic(
            topics.usage(), new StringDeserializer(), serdes.aggregates().deserializer());
    deadLetters =
        driver.createOutputTopic(
            topics.deadLetter(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    prices =
        driver.createInputTopic(
            config.pricesTopic(), new StringSerializer(), serdes.prices().serializer());
    rawPrices =
        driver.createInputTopic(
            config.pricesTopic(), new StringSerializer(), new ByteArraySerializer());
    TopologyConfig.BudgetTopics budgetTopics = config.budgetTopics();
    budgets =
        driver.createInputTopic(
            budgetTopics.budgets(), new StringSerializer(), serdes.budgets().serializer());
    rawBudgets =
        driver.createInputTopic(
            budgetTopics.budgets(), new StringSerializer(), new ByteArraySerializer());
    budgetEvents =
        driver.createOutputTopic(
            budgetTopics.budgetEvents(),
            new StringDeserializer(),
            serdes.budgetEvents().deserializer());
    control =
        driver.createOutputTopic(
            budgetTopics.control(), new StringDeserializer(), serdes.control().deserializer());
  }

  /** Pipes events, keyed by their root workflow id. */
  void pipe(AgentEvent... batch) {
    for (AgentEvent event : batch) {
      events.pipeInput(event.getRootWorkflowId(), event);
    }
  }

  /** Publishes a price version to the ledger under its proper key. */
  PriceVersion price(String model, String input, String output, Instant effectiveFrom) {
    PriceVersion version =
        PriceVersion.newBuilder()
            .setModel(model)
            .setInputPerMillion(PriceVersions.price(new BigDecimal(input)))
            .setOutputPerMillion(PriceVersions.price(new BigDecimal(output)))
            .setEffectiveFrom(effectiveFrom)
            .build();
    prices.pipeInput(PriceVersions.key(version), version);
    return version;
  }

  /** The materialized run with its text, or null. */
  WorkflowRun run(String workflowId) {
    KeyValueStore<String, WorkflowState> store =
        driver.getKeyValueStore(WorkflowTopology.RUNS_STORE);
    KeyValueStore<ChunkKey, byte[]> text = driver.getKeyValueStore(WorkflowTopology.TEXT_STORE);
    WorkflowState state = store.get(workflowId);
    if (state == null) {
      return null;
    }
    WorkflowRun run = state.run();
    run.put("text", TextChunks.assemble(state, i -> text.get(new ChunkKey(workflowId, i))));
    return run;
  }

  double metric(String name) {
    return topology.metricTotal(name);
  }

  @Override
  public void close() {
    driver.close();
    topology.close();
  }
}
