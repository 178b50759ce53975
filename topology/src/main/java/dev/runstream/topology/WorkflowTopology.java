package dev.runstream.topology;

import dev.runstream.schemas.UsageAggregate;
import dev.runstream.topology.TopologyConfig.UsageEmit;
import dev.runstream.topology.TopologyConfig.UsageWindows;
import dev.runstream.topology.internal.AvroBinarySerde;
import dev.runstream.topology.internal.BudgetBreach;
import dev.runstream.topology.internal.BudgetGuard;
import dev.runstream.topology.internal.BudgetStoreUpdater;
import dev.runstream.topology.internal.BudgetTable;
import dev.runstream.topology.internal.ChunkKey;
import dev.runstream.topology.internal.DeadLetterDeserializationHandler;
import dev.runstream.topology.internal.DeadLetterProcessingHandler;
import dev.runstream.topology.internal.EventTimestampExtractor;
import dev.runstream.topology.internal.OutputProductionHandler;
import dev.runstream.topology.internal.PriceLedger;
import dev.runstream.topology.internal.ProcessorOutput;
import dev.runstream.topology.internal.TopologyMetrics;
import dev.runstream.topology.internal.UsageAggregation;
import dev.runstream.topology.internal.UsageDelta;
import dev.runstream.topology.internal.UsageKeys;
import dev.runstream.topology.internal.WindowedBudgetProcessor;
import dev.runstream.topology.internal.WorkflowProcessor;
import dev.runstream.topology.internal.WorkflowState;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.kstream.Suppressed;
import org.apache.kafka.streams.kstream.TimeWindows;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.Stores;
import org.apache.kafka.streams.state.WindowBytesStoreSupplier;

