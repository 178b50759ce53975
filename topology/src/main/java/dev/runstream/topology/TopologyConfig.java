package dev.runstream.topology;

import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.ConfigSources;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Immutable, validated settings of the workflow topology and its application, declared once with
 * Kafka's {@link ConfigDef} (see {@link #configDef()} for the type, default, validator and doc of
 * every key).
 *
 * <h2>Where values come from</h2>
 *
 * Each key is resolved with {@link ConfigSources}, later layers winning:
 *
 * <ol>
 *   <li>the key's default, which works against the local cluster ({@code ./runstream demo});
 *   <li>an environment variable, {@code RUNSTREAM_} + the key upper-cased with dots as underscores
 *       ({@code RUNSTREAM_TOPOLOGY_HTTP_PORT} for {@value #HTTP_PORT_CONFIG});
 *   <li>a system property, {@code runstream.} + the key ({@code -Drunstream.topology.http.port=0});
 *   <li>values set with {@link #newBuilder()} or given to {@link #fromEnvironment(Map)}.
 * </ol>
 *
 * <p>{@value #BOOTSTRAP_SERVERS_CONFIG} and {@value #SCHEMA_REGISTRY_URL_CONFIG} are shared with
 * the other runstream modules (one environment variable configures them all); the other keys start
 * with {@code topology.}. Explicit keys starting with {@value #STREAMS_PREFIX}, and system
 * properties starting with {@code runstream.streams.}, are handed to Kafka Streams with the prefix
 * removed, after the topology's own settings, so any Kafka Streams, consumer or producer setting
 * can be tuned ({@code -Drunstream.streams.num.standby.replicas=1}); the settings the topology's
 * correctness rests on ({@code processing.guarantee=exactly_once_v2}, the exception handlers, the
 * dead-letter topic) cannot be overridden that way. Any other undeclared explicit key is refused,
 * so a typo fails at startup.
 *
 * <p>Every value is parsed and validated when the config is built; a bad value throws {@link
 * TopologyConfigException} naming the key.
 *
 * <pre>{@code
 * TopologyConfig config =
 *     TopologyConfig.newBuilder()
 *         .bootstrapServers("127.0.0.1:9092")
 *         .schemaRegistryUrl("http://127.0.0.1:8081/apis/ccompat/v7")
 *         .httpPort(0)                      // a free port; application.server follows it
 *         .snapshotInterval(Duration.ofMillis(500))
 *         .build();
 * try (TopologyApp app = TopologyApp.start(config)) {
 *   System.out.println(app.httpAddress());
 * }
 * }</pre>
 */
public final class TopologyConfig {

  /** Prefix of explicit keys that are passed to Kafka Streams verbatim (minus the prefix). */
  public static final String STREAMS_PREFIX = "streams.";

  /** Key: Kafka bootstrap servers. Shared with the other runstream modules. */
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";

  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka bootstrap servers, host:port[,host:port...].";

  /** Key: schema registry base URL (Confluent REST API). Shared with the other modules. */
  public static final String SCHEMA_REGISTRY_URL_CONFIG =
      AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;

  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL of the schema registry (Confluent REST API) that the events, workflow-runs and"
          + " usage-aggregates topics' Avro schemas live in. The other registry client settings"
          + " (timeouts, retries, credentials) are read by AvroSerdeConfig from the same sources.";

  /** Key: Kafka Streams {@code application.id}: consumer group, prefix of internal topics. */
  public static final String APPLICATION_ID_CONFIG = "topology.application.id";

  private static final String APPLICATION_ID_DOC =
      "Kafka Streams application.id: the consumer group of all instances and the prefix of the"
          + " changelog and repartition topics. Instances with the same id share the work.";

  /** Key: the input topic of agent events. */
  public static final String EVENTS_TOPIC_CONFIG = "topology.topic.events";

  private static final String EVENTS_TOPIC_DOC =
      "Input topic of AgentEvent records, keyed by root workflow id.";

  /** Key: the compacted output topic of workflow runs. */
  public static final String RUNS_TOPIC_CONFIG = "topology.topic.runs";

  private static final String RUNS_TOPIC_DOC =
      "Compacted output topic of WorkflowRun records keyed by workflow id: rate-limited progress"
          + " snapshots and the final record of each run.";

  /** Key: the output topic of windowed usage aggregates. */
  public static final String USAGE_TOPIC_CONFIG = "topology.topic.usage";

  private static final String USAGE_TOPIC_DOC =
      "Output topic of UsageAggregate records (per agent, model and tenant per window).";

  /** Key: the compacted price ledger topic, read as a global table. */
  public static final String PRICES_TOPIC_CONFIG = "topology.topic.prices";

  private static final String PRICES_TOPIC_DOC =
      "Compacted topic of PriceVersion records (the versioned price ledger), keyed"
          + " model@effective_from; read in full by every instance as a global table. The cost of a"
          + " step_finish is computed from the version in force at the event's timestamp.";

  /** Key: the dead-letter topic for poison pills. */
  public static final String DEAD_LETTER_TOPIC_CONFIG = "topology.topic.dead.letter";

  private static final String DEAD_LETTER_TOPIC_DOC =
      "Dead-letter topic (Kafka Streams errors.dead.letter.queue.topic.name): events that cannot"
          + " be deserialized or applied go there with headers saying why and where from.";

  /** Key: whether budgets are enforced (reads the budgets topic, writes budget events). */
  public static final String BUDGETS_ENABLED_CONFIG = "topology.budgets.enabled";

  private static final String BUDGETS_ENABLED_DOC =
      "Whether budget guardrails are enforced: the topology reads Budget records from the budgets"
          + " topic, watches the runs' running totals and, when a run crosses a budget, publishes a"
          + " BudgetExceeded record and a cancel request for the run. When false the budget topics"
          + " are neither read nor written (and need not exist).";

  /** Key: the compacted topic of budgets. */
  public static final String BUDGETS_TOPIC_CONFIG = "topology.topic.budgets";

  private static final String BUDGETS_TOPIC_DOC =
      "Compacted input topic of Budget records keyed by '<SCOPE>:<key>' (AGENT:<agent id>,"
          + " TENANT:<tenant id>), read by every instance as a global table; a tombstone removes a"
          + " budget.";

  /** Key: the output topic of budget events. */
  public static final String BUDGET_EVENTS_TOPIC_CONFIG = "topology.topic.budget.events";

  private static final String BUDGET_EVENTS_TOPIC_DOC =
      "Output topic of BudgetExceeded records, keyed by workflow id: one per run and budget"
          + " crossed.";

  /** Key: the control topic the topology's cancel requests go to. */
  public static final String CONTROL_TOPIC_CONFIG = "topology.topic.control";

  private static final String CONTROL_TOPIC_DOC =
      "The control topic (ControlCommand, keyed by root workflow id) the workers read; the"
          + " topology writes a CANCEL there for a run that crossed a budget.";

  /** Key: how often progress snapshots of changed workflows are published. */
  public static final String SNAPSHOT_INTERVAL_MS_CONFIG = "topology.snapshot.interval.ms";

  private static final String SNAPSHOT_INTERVAL_MS_DOC =
      "Wall-clock interval, in milliseconds, at which a progress snapshot of every workflow that"
          + " changed since its last snapshot is published to the runs topic; at most one snapshot"
          + " per workflow per interval. 0 publishes final records only.";

  /** Key: the address the HTTP query server binds to. */
  public static final String HTTP_HOST_CONFIG = "topology.http.host";

  private static final String HTTP_HOST_DOC =
      "Address the interactive-query HTTP server binds to (0.0.0.0 for all interfaces).";

  /** Key: the port of the HTTP query server. */
  public static final String HTTP_PORT_CONFIG = "topology.http.port";

  private static final String HTTP_PORT_DOC =
      "Port of the interactive-query HTTP server; 0 picks a free port at start. The advertised"
          + " host and the bound port form Kafka Streams' application.server.";

  /** Key: the host other instances reach this one at. */
  public static final String HTTP_ADVERTISED_HOST_CONFIG = "topology.http.advertised.host";

  private static final String HTTP_ADVERTISED_HOST_DOC =
      "Host name other instances use to reach this one's HTTP server (application.server). Empty"
          + " uses topology.http.host, or the local host name when that is a wildcard address.";

  /** Key: threads of the HTTP server. */
  public static final String HTTP_THREADS_CONFIG = "topology.http.threads";

  private static final String HTTP_THREADS_DOC = "Worker threads of the HTTP server.";

  /** Key: timeout of a request forwarded to the owning instance. */
  public static final String HTTP_FORWARD_TIMEOUT_MS_CONFIG = "topology.http.forward.timeout.ms";

  private static final String HTTP_FORWARD_TIMEOUT_MS_DOC =
      "Timeout, in milliseconds, of a query forwarded to the instance that owns the key.";

  /** Key: how long a query with a freshness bound ({@code at_least}) waits for the store. */
  public static final String QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG =
      "topology.query.freshness.max.wait.ms";

  private static final String QUERY_FRESHNESS_MAX_WAIT_MS_DOC =
      "Longest time, in milliseconds, a read-your-event query (GET /workflows/{id}?at_least="
          + "partition:offset) waits for the run's store to have applied the events topic up to"
          + " that offset before it answers 503 with Retry-After. 0 answers at once. At most"
          + " 30000.";

  /** Upper bound of {@link #QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG}, known to the query's callers. */
  public static final long QUERY_FRESHNESS_MAX_WAIT_MS_MAX = 30_000L;

  /** Key: the Kafka Streams state directory. */
  public static final String STATE_DIR_CONFIG = "topology.state.dir";

  private static final String STATE_DIR_DOC =
      "Directory of the local state stores (RocksDB). Empty uses"
          + " ${java.io.tmpdir}/runstream-topology. Instances on one host need distinct ones.";

  /** Key: stream threads per instance. */
  public static final String NUM_STREAM_THREADS_CONFIG = "topology.num.stream.threads";

  private static final String NUM_STREAM_THREADS_DOC = "Kafka Streams threads of this instance.";

  /** Key: the transaction commit interval. */
  public static final String COMMIT_INTERVAL_MS_CONFIG = "topology.commit.interval.ms";

  private static final String COMMIT_INTERVAL_MS_DOC =
      "Kafka Streams commit.interval.ms: how often a transaction commits, hence the delay before"
          + " read_committed consumers of the output topics see results.";

  /** Key: the size of the usage aggregation windows. */
  public static final String USAGE_WINDOW_SIZE_MS_CONFIG = "topology.usage.window.size.ms";

  private static final String USAGE_WINDOW_SIZE_MS_DOC =
      "Size of the tumbling event-time windows of the usage aggregates, in milliseconds (hourly"
          + " by default).";

  /** Key: the grace period of the usage windows. */
  public static final String USAGE_WINDOW_GRACE_MS_CONFIG = "topology.usage.window.grace.ms";

  private static final String USAGE_WINDOW_GRACE_MS_DOC =
      "How long after a window's end, in event time, late step usage is still added to it; later"
          + " usage is dropped from the aggregates (it stays in the workflow records).";

  /** Key: how long windows stay queryable. */
  public static final String USAGE_RETENTION_MS_CONFIG = "topology.usage.retention.ms";

  private static final String USAGE_RETENTION_MS_DOC =
      "How long, in event time, usage windows stay in the window store and can be queried over"
          + " HTTP; at least window size plus grace.";

  /** Key: when usage aggregates are published. */
  public static final String USAGE_EMIT_CONFIG = "topology.usage.emit";

  private static final String USAGE_EMIT_DOC =
      "final: one record per window and dimension value once the window has closed (end + grace),"
          + " so downstream sums never double count; updates: a record at every change (at most"
          + " once per commit), keyed by dimension, value and window so a compacted or upserting"
          + " consumer keeps the latest.";

  /** Key: the size of the stored text chunks. */
  public static final String TEXT_CHUNK_BYTES_CONFIG = "topology.text.chunk.bytes";

  private static final String TEXT_CHUNK_BYTES_DOC =
      "The materialized text is stored in chunks of at most this many UTF-8 bytes, so a text"
          + " delta rewrites one small chunk rather than the whole text.";

  /** Key: the largest record the application produces. */
  public static final String MAX_RECORD_BYTES_CONFIG = "topology.max.record.bytes";

  private static final String MAX_RECORD_BYTES_DOC =
      "The largest record, in bytes before compression, the application may produce: the"
          + " producer's max.request.size and the max.message.bytes of the changelog topics. The"
          + " runs topic's own max.message.bytes bounds the compressed size of its records; a"
          + " record the broker still refuses is dropped and counted (output-records-dropped-total)"
          + " while the store keeps the run.";

  /** Key: where state stores keep their data. */
  public static final String STORE_TYPE_CONFIG = "topology.store.type";

  private static final String STORE_TYPE_DOC =
      "rocksdb: state stores on local disk (RocksDB), restored from the changelog only what the"
          + " disk lacks; in_memory: state in the heap, restored from the changelog at every start"
          + " (small deployments, tests).";

  /** Key: whether to raise the runs topic's max.message.bytes at startup. */
  public static final String ALIGN_RUNS_TOPIC_CONFIG = "topology.align.runs.topic";

  private static final String ALIGN_RUNS_TOPIC_DOC =
      "At startup, raise the runs topic's max.message.bytes to topology.max.record.bytes when it"
          + " is lower, so that long runs (a megabyte of text and more) can be published. When"
          + " false, or when the topic config cannot be changed, runs larger than the topic's limit"
          + " are not published (they stay queryable over HTTP).";

  /** Key: producer compression. */
  public static final String COMPRESSION_TYPE_CONFIG = "topology.compression.type";

  private static final String COMPRESSION_TYPE_DOC =
      "Compression of every record the application produces (runs, aggregates, changelogs).";

  private static final ConfigDef CONFIG =
      QueryServiceToken.define(TenantConfigs.define(ClientSecurityConfigs.define(new ConfigDef())))
          .define(
              BOOTSTRAP_SERVERS_CONFIG,
              Type.STRING,
              "127.0.0.1:9092",
              new ConfigDef.NonEmptyString(),
              Importance.HIGH,
              BOOTSTRAP_SERVERS_DOC)
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.STRING,
              AvroSerdeConfig.SCHEMA_REGISTRY_URL_DEFAULT,
              ConfigSources.httpUrl(),
              Importance.HIGH,
              SCHEMA_REGISTRY_URL_DOC)
          .define(
              APPLICATION_ID_CONFIG,
              Type.STRING,
              "runstream-topology",
              topicLikeName(),
              Importance.HIGH,
              APPLICATION_ID_DOC)
          .define(
              EVENTS_TOPIC_CONFIG,
              Type.STRING,
              "agent-events",
              topicLikeName(),
              Importance.HIGH,
              EVENTS_TOPIC_DOC)
          .define(
              RUNS_TOPIC_CONFIG,
              Type.STRING,
              "workflow-runs",
              topicLikeName(),
              Importance.HIGH,
              RUNS_TOPIC_DOC)
          .define(
              USAGE_TOPIC_CONFIG,
              Type.STRING,
              "usage-aggregates",
              topicLikeName(),
              Importance.HIGH,
              USAGE_TOPIC_DOC)
          .define(
              PRICES_TOPIC_CONFIG,
              Type.STRING,
              "model-prices",
              topicLikeName(),
              Importance.MEDIUM,
              PRICES_TOPIC_DOC)
          .define(
              DEAD_LETTER_TOPIC_CONFIG,
              Type.STRING,
              "agent-events-dlq",
              topicLikeName(),
              Importance.HIGH,
              DEAD_LETTER_TOPIC_DOC)
          .define(
              SNAPSHOT_INTERVAL_MS_CONFIG,
              Type.LONG,
              1_000L,
              Range.between(0L, 3_600_000L),
              Importance.MEDIUM,
              SNAPSHOT_INTERVAL_MS_DOC)
          .define(
              HTTP_HOST_CONFIG,
              Type.STRING,
              "127.0.0.1",
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.HIGH,
              HTTP_HOST_DOC)
          .define(
              HTTP_PORT_CONFIG,
              Type.INT,
              8090,
              Range.between(0, 65535),
              Importance.HIGH,
              HTTP_PORT_DOC)
          .define(
              HTTP_ADVERTISED_HOST_CONFIG,
              Type.STRING,
              "",
              Importance.MEDIUM,
              HTTP_ADVERTISED_HOST_DOC)
          .define(
              HTTP_THREADS_CONFIG,
              Type.INT,
              4,
              Range.between(1, 256),
              Importance.LOW,
              HTTP_THREADS_DOC)
          .define(
              HTTP_FORWARD_TIMEOUT_MS_CONFIG,
              Type.LONG,
              5_000L,
              Range.between(1L, 600_000L),
              Importance.LOW,
              HTTP_FORWARD_TIMEOUT_MS_DOC)
          .define(
              QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG,
              Type.LONG,
              5_000L,
              Range.between(0L, QUERY_FRESHNESS_MAX_WAIT_MS_MAX),
              Importance.LOW,
              QUERY_FRESHNESS_MAX_WAIT_MS_DOC)
          .define(STATE_DIR_CONFIG, Type.STRING, "", Importance.MEDIUM, STATE_DIR_DOC)
          .define(
              NUM_STREAM_THREADS_CONFIG,
              Type.INT,
              1,
              Range.between(1, 64),
              Importance.MEDIUM,
              NUM_STREAM_THREADS_DOC)
          .define(
              COMMIT_INTERVAL_MS_CONFIG,
              Type.LONG,
              100L,
              Range.between(1L, 600_000L),
              Importance.MEDIUM,
              COMMIT_INTERVAL_MS_DOC)
          .define(
              USAGE_WINDOW_SIZE_MS_CONFIG,
              Type.LONG,
              Duration.ofHours(1).toMillis(),
              Range.between(1_000L, Duration.ofDays(7).toMillis()),
              Importance.MEDIUM,
              USAGE_WINDOW_SIZE_MS_DOC)
          .define(
              USAGE_WINDOW_GRACE_MS_CONFIG,
              Type.LONG,
              Duration.ofMinutes(5).toMillis(),
              Range.between(0L, Duration.ofDays(7).toMillis()),
              Importance.MEDIUM,
              USAGE_WINDOW_GRACE_MS_DOC)
          .define(
              USAGE_RETENTION_MS_CONFIG,
              Type.LONG,
              Duration.ofDays(7).toMillis(),
              Range.between(1_000L, Duration.ofDays(3650).toMillis()),
              Importance.LOW,
              USAGE_RETENTION_MS_DOC)
          .define(
              USAGE_EMIT_CONFIG,
              Type.STRING,
              "final",
              ValidString.in("final", "updates"),
              Importance.MEDIUM,
              USAGE_EMIT_DOC)
          .define(
              TEXT_CHUNK_BYTES_CONFIG,
              Type.INT,
              4096,
              Range.between(64, 1024 * 1024),
              Importance.LOW,
              TEXT_CHUNK_BYTES_DOC)
          .define(
              MAX_RECORD_BYTES_CONFIG,
              Type.INT,
              16 * 1024 * 1024,
              Range.between(1024 * 1024, 512 * 1024 * 1024),
              Importance.MEDIUM,
              MAX_RECORD_BYTES_DOC)
          .define(
              STORE_TYPE_CONFIG,
              Type.STRING,
              "rocksdb",
              ValidString.in("rocksdb", "in_memory"),
              Importance.LOW,
              STORE_TYPE_DOC)
          .define(ALIGN_RUNS_TOPIC_CONFIG, Type.BOOLEAN, true, Importance.LOW, ALIGN_RUNS_TOPIC_DOC)
          .define(
              COMPRESSION_TYPE_CONFIG,
              Type.STRING,
              "zstd",
              ValidString.in("none", "gzip", "snappy", "lz4", "zstd"),
              Importance.LOW,
              COMPRESSION_TYPE_DOC)
          .define(
              BUDGETS_ENABLED_CONFIG, Type.BOOLEAN, true, Importance.MEDIUM, BUDGETS_ENABLED_DOC)
          .define(
              BUDGETS_TOPIC_CONFIG,
              Type.STRING,
              "budgets",
              topicLikeName(),
              Importance.MEDIUM,
              BUDGETS_TOPIC_DOC)
          .define(
              BUDGET_EVENTS_TOPIC_CONFIG,
              Type.STRING,
              "budget-events",
              topicLikeName(),
              Importance.MEDIUM,
              BUDGET_EVENTS_TOPIC_DOC)
          .define(
              CONTROL_TOPIC_CONFIG,
              Type.STRING,
              "agent-control",
              topicLikeName(),
              Importance.MEDIUM,
              CONTROL_TOPIC_DOC);

  /** The topics the application reads and writes. */
  public record Topics(String events, String runs, String usage, String deadLetter) {
    /** Validates that no name is null. */
    public Topics {
      Objects.requireNonNull(events, "events");
      Objects.requireNonNull(runs, "runs");
      Objects.requireNonNull(usage, "usage");
      Objects.requireNonNull(deadLetter, "deadLetter");
    }
  }

  /**
   * The topics of budget guardrails.
   *
   * @param budgets the compacted topic of {@code Budget} records the topology reads
   * @param budgetEvents the topic of {@code BudgetExceeded} records it writes
   * @param control the control topic its cancel requests go to
   */
  public record BudgetTopics(String budgets, String budgetEvents, String control) {
    /** Validates that no name is null. */
    public BudgetTopics {
      Objects.requireNonNull(budgets, "budgets");
      Objects.requireNonNull(budgetEvents, "budgetEvents");
      Objects.requireNonNull(control, "control");
    }
  }

  /**
   * The interactive-query HTTP server.
   *
   * @param host the bind address
   * @param port the port; 0 picks a free one at start
   * @param advertisedHost the host other instances use (application.server), resolved
   * @param threads worker threads
   * @param forwardTimeout timeout of a query forwarded to the owning instance
   */
  public record Http(
      String host, int port, String advertisedHost, int threads, Duration forwardTimeout) {}

  /** When usage aggregates are published; see {@link TopologyConfig#USAGE_EMIT_CONFIG}. */
  public enum UsageEmit {
    /** Once per window and dimension value, after the window closes. */
    FINAL,
    /** At every change, at most once per commit. */
    UPDATES
  }

  /**
   * The usage aggregation windows.
   *
   * @param size the tumbling window size
   * @param grace how long after a window's end late usage is still counted
   * @param retention how long windows stay queryable
   * @param emit when aggregates are published
   */
  public record UsageWindows(Duration size, Duration grace, Duration retention, UsageEmit emit) {}

  private final Map<String, Object> values;
  private final Map<String, Object> streamsOverrides;

  private TopologyConfig(Map<String, ?> explicit, Map<String, String> env, Map<?, ?> sysProps) {
    Map<String, Object> declared = new LinkedHashMap<>();
    Map<String, Object> overrides = new TreeMap<>();
    String streamsProperty = ConfigSources.SYSTEM_PROPERTY_PREFIX + STREAMS_PREFIX;
    for (Map.Entry<?, ?> e : sysProps.entrySet()) {
      String key = String.valueOf(e.getKey());
      if (key.startsWith(streamsProperty) && key.length() > streamsProperty.length()) {
        overrides.put(key.substring(streamsProperty.length()), e.getValue());
      }
    }
    for (Map.Entry<String, ?> e : explicit.entrySet()) {
      String key = e.getKey();
      if (key.startsWith(STREAMS_PREFIX)) {
        overrides.put(key.substring(STREAMS_PREFIX.length()), e.getValue());
      } else if (CONFIG.names().contains(key)) {
        declared.put(key, e.getValue());
      } else {
        throw new TopologyConfigException(
            key,
            "Unknown topology configuration key '"
                + key
                + "'; declared keys are "
                + new TreeMap<>(CONFIG.configKeys()).keySet()
                + ", and Kafka Streams settings take the prefix "
                + STREAMS_PREFIX,
            null);
      }
    }
    Map<String, Object> resolved =
        TenantConfigs.prefixDefaults(
            CONFIG,
            ConfigSources.resolve(CONFIG, declared, env, sysProps),
            List.of(
                APPLICATION_ID_CONFIG,
                EVENTS_TOPIC_CONFIG,
                RUNS_TOPIC_CONFIG,
                USAGE_TOPIC_CONFIG,
                DEAD_LETTER_TOPIC_CONFIG,
                PRICES_TOPIC_CONFIG,
                BUDGETS_TOPIC_CONFIG,
                BUDGET_EVENTS_TOPIC_CONFIG,
                CONTROL_TOPIC_CONFIG));
    try {
      this.values = Collections.unmodifiableMap(CONFIG.parse(resolved));
    } catch (ConfigException e) {
      throw new TopologyConfigException(
          keyOf(e), "Invalid topology configuration: " + e.getMessage(), e);
    }
    this.streamsOverrides = Collections.unmodifiableMap(overrides);
    UsageWindows windows = usageWindows();
    if (windows.retention().compareTo(windows.size().plus(windows.grace())) < 0) {
      throw new TopologyConfigException(
          USAGE_RETENTION_MS_CONFIG,
          "Invalid topology configuration: "
              + USAGE_RETENTION_MS_CONFIG
              + "="
              + windows.retention().toMillis()
              + " must be at least "
              + USAGE_WINDOW_SIZE_MS_CONFIG
              + " + "
              + USAGE_WINDOW_GRACE_MS_CONFIG
              + " = "
              + windows.size().plus(windows.grace()).toMillis(),
          null);
    }
    try {
      ClientSecurityConfigs.validate(values);
    } catch (ConfigException e) {
      throw new TopologyConfigException(
          keyOf(e), "Invalid topology configuration: " + e.getMessage(), e);
    }
    Topics t = topics();
    requireDistinct(
        EVENTS_TOPIC_CONFIG, "events", t.events(), "output", t.runs(), t.usage(), t.deadLetter());
    requireDistinct(
        PRICES_TOPIC_CONFIG,
        "prices",
        pricesTopic(),
        "events and output",
        t.events(),
        t.runs(),
        t.usage(),
        t.deadLetter());
  }

  /**
   * Fails on {@code key} when {@code topic} is one of {@code others}, described as {@code what}.
   */
  private static void requireDistinct(
      String key, String name, String topic, String what, String... others) {
    if (Arrays.asList(others).contains(topic)) {
      throw new TopologyConfigException(
          key,
          "Invalid topology configuration: the "
              + name
              + " topic '"
              + topic
              + "' must differ from the "
              + what
              + " topics",
          null);
    }
  }

  private static String keyOf(ConfigException e) {
    String message = String.valueOf(e.getMessage());
    for (String name : CONFIG.names()) {
      if (message.contains(name)) {
        return name;
      }
    }
    return "";
  }

  /**
   * A config from defaults, environment variables and system properties only.
   *
   * @return the config
   * @throws TopologyConfigException if a value is invalid
   */
  public static TopologyConfig fromEnvironment() {
    return fromEnvironment(Map.of());
  }

  /**
   * A config from defaults, environment variables, system properties and {@code explicit}, which
   * wins. Keys with the {@value #STREAMS_PREFIX} prefix go to Kafka Streams.
   *
   * @param explicit explicit values, by key
   * @return the config
   * @throws TopologyConfigException if a value is invalid or a key unknown
   */
  public static TopologyConfig fromEnvironment(Map<String, ?> explicit) {
    return new TopologyConfig(explicit, System.getenv(), System.getProperties());
  }

  /**
   * A config from defaults and {@code explicit} only, ignoring the environment and system
   * properties; for tests that must not be affected by the machine they run on.
   *
   * @param explicit explicit values, by key
   * @return the config
   * @throws TopologyConfigException if a value is invalid or a key unknown
   */
  public static TopologyConfig isolated(Map<String, ?> explicit) {
    return new TopologyConfig(explicit, Map.of(), Map.of());
  }

  /**
   * A builder whose values override defaults, environment variables and system properties.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * A builder preset with this config's explicit-looking values: every declared key and every Kafka
   * Streams override.
   *
   * @return a builder that builds an equal config unless changed
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.values.putAll(values);
    streamsOverrides.forEach((k, v) -> builder.values.put(STREAMS_PREFIX + k, v));
    return builder;
  }

  /**
   * The definition of every key, with type, default, validator and documentation.
   *
   * @return a copy of the definition
   */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /**
   * The Kafka bootstrap servers.
   *
   * @return {@code host:port[,host:port...]}
   */
  public String bootstrapServers() {
    return (String) values.get(BOOTSTRAP_SERVERS_CONFIG);
  }

  /**
   * The schema registry base URL.
   *
   * @return the URL, without a trailing slash
   */
  public String schemaRegistryUrl() {
    String url = (String) values.get(SCHEMA_REGISTRY_URL_CONFIG);
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * The Kafka security settings ({@code security.protocol}, SASL, TLS; see {@link
   * ClientSecurityConfigs}) for Kafka Streams and the topology's admin client.
   *
   * @return the settings, with {@code sasl.username} and {@code sasl.password} as {@code
   *     sasl.jaas.config}
   */
  public Map<String, Object> securityProperties() {
    return ClientSecurityConfigs.clientProperties(values);
  }

  /**
   * The query service's token ({@value QueryServiceToken#QUERY_TOKEN_CONFIG}).
   *
   * @return the token every query route requires, or {@code null} for an open query service
   */
  public Password queryToken() {
    return (Password) values.get(QueryServiceToken.QUERY_TOKEN_CONFIG);
  }

  /**
   * The tenant ({@value TenantConfigs#TENANT_ID_CONFIG}); when set, the application id and the
   * topic names default to {@code <tenant>.}-prefixed ones.
   *
   * @return the tenant, or empty
   */
  public String tenantId() {
    return ((String) values.get(TenantConfigs.TENANT_ID_CONFIG)).trim();
  }

  /**
   * The Kafka Streams application id.
   *
   * @return the application id
   */
  public String applicationId() {
    return (String) values.get(APPLICATION_ID_CONFIG);
  }

  /**
   * The topics.
   *
   * @return the topic names
   */
  public Topics topics() {
    return new Topics(
        (String) values.get(EVENTS_TOPIC_CONFIG),
        (String) values.get(RUNS_TOPIC_CONFIG),
        (String) values.get(USAGE_TOPIC_CONFIG),
        (String) values.get(DEAD_LETTER_TOPIC_CONFIG));
  }

  /**
   * The price ledger topic ({@value #PRICES_TOPIC_CONFIG}).
   *
   * @return the topic name, {@code model-prices} (tenant-prefixed) by default
   */
  public String pricesTopic() {
    return (String) values.get(PRICES_TOPIC_CONFIG);
  }

  /**
   * Whether budgets are enforced ({@value #BUDGETS_ENABLED_CONFIG}).
   *
   * @return true when the topology reads budgets and issues budget cancels
   */
  public boolean budgetsEnabled() {
    return (Boolean) values.get(BUDGETS_ENABLED_CONFIG);
  }

  /**
   * The topics of budget guardrails.
   *
   * @return the budgets, budget-events and control topic names
   */
  public BudgetTopics budgetTopics() {
    return new BudgetTopics(
        (String) values.get(BUDGETS_TOPIC_CONFIG),
        (String) values.get(BUDGET_EVENTS_TOPIC_CONFIG),
        (String) values.get(CONTROL_TOPIC_CONFIG));
  }

  /**
   * The progress snapshot interval.
   *
   * @return the interval; zero when progress snapshots are disabled
   */
  public Duration snapshotInterval() {
    return Duration.ofMillis((Long) values.get(SNAPSHOT_INTERVAL_MS_CONFIG));
  }

  /**
   * The HTTP server settings.
   *
   * @return the settings, with the advertised host resolved
   */
  public Http http() {
    String host = (String) values.get(HTTP_HOST_CONFIG);
    String advertised = ((String) values.get(HTTP_ADVERTISED_HOST_CONFIG)).trim();
    if (advertised.isEmpty()) {
      advertised = isWildcard(host) ? localHostName() : host;
    }
    return new Http(
        host,
        (Integer) values.get(HTTP_PORT_CONFIG),
        advertised,
        (Integer) values.get(HTTP_THREADS_CONFIG),
        Duration.ofMillis((Long) values.get(HTTP_FORWARD_TIMEOUT_MS_CONFIG)));
  }

  /**
   * How long a read-your-event query waits for the store ({@link
   * #QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG}).
   */
  public Duration queryFreshnessMaxWait() {
    return Duration.ofMillis((Long) values.get(QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG));
  }

  private static boolean isWildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]");
  }

  private static String localHostName() {
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.net.UnknownHostException e) {
      return "localhost";
    }
  }

  /**
   * The state directory.
   *
   * @return the configured directory, or {@code ${java.io.tmpdir}/runstream-topology}
   */
  public Path stateDir() {
    String dir = ((String) values.get(STATE_DIR_CONFIG)).trim();
    return dir.isEmpty()
        ? Path.of(System.getProperty("java.io.tmpdir"), "runstream-topology")
        : Path.of(dir);
  }

  /**
   * The number of stream threads.
   *
   * @return at least 1
   */
  public int numStreamThreads() {
    return (Integer) values.get(NUM_STREAM_THREADS_CONFIG);
  }

  /**
   * The commit interval.
   *
   * @return the interval
   */
  public Duration commitInterval() {
    return Duration.ofMillis((Long) values.get(COMMIT_INTERVAL_MS_CONFIG));
  }

  /**
   * The usage windows.
   *
   * @return the window settings
   */
  public UsageWindows usageWindows() {
    return new UsageWindows(
        Duration.ofMillis((Long) values.get(USAGE_WINDOW_SIZE_MS_CONFIG)),
        Duration.ofMillis((Long) values.get(USAGE_WINDOW_GRACE_MS_CONFIG)),
        Duration.ofMillis((Long) values.get(USAGE_RETENTION_MS_CONFIG)),
        UsageEmit.valueOf(((String) values.get(USAGE_EMIT_CONFIG)).toUpperCase(Locale.ROOT)));
  }

  /**
   * The text chunk size.
   *
   * @return bytes per stored text chunk
   */
  public int textChunkBytes() {
    return (Integer) values.get(TEXT_CHUNK_BYTES_CONFIG);
  }

  /**
   * The largest record the application produces, before compression.
   *
   * @return bytes
   */
  public int maxRecordBytes() {
    return (Integer) values.get(MAX_RECORD_BYTES_CONFIG);
  }

  /**
   * Whether state stores live in memory rather than in RocksDB.
   *
   * @return {@code true} for {@code in_memory}
   */
  public boolean inMemoryStores() {
    return "in_memory".equals(values.get(STORE_TYPE_CONFIG));
  }

  /**
   * Whether to raise the runs topic's {@code max.message.bytes} at startup.
   *
   * @return {@code true} to align the topic with {@link #maxRecordBytes()}
   */
  public boolean alignRunsTopic() {
    return (Boolean) values.get(ALIGN_RUNS_TOPIC_CONFIG);
  }

  /**
   * The producer compression type.
   *
   * @return {@code none}, {@code gzip}, {@code snappy}, {@code lz4} or {@code zstd}
   */
  public String compressionType() {
    return (String) values.get(COMPRESSION_TYPE_CONFIG);
  }

  /**
   * The Kafka Streams settings given with the {@value #STREAMS_PREFIX} prefix, prefix removed.
   *
   * @return the overrides, immutable
   */
  public Map<String, Object> streamsOverrides() {
    return streamsOverrides;
  }

  /**
   * The schema registry client configuration: {@link #schemaRegistryUrl()} plus whatever {@link
   * AvroSerdeConfig} reads from the environment and system properties.
   *
   * @return the serde config
   */
  public AvroSerdeConfig avroSerdeConfig() {
    return new AvroSerdeConfig(Map.of(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl()));
  }

  /**
   * Every declared key with its resolved value.
   *
   * @return the values, immutable, in declaration order
   */
  public Map<String, Object> values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof TopologyConfig other
        && values.equals(other.values)
        && streamsOverrides.equals(other.streamsOverrides);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values, streamsOverrides);
  }

  @Override
  public String toString() {
    return "TopologyConfig" + values + (streamsOverrides.isEmpty() ? "" : " " + streamsOverrides);
  }

  private static ConfigDef.Validator topicLikeName() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString();
        if (!s.matches("[a-zA-Z0-9._-]{1,249}")) {
          throw new ConfigException(
              name, value, "must be 1 to 249 characters of ASCII letters, digits, '.', '_', '-'");
        }
      }

      @Override
      public String toString() {
        return "a legal Kafka topic name";
      }
    };
  }

  /**
   * Prints the documentation of every key as reStructuredText, like Kafka's own config tables.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(CONFIG.toRst());
  }

  /**
   * Collects explicit values; {@link #build()} validates them. Not thread-safe; the config it
   * builds is immutable.
   */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();
    private boolean isolated;

    private Builder() {}

    /**
     * Sets any declared key, or a Kafka Streams setting with the {@value #STREAMS_PREFIX} prefix.
     *
     * @param key the key
     * @param value the value, as its type or as a string
     * @return this builder
     */
    public Builder set(String key, Object value) {
      values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets a Kafka Streams, consumer or producer setting, for example {@code num.standby.replicas}.
     *
     * @param key the Kafka Streams key, without the {@value #STREAMS_PREFIX} prefix
     * @param value the value
     * @return this builder
     */
    public Builder streamsProperty(String key, Object value) {
      return set(STREAMS_PREFIX + key, value);
    }

    /**
     * Ignores environment variables and system properties: only defaults and values set here count.
     * For tests.
     *
     * @return this builder
     */
    public Builder isolated() {
      this.isolated = true;
      return this;
    }

    /**
     * Sets {@value TopologyConfig#BOOTSTRAP_SERVERS_CONFIG}.
     *
     * @param servers {@code host:port[,...]}
     * @return this builder
     */
    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS_CONFIG, servers);
    }

    /**
     * Sets {@value TopologyConfig#SCHEMA_REGISTRY_URL_CONFIG}.
     *
     * @param url the registry's Confluent-API base URL
     * @return this builder
     */
    public Builder schemaRegistryUrl(String url) {
      return set(SCHEMA_REGISTRY_URL_CONFIG, url);
    }

    /**
     * Sets {@value TopologyConfig#APPLICATION_ID_CONFIG}.
     *
     * @param applicationId the Kafka Streams application id
     * @return this builder
     */
    public Builder applicationId(String applicationId) {
      return set(APPLICATION_ID_CONFIG, applicationId);
    }

    /**
     * Sets the four topic names.
     *
     * @param topics the topics
     * @return this builder
     */
    public Builder topics(Topics topics) {
      set(EVENTS_TOPIC_CONFIG, topics.events());
      set(RUNS_TOPIC_CONFIG, topics.runs());
      set(USAGE_TOPIC_CONFIG, topics.usage());
      return set(DEAD_LETTER_TOPIC_CONFIG, topics.deadLetter());
    }

    /**
     * Sets {@value TopologyConfig#PRICES_TOPIC_CONFIG}.
     *
     * @param topic the price ledger topic
     * @return this builder
     */
    public Builder pricesTopic(String topic) {
      return set(PRICES_TOPIC_CONFIG, topic);
    }

    /**
     * Sets {@value TopologyConfig#SNAPSHOT_INTERVAL_MS_CONFIG}.
     *
     * @param interval the interval; zero disables progress snapshots
     * @return this builder
     */
    public Builder snapshotInterval(Duration interval) {
      return set(SNAPSHOT_INTERVAL_MS_CONFIG, interval.toMillis());
    }

    /**
     * Sets {@value TopologyConfig#HTTP_HOST_CONFIG}.
     *
     * @param host the bind address
     * @return this builder
     */
    public Builder httpHost(String host) {
      return set(HTTP_HOST_CONFIG, host);
    }

    /**
     * Sets {@value TopologyConfig#HTTP_PORT_CONFIG}.
     *
     * @param port the port, 0 for a free one
     * @return this builder
     */
    public Builder httpPort(int port) {
      return set(HTTP_PORT_CONFIG, port);
    }

    /**
     * Sets {@value TopologyConfig#STATE_DIR_CONFIG}.
     *
     * @param dir the state directory
     * @return this builder
     */
    public Builder stateDir(Path dir) {
      return set(STATE_DIR_CONFIG, dir.toString());
    }

    /**
     * Sets {@value TopologyConfig#COMMIT_INTERVAL_MS_CONFIG}.
     *
     * @param interval the commit interval
     * @return this builder
     */
    public Builder commitInterval(Duration interval) {
      return set(COMMIT_INTERVAL_MS_CONFIG, interval.toMillis());
    }

    /**
     * Sets the usage window size and grace.
     *
     * @param size window size
     * @param grace grace period
     * @return this builder
     */
    public Builder usageWindow(Duration size, Duration grace) {
      set(USAGE_WINDOW_SIZE_MS_CONFIG, size.toMillis());
      return set(USAGE_WINDOW_GRACE_MS_CONFIG, grace.toMillis());
    }

    /**
     * Sets {@value TopologyConfig#USAGE_EMIT_CONFIG}.
     *
     * @param emit when aggregates are published
     * @return this builder
     */
    public Builder usageEmit(UsageEmit emit) {
      return set(USAGE_EMIT_CONFIG, emit.name().toLowerCase(Locale.ROOT));
    }

    /**
     * Validates the values and builds the config.
     *
     * @return the config
     * @throws TopologyConfigException if a value is invalid or a key unknown
     */
    public TopologyConfig build() {
      Map<String, Object> copy = new LinkedHashMap<>(values);
      return isolated
          ? new TopologyConfig(copy, Map.of(), Map.of())
          : new TopologyConfig(copy, System.getenv(), System.getProperties());
    }
  }
}
