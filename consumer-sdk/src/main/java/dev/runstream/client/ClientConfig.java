package dev.runstream.client;

import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.ConfigSources;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Immutable, validated configuration of a {@link RunstreamClient}, declared once with Kafka's
 * {@link ConfigDef}: every key has a constant, a type, a default, a validator and a doc ({@link
 * #configDef()}; {@link #main(String[])} prints the table).
 *
 * <h2>Where values come from</h2>
 *
 * Each key is resolved with {@link ConfigSources}, later layers winning:
 *
 * <ol>
 *   <li>the default, which works against the local cluster ({@code ./runstream demo}) and a
 *       topology on its default port;
 *   <li>an environment variable: {@code RUNSTREAM_} + the key upper-cased, dots as underscores
 *       ({@code RUNSTREAM_QUERY_URL}, {@code RUNSTREAM_CLIENT_BUFFER_SIZE});
 *   <li>a system property: {@code runstream.} + the key ({@code -Drunstream.query.url=...});
 *   <li>the values given to {@link #newBuilder()} or {@link #ClientConfig(Map)}.
 * </ol>
 *
 * <p>{@value #BOOTSTRAP_SERVERS_CONFIG}, {@value #SCHEMA_REGISTRY_URL_CONFIG} and {@value
 * #QUERY_URL_CONFIG} are shared with the other runstream modules, so one environment variable
 * configures them all; the client's own keys start with {@code client.}. The other keys of the
 * registry client ({@code schema.registry.request.timeout.ms}, retries, credentials: see {@link
 * AvroSerdeConfig}) are accepted too. Explicit keys starting with {@value #CONSUMER_PREFIX} go to
 * the client's Kafka consumers with the prefix removed ({@code consumer.fetch.max.bytes}), except
 * the settings the client relies on (deserializers, group, auto commit, isolation level). Any other
 * unknown explicit key is refused, so a typo fails at startup.
 *
 * <p>Every value is validated at construction; a bad value throws {@link ConfigException} naming
 * the key.
 *
 * <pre>{@code
 * ClientConfig config = ClientConfig.newBuilder()
 *     .bootstrapServers("kafka-1:9092,kafka-2:9092")
 *     .schemaRegistryUrl("http://registry:8081")
 *     .queryUrl("http://runstream-topology:8090")
 *     .set(ClientConfig.BUFFER_SIZE_CONFIG, 256)
 *     .build();
 * try (RunstreamClient client = RunstreamClient.create(config)) { ... }
 * }</pre>
 */
public final class ClientConfig extends AbstractConfig {

  /** Prefix of explicit keys handed to the client's Kafka consumers, minus the prefix. */
  public static final String CONSUMER_PREFIX = "consumer.";

  /** Key: Kafka bootstrap servers. Shared with the other runstream modules. */
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";

  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka bootstrap servers, host:port[,host:port...].";

  /** Key: schema registry base URL. Shared with the other runstream modules. */
  public static final String SCHEMA_REGISTRY_URL_CONFIG =
      AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;

  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL of the schema registry (Confluent REST API) that decodes the events' Avro values.";

  /** Key: base URL of the topology's interactive-query HTTP service. */
  public static final String QUERY_URL_CONFIG = "query.url";

  private static final String QUERY_URL_DOC =
      "Base URL of the topology's interactive-query HTTP service (any instance; it routes to the"
          + " owner): GET {url}/workflows/{id} gives the materialized view of a workflow, which is"
          + " the replay index (partition and offset of its first event) and the answer of text()"
          + " and result() for finished workflows. Several URLs, comma-separated, are tried in"
          + " order. Empty disables the view: replay then always uses the time search, and text()"
          + " and result() replay the events.";

  /** Key: timeout of one request to the query service. */
  public static final String QUERY_TIMEOUT_MS_CONFIG = "client.query.timeout.ms";

  private static final String QUERY_TIMEOUT_MS_DOC =
      "Timeout of one HTTP request to the query service, connecting included. When it elapses"
          + " the view counts as unavailable and the client falls back to the events.";

  /** Key: the topic of agent events. */
  public static final String TOPIC_CONFIG = "client.topic";

  private static final String TOPIC_DOC =
      "The topic of AgentEvent records, keyed by root workflow id with the default partitioner.";

  /** Key: the control topic cancel requests are published to. */
  public static final String CONTROL_TOPIC_CONFIG = "client.control.topic";

  private static final String CONTROL_TOPIC_DOC =
      "The control topic RunstreamClient#cancel publishes ControlCommand records to, keyed by root"
          + " workflow id; workers' publishers observe it. The principal needs WRITE and DESCRIBE"
          + " on it.";

  /** Key: prefix of the Kafka client ids. */
  public static final String CLIENT_ID_CONFIG = "client.id";

  private static final String CLIENT_ID_DOC =
      "Prefix of the client.id of the client's Kafka consumers (suffixed with their role and"
          + " partition), as seen in broker logs and quotas.";

  /** Key: bound of metadata and offset requests. */
  public static final String BROKER_TIMEOUT_MS_CONFIG = "client.broker.timeout.ms";

  private static final String BROKER_TIMEOUT_MS_DOC =
      "How long opening a stream waits for the broker to answer a metadata or offset request"
          + " (partition count, log start and end, offsets by time) before the stream fails with"
          + " BrokerUnavailableException. Open streams are not bounded by it: they wait for the"
          + " broker (see client.idle.timeout.ms).";

  /** Key: default per-subscriber buffer size. */
  public static final String BUFFER_SIZE_CONFIG = "client.buffer.size";

  private static final String BUFFER_SIZE_DOC =
      "Default number of events that may wait for one subscriber (StreamOptions.bufferSize). A"
          + " live subscriber that is that far behind meets the overflow policy; the shared reader"
          + " never waits for it.";

  /** Key: default overflow policy. */
  public static final String OVERFLOW_POLICY_CONFIG = "client.overflow.policy";

  private static final String OVERFLOW_POLICY_DOC =
      "Default OverflowPolicy of live subscribers whose buffer is full: FAIL ends the stream with"
          + " SubscriberOverflowException after the buffered events, so the caller can resume from"
          + " the last sequence; RESUME re-reads from the topic by itself once the buffer is"
          + " drained.";

  /** Key: default gap policy. */
  public static final String GAP_POLICY_CONFIG = "client.gap.policy";

  private static final String GAP_POLICY_DOC =
      "Default GapPolicy when sequences are missing: REPORT passes a GapDetectedException to the"
          + " stream's onGap callback and goes on; FAIL ends the stream with it.";

  /** Key: how long a missing sequence is waited for. */
  public static final String GAP_WAIT_MS_CONFIG = "client.gap.wait.ms";

  private static final String GAP_WAIT_MS_DOC =
      "How long an event that arrived ahead of a missing sequence is held back, in case the"
          + " missing one arrives late, before the gap is reported and the event delivered. Events"
          + " are also released when a subscriber's buffer-size worth are held.";

  /** Key: default idle timeout. */
  public static final String IDLE_TIMEOUT_MS_CONFIG = "client.idle.timeout.ms";

  private static final String IDLE_TIMEOUT_MS_DOC =
      "Default idle timeout of streams: a stream with no event for this long fails with"
          + " StreamTimeoutException (retriable: resume). 0 waits forever, through broker outages.";

  /** Key: default start timeout. */
  public static final String START_TIMEOUT_MS_CONFIG = "client.start.timeout.ms";

  private static final String START_TIMEOUT_MS_DOC =
      "How long replay, resume, text() and result() of a workflow found nowhere (not in the view,"
          + " not in the searched part of the topic) wait for its first event before failing with"
          + " UnknownWorkflowException. 0 fails at once.";

  /** Key: first window of the time search. */
  public static final String REPLAY_LOOKBACK_INITIAL_MS_CONFIG =
      "client.replay.lookback.initial.ms";

  private static final String REPLAY_LOOKBACK_INITIAL_MS_DOC =
      "When the view cannot give the replay index, the start of a workflow is searched backwards"
          + " in time windows found with offsetsForTimes: the first covers this long before now"
          + " (or around StreamOptions.startTimeHint), each next one twice as long, reading record"
          + " headers only.";

  /** Key: bound of the time search. */
  public static final String REPLAY_LOOKBACK_MAX_MS_CONFIG = "client.replay.lookback.max.ms";

  private static final String REPLAY_LOOKBACK_MAX_MS_DOC =
      "How far back the time search goes at most. A workflow that started earlier, with the view"
          + " unavailable, needs StreamOptions.startTimeHint. The partition is never read from its"
          + " beginning unless it is younger than this.";

  /** Key: push delivery threads. */
  public static final String DELIVERY_THREADS_CONFIG = "client.delivery.threads";

  private static final String DELIVERY_THREADS_DOC =
      "Threads that call Flow.Subscriber methods and forEachAsync actions, shared by all push"
          + " subscribers of the client. Subscribers must not block in them (or bring their own"
          + " executor in StreamOptions).";

  private static final Set<String> RESERVED_CONSUMER_KEYS =
      Set.of(
          "key.deserializer",
          "value.deserializer",
          "group.id",
          "group.instance.id",
          "enable.auto.commit",
          "isolation.level",
          "bootstrap.servers",
          "client.id");

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
              QUERY_URL_CONFIG,
              Type.LIST,
              "http://127.0.0.1:8090",
              ConfigSources.httpUrlList(false),
              Importance.HIGH,
              QUERY_URL_DOC)
          .define(
              QUERY_TIMEOUT_MS_CONFIG,
              Type.INT,
              2_000,
              Range.between(1, 600_000),
              Importance.MEDIUM,
              QUERY_TIMEOUT_MS_DOC)
          .define(
              TOPIC_CONFIG,
              Type.STRING,
              "agent-events",
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.HIGH,
              TOPIC_DOC)
          .define(
              CONTROL_TOPIC_CONFIG,
              Type.STRING,
              "agent-control",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              CONTROL_TOPIC_DOC)
          .define(
              CLIENT_ID_CONFIG,
              Type.STRING,
              "runstream-client",
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.LOW,
              CLIENT_ID_DOC)
          .define(
              BROKER_TIMEOUT_MS_CONFIG,
              Type.INT,
              15_000,
              Range.between(100, 600_000),
              Importance.MEDIUM,
              BROKER_TIMEOUT_MS_DOC)
          .define(
              BUFFER_SIZE_CONFIG,
              Type.INT,
              1_024,
              Range.between(1, 1_000_000),
              Importance.MEDIUM,
              BUFFER_SIZE_DOC)
          .define(
              OVERFLOW_POLICY_CONFIG,
              Type.STRING,
              OverflowPolicy.FAIL.name(),
              enumValidator(OverflowPolicy.class),
              Importance.MEDIUM,
              OVERFLOW_POLICY_DOC)
          .define(
              GAP_POLICY_CONFIG,
              Type.STRING,
              GapPolicy.REPORT.name(),
              enumValidator(GapPolicy.class),
              Importance.MEDIUM,
              GAP_POLICY_DOC)
          .define(
              GAP_WAIT_MS_CONFIG,
              Type.LONG,
              250L,
              Range.between(0L, 600_000L),
              Importance.LOW,
              GAP_WAIT_MS_DOC)
          .define(
              IDLE_TIMEOUT_MS_CONFIG,
              Type.LONG,
              0L,
              Range.between(0L, 365L * 24 * 3_600_000),
              Importance.MEDIUM,
              IDLE_TIMEOUT_MS_DOC)
          .define(
              START_TIMEOUT_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.between(0L, 24L * 3_600_000),
              Importance.MEDIUM,
              START_TIMEOUT_MS_DOC)
          .define(
              REPLAY_LOOKBACK_INITIAL_MS_CONFIG,
              Type.LONG,
              60_000L,
              Range.between(1L, 365L * 24 * 3_600_000),
              Importance.LOW,
              REPLAY_LOOKBACK_INITIAL_MS_DOC)
          .define(
              REPLAY_LOOKBACK_MAX_MS_CONFIG,
              Type.LONG,
              6L * 3_600_000,
              Range.between(1L, 365L * 24 * 3_600_000),
              Importance.MEDIUM,
              REPLAY_LOOKBACK_MAX_MS_DOC)
          .define(
              DELIVERY_THREADS_CONFIG,
              Type.INT,
              2,
              Range.between(1, 256),
              Importance.LOW,
              DELIVERY_THREADS_DOC);

  private final Map<String, Object> consumerOverrides;

  /**
   * Defaults, overridden by environment variables, system properties, then {@code explicit}.
   *
   * @param explicit values by key; {@code consumer.}-prefixed keys and the registry client's keys
   *     are allowed besides the declared ones
   * @throws ConfigException naming the key, for an invalid value or an unknown key
   */
  public ClientConfig(Map<String, ?> explicit) {
    this(explicit, System.getenv(), System.getProperties());
  }

  /**
   * As {@link #ClientConfig(Map)}, with the environment and system properties given, for tests.
   *
   * @param explicit values by key
   * @param env the environment variables to read
   * @param systemProperties the system properties to read
   */
  public ClientConfig(
      Map<String, ?> explicit, Map<String, String> env, Map<?, ?> systemProperties) {
    super(CONFIG, checkKeys(explicit, env, systemProperties), false);
    if (getLong(REPLAY_LOOKBACK_MAX_MS_CONFIG) < getLong(REPLAY_LOOKBACK_INITIAL_MS_CONFIG)) {
      throw new ConfigException(
          REPLAY_LOOKBACK_MAX_MS_CONFIG,
          getLong(REPLAY_LOOKBACK_MAX_MS_CONFIG),
          "must be at least " + REPLAY_LOOKBACK_INITIAL_MS_CONFIG);
    }
    ClientSecurityConfigs.validate(values());
    Map<String, Object> consumer = new TreeMap<>();
    explicit.forEach(
        (key, value) -> {
          if (key.startsWith(CONSUMER_PREFIX)) {
            consumer.put(key.substring(CONSUMER_PREFIX.length()), value);
          }
        });
    this.consumerOverrides = Map.copyOf(consumer);
  }

  private static Map<String, Object> checkKeys(
      Map<String, ?> explicit, Map<String, String> env, Map<?, ?> systemProperties) {
    Objects.requireNonNull(explicit, "explicit");
    Set<String> serdeKeys = AvroSerdeConfig.configDef().names();
    for (Map.Entry<String, ?> entry : explicit.entrySet()) {
      String key = entry.getKey();
      if (entry.getValue() == null) {
        throw new ConfigException(key, null, "must not be null");
      }
      if (key.startsWith(CONSUMER_PREFIX)) {
        String consumerKey = key.substring(CONSUMER_PREFIX.length());
        if (RESERVED_CONSUMER_KEYS.contains(consumerKey)) {
          throw new ConfigException(
              key, entry.getValue(), "is set by the client and cannot be overridden");
        }
      } else if (!CONFIG.names().contains(key) && !serdeKeys.contains(key)) {
        throw new ConfigException(key, entry.getValue(), "is not a runstream client setting");
      }
    }
    return TenantConfigs.prefixDefaults(
        CONFIG,
        ConfigSources.resolve(CONFIG, explicit, env, systemProperties),
        List.of(TOPIC_CONFIG, CONTROL_TOPIC_CONFIG));
  }

  /**
   * Defaults overridden by environment variables and system properties only.
   *
   * @return the configuration
   * @throws ConfigException for an invalid value in the environment
   */
  public static ClientConfig fromEnvironment() {
    return new ClientConfig(Map.of());
  }

  /** A builder of explicit values; unset keys come from the environment or the defaults. */
  public static Builder newBuilder() {
    return new Builder();
  }

  /** A copy of the definition of every key, with its type, default, validator and doc. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /** {@value #BOOTSTRAP_SERVERS_CONFIG}. */
  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG);
  }

  /** {@value #SCHEMA_REGISTRY_URL_CONFIG}. */
  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL_CONFIG);
  }

  /** The query service URLs without trailing slashes; empty when the view is disabled. */
  public List<String> queryUrls() {
    return getList(QUERY_URL_CONFIG).stream()
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
        .toList();
  }

  /** {@value #QUERY_TIMEOUT_MS_CONFIG}. */
  public Duration queryTimeout() {
    return Duration.ofMillis(getInt(QUERY_TIMEOUT_MS_CONFIG));
  }

  /** {@value #TOPIC_CONFIG}. */
  public String topic() {
    return getString(TOPIC_CONFIG);
  }

  /** {@value #CONTROL_TOPIC_CONFIG}. */
  public String controlTopic() {
    return getString(CONTROL_TOPIC_CONFIG);
  }

  /** {@value #CLIENT_ID_CONFIG}. */
  public String clientId() {
    return getString(CLIENT_ID_CONFIG);
  }

  /** {@value #BROKER_TIMEOUT_MS_CONFIG}. */
  public Duration brokerTimeout() {
    return Duration.ofMillis(getInt(BROKER_TIMEOUT_MS_CONFIG));
  }

  /** {@value #BUFFER_SIZE_CONFIG}. */
  public int bufferSize() {
    return getInt(BUFFER_SIZE_CONFIG);
  }

  /** {@value #OVERFLOW_POLICY_CONFIG}. */
  public OverflowPolicy overflowPolicy() {
    return OverflowPolicy.valueOf(getString(OVERFLOW_POLICY_CONFIG).toUpperCase(Locale.ROOT));
  }

  /** {@value #GAP_POLICY_CONFIG}. */
  public GapPolicy gapPolicy() {
    return GapPolicy.valueOf(getString(GAP_POLICY_CONFIG).toUpperCase(Locale.ROOT));
  }

  /** {@value #GAP_WAIT_MS_CONFIG}. */
  public Duration gapWait() {
    return Duration.ofMillis(getLong(GAP_WAIT_MS_CONFIG));
  }

  /** {@value #IDLE_TIMEOUT_MS_CONFIG}; zero is none. */
  public Duration idleTimeout() {
    return Duration.ofMillis(getLong(IDLE_TIMEOUT_MS_CONFIG));
  }

  /** {@value #START_TIMEOUT_MS_CONFIG}. */
  public Duration startTimeout() {
    return Duration.ofMillis(getLong(START_TIMEOUT_MS_CONFIG));
  }

  /** {@value #REPLAY_LOOKBACK_INITIAL_MS_CONFIG}. */
  public Duration replayLookbackInitial() {
    return Duration.ofMillis(getLong(REPLAY_LOOKBACK_INITIAL_MS_CONFIG));
  }

  /** {@value #REPLAY_LOOKBACK_MAX_MS_CONFIG}. */
  public Duration replayLookbackMax() {
    return Duration.ofMillis(getLong(REPLAY_LOOKBACK_MAX_MS_CONFIG));
  }

  /** {@value #DELIVERY_THREADS_CONFIG}. */
  public int deliveryThreads() {
    return getInt(DELIVERY_THREADS_CONFIG);
  }

  /**
   * The Kafka security settings ({@code security.protocol}, SASL, TLS; see {@link
   * ClientSecurityConfigs}) that every consumer of this client uses.
   *
   * @return the settings, with {@code sasl.username} and {@code sasl.password} as {@code
   *     sasl.jaas.config}
   */
  public Map<String, Object> securityProperties() {
    return ClientSecurityConfigs.clientProperties(values());
  }

  /**
   * The query service's token ({@value QueryServiceToken#QUERY_TOKEN_CONFIG}), sent with every view
   * lookup.
   *
   * @return the token, or {@code null} for an open query service
   */
  public Password queryToken() {
    return getPassword(QueryServiceToken.QUERY_TOKEN_CONFIG);
  }

  /**
   * The tenant ({@value TenantConfigs#TENANT_ID_CONFIG}); when set, the topic defaults to {@code
   * <tenant>.agent-events}.
   *
   * @return the tenant, or empty
   */
  public String tenantId() {
    return getString(TenantConfigs.TENANT_ID_CONFIG).trim();
  }

  /** The {@value #CONSUMER_PREFIX} overrides, with the prefix removed. */
  public Map<String, Object> consumerOverrides() {
    return consumerOverrides;
  }

  /**
   * The registry client's configuration: {@value #SCHEMA_REGISTRY_URL_CONFIG} from here, its other
   * keys from the explicit values, the environment and system properties.
   */
  public AvroSerdeConfig serdeConfig() {
    Map<String, Object> serde = new HashMap<>();
    Set<String> serdeKeys = AvroSerdeConfig.configDef().names();
    originals()
        .forEach(
            (key, value) -> {
              if (serdeKeys.contains(key)) {
                serde.put(key, value);
              }
            });
    serde.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
    return new AvroSerdeConfig(serde);
  }

  /** The resolved value of every declared key, by key, sorted (passwords are not declared). */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    new TreeMap<>(values()).forEach(out::put);
    return out;
  }

  @Override
  public String toString() {
    return "ClientConfig" + toMap();
  }

  private static ConfigDef.Validator enumValidator(Class<? extends Enum<?>> type) {
    String[] names = Arrays.stream(type.getEnumConstants()).map(Enum::name).toArray(String[]::new);
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        String text = value == null ? "" : value.toString().toUpperCase(Locale.ROOT);
        if (!Arrays.asList(names).contains(text)) {
          throw new ConfigException(name, value, "must be one of " + Arrays.toString(names));
        }
      }

      @Override
      public String toString() {
        return String.join(", ", names);
      }
    };
  }

  /** Prints the documentation table of every key, as Kafka does for its own configs. */
  public static void main(String[] args) {
    System.out.println(CONFIG.toRst());
  }

  /** Collects explicit values; {@link #build()} validates them. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    /** Sets {@value ClientConfig#BOOTSTRAP_SERVERS_CONFIG}. */
    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS_CONFIG, servers);
    }

    /** Sets {@value ClientConfig#SCHEMA_REGISTRY_URL_CONFIG}. */
    public Builder schemaRegistryUrl(String url) {
      return set(SCHEMA_REGISTRY_URL_CONFIG, url);
    }

    /** Sets {@value ClientConfig#QUERY_URL_CONFIG}; an empty string disables the view. */
    public Builder queryUrl(String url) {
      return set(QUERY_URL_CONFIG, url);
    }

    /** Disables the materialized view: replay uses the time search, text() replays. */
    public Builder withoutView() {
      return set(QUERY_URL_CONFIG, "");
    }

    /** Sets {@value ClientConfig#TOPIC_CONFIG}. */
    public Builder topic(String topic) {
      return set(TOPIC_CONFIG, topic);
    }

    /** Sets {@value ClientConfig#BROKER_TIMEOUT_MS_CONFIG}. */
    public Builder brokerTimeout(Duration timeout) {
      return set(BROKER_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Sets any key: a declared one, a registry client key, or {@code consumer.}-prefixed.
     *
     * @param key the key
     * @param value its value, as the type or as a string
     * @return this builder
     */
    public Builder set(String key, Object value) {
      values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, key));
      return this;
    }

    /**
     * Validates and builds.
     *
     * @return the configuration
     * @throws ConfigException naming the key, for an invalid value or an unknown key
     */
    public ClientConfig build() {
      return new ClientConfig(values);
    }
  }
}