/**
 * The Kafka Streams topology that materializes every workflow of the events topic, and the settings
 * it must run with. {@link TopologyApp} runs it with an HTTP query server; use this class directly
 * to run it in your own {@code KafkaStreams} or in a {@code TopologyTestDriver}:
 *
 * <pre>{@code
 * try (WorkflowTopology topology = WorkflowTopology.create(config, serdes)) {
 *   KafkaStreams streams = new KafkaStreams(topology.topology(), topology.streamsProperties());
 *   streams.start();
 *   ...
 * }
 * }</pre>
 *
 * <h2>What is materialized</h2>
 *
 * One {@code WorkflowRun} per workflow id, root and sub-workflows alike, in the store {@value
 * #RUNS_STORE}: status, agent, root and parent ids, tenant, start and finish times, event count,
 * the text (text deltas concatenated in sequence order), steps with type, times, duration, output,
 * usage and model, tool calls with arguments and results, step usage, reported usage and the
 * authoritative usage, the error, sequence gaps, children, the last applied sequence, and the
 * partition and offset of the workflow's first event, the consumer SDK's replay index (read from
 * the processor's record context). The run is stored without its text; the text is stored in chunks
 * of {@link TopologyConfig#TEXT_CHUNK_BYTES_CONFIG} bytes in {@value #TEXT_STORE}, so a text delta
 * costs one small chunk write whatever the length of the run (100,000 deltas or a megabyte of text
 * are routine), and no store or changelog record grows with the text.
 *
 * <h2>Ordering, duplicates and gaps</h2>
 *
 * Events are keyed by root workflow id, so a workflow tree sits on one partition and its events
 * arrive in the order they were produced (the producer is idempotent). The topology therefore never
 * buffers or reorders:
 *
 * <ul>
 *   <li>an event whose sequence is at or below the workflow's last applied sequence is a duplicate
 *       (a producer retry, a replay) and is ignored ({@code duplicate-events-total});
 *   <li>an event whose sequence is above {@code last_sequence + 1} means the events in between are
 *       lost (deleted by retention, never produced, or refused as invalid): the range is recorded
 *       in the run's {@code gaps} ({@code sequence-gaps-total}) and the event is applied. The text
 *       then lacks whatever the missing deltas held, and the gap says so; a late event that would
 *       fill a gap is a duplicate by the rule above, because the text after it is already built.
 * </ul>
 *
 * <h2>Retried steps</h2>
 *
 * Every event carries its step's {@code attempt}. A {@code step_start} of an open step with a
 * higher attempt is a retry: the text the step's earlier attempts wrote drops out of the run's text
 * (other steps' text, interleaved or not, stays), and the step's {@code attempts} is set ({@code
 * step-retries-total}). The processor keeps the byte ranges each open step's current attempt wrote,
 * and rewrites the text without the superseded ones into a new generation of chunks, so a reader
 * never sees a half-rewritten text. A text delta, tool call or step finish with a higher attempt
 * than known counts as the retry when its {@code step_start} sits in a gap. Events of a superseded
 * attempt that arrive after the retry are refused ({@link
 * InvalidEventException.Violation#SUPERSEDED_ATTEMPT}).
 *
 * <h2>Unknown workflows</h2>
 *
 * An event for a workflow the store does not know is applied, not refused: the event carries the
 * whole envelope (ids, agent, tenant), so the run is created from it. If its sequence is above 0
 * (the workflow's first events are gone, typically because the topology started after they expired
 * from the events topic), the run gets a gap from 0, no {@code started_at} (only {@code
 * agent_start} sets it), and its replay index points at this first available event. Refusing such
 * events would lose the rest of the run for good; materializing them with a visible gap does not.
 *
 * <h2>Children</h2>
 *
 * When a sub-workflow's first event is applied, its id is added to its parent's {@code children}.
 * If the parent has no record yet (its events are missing), a placeholder is created, {@code
 * RUNNING} with no agent and {@code event_count} 0 ({@code placeholder-parents-total}); the
 * parent's own events fill it in when they come. Grandchildren are listed by their own parent, so a
 * tree is walked from the root record down.
 *
 * <h2>Usage: which wins</h2>
 *
 * {@code step_usage} sums the usage of every {@code step_finish}; {@code reported_usage} is the
 * total of {@code agent_finish}. {@code usage}, the authoritative figure, is {@code reported_usage}
 * once the run has finished and {@code step_usage} until then. The agent runtime's own total wins
 * because it is what the provider billed: it includes usage no step reports (retried or abandoned
 * calls, guardrails, summarization) and is immune to {@code step_finish} events lost in a gap,
 * while a step sum can only undercount. Both are kept, so a disagreement stays visible; it is
 * counted ({@code usage-mismatches-total}). Usage aggregates, in contrast, are built from step
 * usage, because only steps name a model and happen at a point in time that can be windowed.
 *
 * <h2>Cost: the versioned price ledger</h2>
 *
 * The prices topic ({@link TopologyConfig#PRICES_TOPIC_CONFIG}, compacted) holds one {@code
 * PriceVersion} per model and {@code effective_from}, keyed {@code model@<13-digit epoch millis>}
 * so compaction keeps every version; a tombstone retracts one. Every instance reads it in full as a
 * global table ({@value #PRICES_STORE}). A {@code step_finish} with a usage is priced with the
 * latest version of its model whose {@code effective_from} is at or before the event's timestamp (a
 * reverse range scan of the model's keys up to that instant): cost = input tokens x input price /
 * 10^6 + output tokens x output price / 10^6, exactly, at scale 12. The ledger's price wins over a
 * cost the worker sent (kept in the step's {@code reported_cost_usd}); without a ledger price the
 * worker's non-zero cost is kept; with neither the cost is zero. The step records which ({@code
 * priced_by}); aggregates count the unpriced steps. Once a step is priced by the ledger the run's
 * {@code cost_source} is {@code LEDGER} and its authoritative {@code usage} takes its cost from the
 * step sum even after {@code agent_finish}, so the runs and the usage aggregates sum the very same
 * per-step costs. A new version only affects events timestamped at or after its {@code
 * effective_from} that are processed after it arrived: applied events are never repriced. Price
 * records that do not decode or are invalid count as no version (as a tombstone of their key), with
 * a warning and {@code invalid-prices-total}; a version keyed unlike its value is ignored.
 *
 * <h2>Outputs</h2>
 *
 * <ul>
 *   <li>The runs topic ({@link TopologyConfig#RUNS_TOPIC_CONFIG}, compacted, key workflow id): the
 *       final record as soon as {@code agent_finish} or {@code error} is applied, and progress
 *       snapshots rate-limited by a wall-clock punctuator: every {@link
 *       TopologyConfig#SNAPSHOT_INTERVAL_MS_CONFIG}, one snapshot of each run that changed since
 *       its last one. A run changing with every delta therefore costs one record per interval, not
 *       one per delta. Which runs are due is itself kept in a changelogged store ({@value
 *       #PENDING_SNAPSHOTS_STORE}), so a crash loses no due snapshot. Records carry the headers
 *       {@value #RUN_STATUS_HEADER} and {@value #RUN_FINAL_HEADER}. A run larger than {@link
 *       TopologyConfig#MAX_RECORD_BYTES_CONFIG} is not published (it stays queryable).
 *   <li>The usage topic ({@link TopologyConfig#USAGE_TOPIC_CONFIG}, key {@code
 *       DIMENSION:value@windowStart}): the usage and cost of every {@code step_finish}, summed per
 *       agent, per model and per tenant in tumbling event-time windows (hourly by default) with a
 *       grace period; by default one final record per window once it closes. The windows are also
 *       queryable in {@value #USAGE_STORE}. A step without a model counts under model {@value
 *       UsageKeys#UNKNOWN_MODEL}, an event without a tenant under tenant {@value
 *       UsageKeys#NO_TENANT}.
 *   <li>The dead-letter topic ({@link TopologyConfig#DEAD_LETTER_TOPIC_CONFIG}): records that are
 *       not Avro, name an unknown schema id, or break their workflow's state machine ({@link
 *       InvalidEventException}), written by Kafka Streams' built-in handlers (KIP-1033, KIP-1034)
 *       with {@link DeadLetterHeaders} saying why and where from, and counted by {@code
 *       dead-letter-records-total}. Processing continues with the next record.
 *   <li>Budget guardrails (unless {@link TopologyConfig#BUDGETS_ENABLED_CONFIG} is false): the
 *       budgets topic is read on every instance into the global store {@value #BUDGETS_STORE}.
 *       After each applied event that raised a running run's usage, the run's totals are checked
 *       against the PER_RUN budget of its agent and of its tenant; on a crossing the run's {@code
 *       budget_exceeded} is set and a {@code BudgetExceeded} record (budget-events topic, key
 *       workflow id) and a {@code ControlCommand} CANCEL (control topic, key root id) are written
 *       in the same transaction, once per run. For a tenant with an HOUR or DAY budget, the usage
 *       increase goes through the repartition topic {@code budget-usage-by-tenant} to a processor
 *       that sums the tenant's window ({@value #BUDGET_TOTALS_STORE}) and, while it is over,
 *       cancels every run that uses more, once per run and window ({@value #BUDGET_CANCELS_STORE}).
 *       Budget records that do not decode or are invalid are refused and counted ({@code
 *       invalid-budgets-total}).
 * </ul>
 *
 * <h2>Exactly once</h2>
 *
 * The application runs with {@code processing.guarantee=exactly_once_v2}: input offsets, store
 * changelogs and output records commit in one transaction, so after a crash the state is rebuilt as
 * of the last commit and the events after it are applied again, exactly once. The topology keeps no
 * state outside its stores.
 */
public final class WorkflowTopology implements AutoCloseable {

  /** Key-value store: workflow id to the run without its text. */
  public static final String RUNS_STORE = "workflow-runs-store";

  /** Key-value store: (workflow id, chunk index) to UTF-8 bytes of the run's text. */
  public static final String TEXT_STORE = "workflow-text-store";

  /** Key-value store: workflow ids whose progress snapshot is due. */
  public static final String PENDING_SNAPSHOTS_STORE = "workflow-pending-snapshots-store";

  /**
   * Global key-value store over the price ledger topic: {@code model@effective_from} to the price
   * version (see {@link dev.runstream.schemas.PriceVersions}).
   */
  public static final String PRICES_STORE = "model-prices-store";

  /** Window store: usage per {@code DIMENSION:value} per window. */
  public static final String USAGE_STORE = "usage-aggregates-store";

  /**
   * Global key-value store: the budgets topic ({@code <SCOPE>:<key>} to the Budget record's bytes),
   * on every instance.
   */
  public static final String BUDGETS_STORE = "budgets-store";

  /** Key-value store: a tenant's usage total in the current HOUR or DAY budget window. */
  public static final String BUDGET_TOTALS_STORE = "budget-window-totals-store";

  /** Key-value store: runs cancelled by a windowed budget, to the window they were cancelled in. */
  public static final String BUDGET_CANCELS_STORE = "budget-window-cancels-store";

  /** Header of runs-topic records: the run's status. */
  public static final String RUN_STATUS_HEADER = "runstream.run.status";

  /** Header of runs-topic records: {@code true} for the final record, {@code false} otherwise. */
  public static final String RUN_FINAL_HEADER = "runstream.run.final";

  private final Topology topology;
  private final Properties properties;
  private final TopologyMetrics metrics;

  private WorkflowTopology(Topology topology, Properties properties, TopologyMetrics metrics) {
    this.topology = topology;
    this.properties = properties;
    this.metrics = metrics;
  }

  /**
   * Builds the topology for an instance that serves no interactive queries.
   *
   * @param config the configuration
   * @param serdes the serdes of the external topics
   * @return the topology and its settings; close it to unregister its metrics
   */
  public static WorkflowTopology create(TopologyConfig config, TopologySerdes serdes) {
    return create(config, serdes, null);
  }

  /**
   * Builds the topology.
   *
   * @param config the configuration
   * @param serdes the serdes of the external topics
   * @param applicationServer this instance's {@code host:port} for interactive queries ({@code
   *     application.server}), or {@code null}
   * @return the topology and its settings; close it to unregister its metrics
   */
  public static WorkflowTopology create(
      TopologyConfig config, TopologySerdes serdes, String applicationServer) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(serdes, "serdes");
    String instance =
        config.applicationId()
            + "-"
            + (applicationServer == null
                ? UUID.randomUUID().toString().substring(0, 8)
                : applicationServer);
    TopologyMetrics metrics = new TopologyMetrics(instance);
    Properties properties = streamsProperties(config, applicationServer, metrics);
    try {
      return new WorkflowTopology(build(config, serdes, metrics, properties), properties, metrics);
    } catch (RuntimeException e) {
      metrics.close();
      throw e;
    }
  }

  private static Topology build(
      TopologyConfig config,
      TopologySerdes serdes,
      TopologyMetrics metrics,
      Properties properties) {
    TopologyConfig.Topics topics = config.topics();
    WorkflowProcessor.Settings settings =
        new WorkflowProcessor.Settings(
            config.textChunkBytes(), config.snapshotInterval(), config.maxRecordBytes());
    AvroBinarySerde<UsageAggregate> internalUsage = new AvroBinarySerde<>(UsageAggregate.class);

    StreamsBuilder builder = new StreamsBuilder();
    boolean inMemory = config.inMemoryStores();
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                keyValueStore(RUNS_STORE, inMemory), Serdes.String(), WorkflowState.serde())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                keyValueStore(TEXT_STORE, inMemory), ChunkKey.serde(), Serdes.ByteArray())
            .withCachingEnabled());
    builder.addStateStore(
        Stores.keyValueStoreBuilder(
                keyValueStore(PENDING_SNAPSHOTS_STORE, inMemory), Serdes.String(), Serdes.Long())
            .withCachingEnabled());

    // The price ledger, read in full by every instance; the processor looks prices up in it.
    PriceLedger.Reader prices =
        new PriceLedger.Reader(serdes.prices().deserializer(), config.pricesTopic());
    builder.globalTable(
        config.pricesTopic(),
        Consumed.with(
                Serdes.String(), PriceLedger.validating(serdes.prices().deserializer(), metrics))
            .withName("model-prices-source"),
        Materialized.<String, byte[]>as(
                inMemory
                    ? Stores.inMemoryKeyValueStore(PRICES_STORE)
                    : Stores.persistentTimestampedKeyValueStore(PRICES_STORE))
            .withKeySerde(Serdes.String())
            .withValueSerde(Serdes.ByteArray()));
    boolean budgets = config.budgetsEnabled();
    TopologyConfig.BudgetTopics budgetTopics = config.budgetTopics();
    Function<ProcessorContext<?, ?>, BudgetTable> tables = null;
    if (budgets) {
      builder.addGlobalStore(
          Stores.keyValueStoreBuilder(
                  keyValueStore(BUDGETS_STORE, inMemory), Serdes.String(), Serdes.ByteArray())
              .withLoggingDisabled(),
          budgetTopics.budgets(),
          Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("budgets-source"),
          () ->
              new BudgetStoreUpdater(
                  serdes.budgets().deserializer(), budgetTopics.budgets(), metrics));
      tables =
          context ->
              new BudgetTable(
                  context.getStateStore(BUDGETS_STORE),
                  serdes.budgets().deserializer(),
                  budgetTopics.budgets());
    }
    Function<ProcessorContext<?, ?>, BudgetTable> budgetTables = tables;
    Function<ProcessorContext<?, ?>, BudgetGuard> guards =
        budgets ? context -> new BudgetGuard(budgetTables.apply(context), metrics) : null;

    KStream<String, ProcessorOutput> outputs =
        builder.stream(
                topics.events(),
                Consumed.with(Serdes.String(), serdes.events())
                    .withTimestampExtractor(new EventTimestampExtractor())
                    .withName("agent-events-source"))
            .process(
                () -> new WorkflowProcessor(settings, metrics, prices, guards),
                Named.as("materialize-workflows"),
                RUNS_STORE,
                TEXT_STORE,
                PENDING_SNAPSHOTS_STORE);

    Map<String, KStream<String, ProcessorOutput>> routes =
        outputs
            .split(Named.as("route-"))
            .branch((key, value) -> value.isRun(), Branched.as("runs"))
            .branch((key, value) -> value.isBreach(), Branched.as("budget-breaches"))
            .branch((key, value) -> value.isDelta(), Branched.as("budget-deltas"))
            .defaultBranch(Branched.as("usage"));

    if (budgets) {
      sinkBreaches(
          routes
              .get("route-budget-breaches")
              .mapValues(
                  (ProcessorOutput value) -> value.breach(), Named.as("run-budget-breaches")),
          "run",
          budgetTopics,
          serdes);
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
              keyValueStore(BUDGET_TOTALS_STORE, inMemory), Serdes.String(), Serdes.ByteArray()));
      builder.addStateStore(
          Stores.keyValueStoreBuilder(
              keyValueStore(BUDGET_CANCELS_STORE, inMemory), Serdes.String(), Serdes.Long()));
      sinkBreaches(
          routes
              .get("route-budget-deltas")
              .mapValues((ProcessorOutput value) -> value.delta(), Named.as("budget-usage-deltas"))
              .repartition(
                  Repartitioned.with(Serdes.String(), UsageDelta.serde())
                      .withName("budget-usage-by-tenant"))
              .process(
                  () -> new WindowedBudgetProcessor(budgetTables, metrics),
                  Named.as("budget-windows"),
                  BUDGET_TOTALS_STORE,
                  BUDGET_CANCELS_STORE),
          "window",
          budgetTopics,
          serdes);
    }

    routes
        .get("route-runs")
        .mapValues((ProcessorOutput value) -> value.run(), Named.as("run-records"))
        .to(
            topics.runs(),
            Produced.with(Serdes.String(), serdes.runs()).withName("workflow-runs-sink"));

    UsageWindows windows = config.usageWindows();
    KTable<Windowed<String>, UsageAggregate> sums =
        routes
            .get("route-usage")
            .mapValues((ProcessorOutput value) -> value.usage(), Named.as("usage-contributions"))
            .groupByKey(Grouped.with("usage-by-dimension", Serdes.String(), internalUsage))
            .windowedBy(TimeWindows.ofSizeAndGrace(windows.size(), windows.grace()))
            .aggregate(
                UsageAggregation::initial,
                UsageAggregation::add,
                Named.as("usage-sum"),
                Materialized.<String, UsageAggregate>as(windowStore(USAGE_STORE, inMemory, windows))
                    .withKeySerde(Serdes.String())
                    .withValueSerde(internalUsage));
    if (windows.emit() == UsageEmit.FINAL) {
      sums =
          sums.suppress(
              Suppressed.untilWindowCloses(Suppressed.BufferConfig.unbounded())
                  .withName("usage-window-close"));
    }
    sums.toStream(Named.as("usage-windows"))
        .map(
            (window, sum) ->
                KeyValue.pair(
                    UsageKeys.topicKey(window.key(), window.window().startTime()),
                    UsageAggregation.withWindow(window, sum)),
            Named.as("usage-records"))
        .to(
            topics.usage(),
            Produced.with(Serdes.String(), serdes.aggregates()).withName("usage-aggregates-sink"));
    return builder.build(properties);
  }

  /** Writes breaches: the BudgetExceeded records, and the cancel requests keyed by root id. */
  private static void sinkBreaches(
      KStream<String, BudgetBreach> breaches,
      String name,
      TopologyConfig.BudgetTopics topics,
      TopologySerdes serdes) {
    breaches
        .mapValues(BudgetBreach::exceeded, Named.as(name + "-budget-exceeded"))
        .to(
            topics.budgetEvents(),
            Produced.with(Serdes.String(), serdes.budgetEvents())
                .withName(name + "-budget-events-sink"));
    breaches
        .map(
            (key, breach) -> KeyValue.pair(breach.cancel().getRootWorkflowId(), breach.cancel()),
            Named.as(name + "-budget-cancels"))
        .to(
            topics.control(),
            Produced.with(Serdes.String(), serdes.control()).withName(name + "-control-sink"));
  }

  private static KeyValueBytesStoreSupplier keyValueStore(String name, boolean inMemory) {
    return inMemory ? Stores.inMemoryKeyValueStore(name) : Stores.persistentKeyValueStore(name);
  }

  private static WindowBytesStoreSupplier windowStore(
      String name, boolean inMemory, UsageWindows windows) {
    return inMemory
        ? Stores.inMemoryWindowStore(name, windows.retention(), windows.size(), false)
        : Stores.persistentTimestampedWindowStore(name, windows.retention(), windows.size(), false);
  }

  private static Properties streamsProperties(
      TopologyConfig config, String applicationServer, TopologyMetrics metrics) {
    Properties p = new Properties();
    p.putAll(config.securityProperties());
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
    p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.numStreamThreads());
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, config.commitInterval().toMillis());
    p.put(StreamsConfig.ENSURE_EXPLICIT_INTERNAL_RESOURCE_NAMING_CONFIG, true);
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.MAX_REQUEST_SIZE_CONFIG),
        config.maxRecordBytes());
    p.put(
        StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG),
        config.compressionType());
    p.put(StreamsConfig.topicPrefix(TopicConfig.MAX_MESSAGE_BYTES_CONFIG), config.maxRecordBytes());
    if (applicationServer != null) {
      p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, applicationServer);
    }
    p.putAll(config.streamsOverrides());
    // What correctness rests on cannot be overridden.
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(
        StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterDeserializationHandler.class.getName());
    p.put(
        StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG,
        DeadLetterProcessingHandler.class.getName());
    p.put(
        StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG,
        OutputProductionHandler.class.getName());
    p.put(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, config.topics().deadLetter());
    p.put(TopologyMetrics.CONFIG_KEY, metrics);
    return p;
  }

  /**
   * The Kafka Streams topology.
   *
   * @return the topology
   */
  public Topology topology() {
    return topology;
  }

  /**
   * The Kafka Streams settings the topology must run with: exactly-once v2, the dead-letter
   * handlers and topic, sizes and the configuration's Kafka Streams overrides. The returned
   * properties hold a metrics object under a runstream key, which the exception handlers use.
   *
   * @return a copy of the settings
   */
  public Properties streamsProperties() {
    Properties copy = new Properties();
    copy.putAll(properties);
    return copy;
  }

  /**
   * The topology's own metrics, group {@value TopologyMetrics#GROUP}: {@code
   * dead-letter-records-total} (tag {@code reason}), {@code events-applied-total}, {@code
   * duplicate-events-total}, {@code sequence-gaps-total}, {@code missing-events-total}, {@code
   * snapshots-published-total}, {@code final-records-published-total}, {@code
   * usage-mismatches-total}, {@code placeholder-parents-total}, {@code
   * output-records-dropped-total}, for the price ledger {@code steps-priced-by-ledger-total},
   * {@code steps-priced-by-worker-total}, {@code steps-unpriced-total} and {@code
   * invalid-prices-total}, and for budgets {@code budgets-exceeded-total} and {@code
   * invalid-budgets-total}. Also reported over JMX (domain {@value TopologyMetrics#JMX_PREFIX}).
   * Kafka Streams' own metrics are in {@code KafkaStreams#metrics()}.
   *
   * @return the metrics, live
   */
  public Map<MetricName, ? extends Metric> metrics() {
    return metrics.all();
  }

  /**
   * The value of one of {@link #metrics()}, summed over its tags.
   *
   * @param name the metric name, for example {@code dead-letter-records-total}
   * @return the total, 0 if there is no such metric
   */
  public double metricTotal(String name) {
    return metrics.total(name);
  }

  /**
   * Every counter of {@link #metrics()} by name (with a {@code {reason=...}} suffix for tagged
   * ones).
   *
   * @return a snapshot of the values
   */
  public Map<String, Double> metricValues() {
    return metrics.values();
  }

  /** The metrics registry, for the application's HTTP server. */
  TopologyMetrics internalMetrics() {
    return metrics;
  }

  /** Unregisters the metrics. Close the {@code KafkaStreams} running the topology first. */
  @Override
  public void close() {
    metrics.close();
  }
}
