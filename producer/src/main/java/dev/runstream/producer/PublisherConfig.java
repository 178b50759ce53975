package dev.runstream.producer;

import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.ConfigSources;
import dev.runstream.schemas.TenantConfigs;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The immutable, validated configuration of an {@link AgentEventPublisher}.
 *
 * <p>Every key is declared once in a Kafka {@link ConfigDef} (type, default, validator, doc; see
 * {@link #configDef()}, or run this class's {@code main} for the table). The defaults work against
 * the local cluster ({@code ./runstream demo}). Values are resolved, lowest precedence first, from
 * the defaults, environment variables ({@code RUNSTREAM_} + the key upper-cased, dots as
 * underscores: {@code RUNSTREAM_BOOTSTRAP_SERVERS}, {@code
 * RUNSTREAM_PUBLISHER_COALESCE_WINDOW_MS}), system properties ({@code -Drunstream.linger.ms=10})
 * and finally the values set on the builder. An invalid value fails {@link Builder#build()} with a
 * {@link ConfigException} naming the key.
 *
 * <p>Kafka client keys keep Kafka's names. Delivery guarantees are fixed and cannot be configured
 * away: {@code acks=all}, {@code enable.idempotence=true}, {@code max.in.flight.requests.per
 * .connection=5} (ordered and without duplicates per partition), the default partitioner on the
 * record key (the root workflow id).
 *
 * <pre>{@code
 * PublisherConfig config = PublisherConfig.newBuilder()
 *     .bootstrapServers("kafka-1:9092,kafka-2:9092")
 *     .schemaRegistryUrl("http://registry:8081")
 *     .coalesceWindow(Duration.ofMillis(20))
 *     .prices("gpt-4o-mini:0.15:0.60,claude-sonnet:3:15")
 *     .build();
 * }</pre>
 */
public final class PublisherConfig {

  /** Kafka bootstrap servers. */
  public static final String BOOTSTRAP_SERVERS_CONFIG = ProducerConfig.BOOTSTRAP_SERVERS_CONFIG;

  /** Default of {@link #BOOTSTRAP_SERVERS_CONFIG}: the local cluster. */
  public static final String BOOTSTRAP_SERVERS_DEFAULT = "127.0.0.1:9092";

  /** Schema registry URL (Confluent REST API). */
  public static final String SCHEMA_REGISTRY_URL_CONFIG =
      AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG;

  /** Default of {@link #SCHEMA_REGISTRY_URL_CONFIG}: the local cluster's Apicurio registry. */
  public static final String SCHEMA_REGISTRY_URL_DEFAULT =
      AvroSerdeConfig.SCHEMA_REGISTRY_URL_DEFAULT;

  /** The control topic the publisher observes cancel requests on. */
  public static final String CONTROL_TOPIC_CONFIG = "publisher.control.topic";

  /** Default of {@link #CONTROL_TOPIC_CONFIG}. */
  public static final String CONTROL_TOPIC_DEFAULT = "agent-control";

  /** Whether the publisher observes the control topic at all. */
  public static final String CONTROL_ENABLED_CONFIG = "publisher.control.enabled";

  /** The topic events are published to. */
  public static final String TOPIC_CONFIG = "publisher.topic";

  /** Default of {@link #TOPIC_CONFIG}. */
  public static final String TOPIC_DEFAULT = "agent-events";

  /** The price ledger topic that {@link PriceLedger} writes and reads. */
  public static final String PRICES_TOPIC_CONFIG = "publisher.prices.topic";

  /** Default of {@link #PRICES_TOPIC_CONFIG}. */
  public static final String PRICES_TOPIC_DEFAULT = "model-prices";

  /** Kafka {@code linger.ms}. */
  public static final String LINGER_MS_CONFIG = ProducerConfig.LINGER_MS_CONFIG;

  /** Kafka {@code batch.size}. */
  public static final String BATCH_SIZE_CONFIG = ProducerConfig.BATCH_SIZE_CONFIG;

  /** Kafka {@code compression.type}. */
  public static final String COMPRESSION_TYPE_CONFIG = ProducerConfig.COMPRESSION_TYPE_CONFIG;

  /** Kafka {@code buffer.memory}. */
  public static final String BUFFER_MEMORY_CONFIG = ProducerConfig.BUFFER_MEMORY_CONFIG;

  /** Kafka {@code max.block.ms}: the bound of every synchronous wait. */
  public static final String MAX_BLOCK_MS_CONFIG = ProducerConfig.MAX_BLOCK_MS_CONFIG;

  /** Kafka {@code request.timeout.ms}. */
  public static final String REQUEST_TIMEOUT_MS_CONFIG = ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG;

  /** Kafka {@code delivery.timeout.ms}: the bound of an accepted event's delivery. */
  public static final String DELIVERY_TIMEOUT_MS_CONFIG = ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG;

  /** Kafka {@code client.id}. */
  public static final String CLIENT_ID_CONFIG = ProducerConfig.CLIENT_ID_CONFIG;

  /** Text-delta coalescing window in ms; 0 turns coalescing off. */
  public static final String COALESCE_WINDOW_MS_CONFIG = "publisher.coalesce.window.ms";

  /** The most characters one coalesced text delta holds before it is sent early. */
  public static final String COALESCE_MAX_CHARS_CONFIG = "publisher.coalesce.max.chars";

  /** The model price table, {@code model:inputPerMillion:outputPerMillion,...}. */
  public static final String PRICES_CONFIG = "publisher.prices";

  /**
   * Prefix of extra Kafka producer properties given on the builder ({@code kafka.send.buffer
   * .bytes}); the delivery guarantees cannot be overridden this way.
   */
  public static final String KAFKA_PREFIX = "kafka.";

  private static final Set<String> FIXED_KAFKA_KEYS =
      Set.of(
          ProducerConfig.ACKS_CONFIG,
          ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
          ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION,
          ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
          ProducerConfig.PARTITIONER_CLASS_CONFIG,
          ProducerConfig.TRANSACTIONAL_ID_CONFIG,
          ProducerConfig.RETRIES_CONFIG);

  private static final ConfigDef CONFIG =
      TenantConfigs.define(ClientSecurityConfigs.define(new ConfigDef()))
          .define(
              BOOTSTRAP_SERVERS_CONFIG,
              Type.LIST,
              BOOTSTRAP_SERVERS_DEFAULT,
              ConfigDef.ValidList.anyNonDuplicateValues(false, false),
              Importance.HIGH,
              "Kafka brokers to bootstrap from, host:port, comma-separated.")
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.STRING,
              SCHEMA_REGISTRY_URL_DEFAULT,
              ConfigSources.httpUrl(),
              Importance.HIGH,
              "Base URL of a registry that speaks the Confluent Schema Registry REST API. The"
                  + " publisher registers the AgentEvent schema under <topic>-value once, when it"
                  + " is created, and never calls the registry again.")
          .define(
              TOPIC_CONFIG,
              Type.STRING,
              TOPIC_DEFAULT,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.HIGH,
              "The topic agent events are published to. It must exist: the publisher checks it"
                  + " at creation.")
          .define(
              CONTROL_TOPIC_CONFIG,
              Type.STRING,
              CONTROL_TOPIC_DEFAULT,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.MEDIUM,
              "The control topic (ControlCommand records keyed by root workflow id) whose cancel"
                  + " requests the publisher hands to its runs (AgentRun#cancellation). It reads"
                  + " it with an assigned consumer, no group, from the end at creation; the"
                  + " principal needs READ and DESCRIBE on it. If it is missing or not readable the"
                  + " publisher logs a warning and publishes as usual, without cancellation.")
          .define(
              CONTROL_ENABLED_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.LOW,
              "Whether the publisher observes the control topic. false: no consumer, and runs"
                  + " never see cancel requests.")
          .define(
              PRICES_TOPIC_CONFIG,
              Type.STRING,
              PRICES_TOPIC_DEFAULT,
              new ConfigDef.NonEmptyStringWithoutControlChars(),
              Importance.LOW,
              "The compacted price ledger topic (PriceLedger publishes and lists price versions"
                  + " there; the topology prices usage from it).")
          .define(
              LINGER_MS_CONFIG,
              Type.LONG,
              5L,
              Range.between(0, 60_000),
              Importance.MEDIUM,
              "How long the Kafka client waits for more events to fill a batch. A few ms cost"
                  + " that much latency and multiply throughput.")
          .define(
              BATCH_SIZE_CONFIG,
              Type.INT,
              65_536,
              Range.between(1, 16 * 1024 * 1024),
              Importance.MEDIUM,
              "Upper size in bytes of one partition's batch.")
          .define(
              COMPRESSION_TYPE_CONFIG,
              Type.STRING,
              "lz4",
              ValidString.in("none", "gzip", "snappy", "lz4", "zstd"),
              Importance.MEDIUM,
              "Batch compression: none, gzip, snappy, lz4 or zstd. lz4 is cheap on CPU and"
                  + " compresses the envelope fields that repeat within a batch well.")
          .define(
              BUFFER_MEMORY_CONFIG,
              Type.LONG,
              32L * 1024 * 1024,
              Range.between(1024, Integer.MAX_VALUE),
              Importance.MEDIUM,
              "Bytes of events the client buffers before the broker acknowledges them. When it"
                  + " is full, publishing blocks for up to max.block.ms, then fails with"
                  + " BackpressureException.")
          .define(
              MAX_BLOCK_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.between(0, 600_000),
              Importance.MEDIUM,
              "The longest a publishing call blocks: waiting for buffer space (then"
                  + " BackpressureException) or for the topic's metadata (then"
                  + " BrokerUnavailableException). Also bounds the broker check at creation.")
          .define(
              REQUEST_TIMEOUT_MS_CONFIG,
              Type.INT,
              15_000,
              Range.between(1, 600_000),
              Importance.LOW,
              "How long the client waits for the broker to answer one produce request before it"
                  + " retries.")
          .define(
              DELIVERY_TIMEOUT_MS_CONFIG,
              Type.INT,
              30_000,
              Range.between(1, Integer.MAX_VALUE),
              Importance.MEDIUM,
              "The longest an accepted event may take to be acknowledged, retries included;"
                  + " then its future fails with BrokerUnavailableException and its run is"
                  + " aborted. At least linger.ms + request.timeout.ms.")
          .define(
              CLIENT_ID_CONFIG,
              Type.STRING,
              "runstream-publisher",
              Importance.LOW,
              "Kafka client id, for broker logs, quotas and metrics.")
          .define(
              COALESCE_WINDOW_MS_CONFIG,
              Type.LONG,
              0L,
              Range.between(0, 60_000),
              Importance.MEDIUM,
              "Text-delta coalescing: the deltas of a step emitted within this many ms of the"
                  + " first are merged into one text_delta event with exactly the same text. 0"
                  + " (the default) publishes every delta as its own event. Any other event of"
                  + " the workflow, flush() and close() send the pending text first.")
          .define(
              COALESCE_MAX_CHARS_CONFIG,
              Type.INT,
              16_384,
              Range.between(1, 1 << 20),
              Importance.LOW,
              "A coalesced text delta is sent early once it holds this many characters.")
          .define(
              PRICES_CONFIG,
              Type.LIST,
              "",
              new PriceListValidator(),
              Importance.MEDIUM,
              "Model prices for computing costs, in USD per million tokens:"
                  + " model:inputPrice:outputPrice, comma-separated (e.g."
                  + " gpt-4o-mini:0.15:0.60,claude-sonnet:3:15). At most 6 decimal places, so"
                  + " costs are exact at scale 12. Optional: when empty, a usage without a cost is"
                  + " published with cost 0 and the topology prices it from the price ledger"
                  + " (publisher.prices.topic). When not empty, a usage without a cost for a"
                  + " model not listed here is refused (a typo guard).");

  private final Map<String, Object> originals;
  private final List<String> bootstrapServers;
  private final Map<String, Object> security;
  private final Optional<String> tenantId;
  private final String schemaRegistryUrl;
  private final String topic;
  private final String controlTopic;
  private final boolean controlEnabled;
  private final String pricesTopic;
  private final long lingerMs;
  private final int batchSize;
  private final String compressionType;
  private final long bufferMemory;
  private final long maxBlockMs;
  private final int requestTimeoutMs;
  private final int deliveryTimeoutMs;
  private final String clientId;
  private final long coalesceWindowMs;
  private final int coalesceMaxChars;
  private final PriceTable prices;
  private final Map<String, Object> extraKafka;
  private final Map<String, Object> registryOverrides;

  private PublisherConfig(Map<String, Object> explicit) {
    Map<String, Object> known = new LinkedHashMap<>();
    Map<String, Object> extra = new LinkedHashMap<>();
    Map<String, Object> registry = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : explicit.entrySet()) {
      String key = entry.getKey();
      if (key.startsWith(KAFKA_PREFIX)) {
        String kafkaKey = key.substring(KAFKA_PREFIX.length());
        if (FIXED_KAFKA_KEYS.contains(kafkaKey) || CONFIG.names().contains(kafkaKey)) {
          throw new ConfigException(
              key,
              entry.getValue(),
              FIXED_KAFKA_KEYS.contains(kafkaKey)
                  ? "is fixed by the publisher's delivery guarantees"
                  : "is a publisher key; set " + kafkaKey + " instead");
        }
        extra.put(kafkaKey, entry.getValue());
      } else if (key.startsWith("schema.registry.") && !CONFIG.names().contains(key)) {
        registry.put(key, entry.getValue());
      } else if (CONFIG.names().contains(key)) {
        known.put(key, entry.getValue());
      } else {
        throw new ConfigException(key, entry.getValue(), "is not a publisher configuration key");
      }
    }
    AbstractConfig parsed =
        new AbstractConfig(
            CONFIG,
            TenantConfigs.prefixDefaults(
                CONFIG,
                ConfigSources.resolve(CONFIG, known),
                List.of(TOPIC_CONFIG, CONTROL_TOPIC_CONFIG, PRICES_TOPIC_CONFIG)),
            false);
    ClientSecurityConfigs.validate(parsed.values());
    this.security = ClientSecurityConfigs.clientProperties(parsed.values());
    String tenant = parsed.getString(TenantConfigs.TENANT_ID_CONFIG).trim();
    this.tenantId = tenant.isEmpty() ? Optional.empty() : Optional.of(tenant);
    this.originals = Map.copyOf(explicit);
    this.bootstrapServers = List.copyOf(parsed.getList(BOOTSTRAP_SERVERS_CONFIG));
    if (bootstrapServers.isEmpty()) {
      throw new ConfigException(BOOTSTRAP_SERVERS_CONFIG, "", "must name at least one broker");
    }
    String url = parsed.getString(SCHEMA_REGISTRY_URL_CONFIG);
    this.schemaRegistryUrl = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.topic = parsed.getString(TOPIC_CONFIG);
    this.controlTopic = parsed.getString(CONTROL_TOPIC_CONFIG);
    this.controlEnabled = parsed.getBoolean(CONTROL_ENABLED_CONFIG);
    this.pricesTopic = parsed.getString(PRICES_TOPIC_CONFIG);
    this.lingerMs = parsed.getLong(LINGER_MS_CONFIG);
    this.batchSize = parsed.getInt(BATCH_SIZE_CONFIG);
    this.compressionType = parsed.getString(COMPRESSION_TYPE_CONFIG).toLowerCase(Locale.ROOT);
    this.bufferMemory = parsed.getLong(BUFFER_MEMORY_CONFIG);
    this.maxBlockMs = parsed.getLong(MAX_BLOCK_MS_CONFIG);
    this.requestTimeoutMs = parsed.getInt(REQUEST_TIMEOUT_MS_CONFIG);
    this.deliveryTimeoutMs = parsed.getInt(DELIVERY_TIMEOUT_MS_CONFIG);
    this.clientId = parsed.getString(CLIENT_ID_CONFIG);
    this.coalesceWindowMs = parsed.getLong(COALESCE_WINDOW_MS_CONFIG);
    this.coalesceMaxChars = parsed.getInt(COALESCE_MAX_CHARS_CONFIG);
    this.prices = PriceTable.parse(parsed.getList(PRICES_CONFIG));
    this.extraKafka = Map.copyOf(extra);
    this.registryOverrides = Map.copyOf(registry);
    if (deliveryTimeoutMs < lingerMs + requestTimeoutMs) {
      throw new ConfigException(
          DELIVERY_TIMEOUT_MS_CONFIG,
          deliveryTimeoutMs,
          "must be at least "
              + LINGER_MS_CONFIG
              + " + "
              + REQUEST_TIMEOUT_MS_CONFIG
              + " = "
              + (lingerMs + requestTimeoutMs));
    }
    if (batchSize > bufferMemory) {
      throw new ConfigException(
          BATCH_SIZE_CONFIG, batchSize, "must not exceed " + BUFFER_MEMORY_CONFIG);
    }
  }

  /**
   * A builder: defaults, overridden by environment variables, system properties, then the values
   * set on it.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder(Map.of());
  }

  /**
   * The configuration from defaults, environment variables and system properties only.
   *
   * @return the configuration
   * @throws ConfigException if the environment holds an invalid value
   */
  public static PublisherConfig fromEnvironment() {
    return newBuilder().build();
  }

  /**
   * The configuration from a map of keys to values (strings or typed values), over the environment.
   *
   * @param values keys of {@link #configDef()}, {@code schema.registry.*} client keys of {@link
   *     AvroSerdeConfig}, or {@code kafka.}-prefixed producer properties
   * @return the configuration
   * @throws ConfigException naming the first invalid or unknown key
   */
  public static PublisherConfig fromMap(Map<String, ?> values) {
    return new Builder(values).build();
  }

  /**
   * A builder initialised with the values explicitly set on this configuration.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    return new Builder(originals);
  }

  /**
   * The definition of every key, with types, defaults, validators and docs.
   *
   * @return a copy of the definition
   */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /**
   * The tenant ({@value TenantConfigs#TENANT_ID_CONFIG}): when set, the topic defaults to {@code
   * <tenant>.agent-events}, runs without a tenant are stamped with it and runs of another tenant
   * are refused.
   *
   * @return the tenant, or empty
   */
  public Optional<String> tenantId() {
    return tenantId;
  }

  /**
   * Bootstrap servers.
   *
   * @return {@code host:port} entries
   */
  public List<String> bootstrapServers() {
    return bootstrapServers;
  }

  /**
   * The schema registry base URL, without a trailing slash.
   *
   * @return the URL
   */
  public String schemaRegistryUrl() {
    return schemaRegistryUrl;
  }

  /**
   * The price ledger topic ({@value #PRICES_TOPIC_CONFIG}).
   *
   * @return the topic name, {@code model-prices} (tenant-prefixed) by default
   */
  public String pricesTopic() {
    return pricesTopic;
  }

  /**
   * The topic.
   *
   * @return the topic name
   */
  public String topic() {
    return topic;
  }

  /**
   * {@code linger.ms}.
   *
   * @return the linger
   */
  public Duration linger() {
    return Duration.ofMillis(lingerMs);
  }

  /**
   * {@code batch.size}.
   *
   * @return bytes
   */
  public int batchSize() {
    return batchSize;
  }

  /**
   * {@code compression.type}.
   *
   * @return none, gzip, snappy, lz4 or zstd
   */
  public String compressionType() {
    return compressionType;
  }

  /**
   * {@code buffer.memory}.
   *
   * @return bytes
   */
  public long bufferMemory() {
    return bufferMemory;
  }

  /**
   * {@code max.block.ms}.
   *
   * @return the longest synchronous wait
   */
  public Duration maxBlock() {
    return Duration.ofMillis(maxBlockMs);
  }

  /**
   * {@code request.timeout.ms}.
   *
   * @return the request timeout
   */
  public Duration requestTimeout() {
    return Duration.ofMillis(requestTimeoutMs);
  }

  /**
   * {@code delivery.timeout.ms}.
   *
   * @return the longest delivery of an accepted event
   */
  public Duration deliveryTimeout() {
    return Duration.ofMillis(deliveryTimeoutMs);
  }

  /**
   * {@code client.id}.
   *
   * @return the client id
   */
  public String clientId() {
    return clientId;
  }

  /**
   * The text-delta coalescing window.
   *
   * @return the window; zero when coalescing is off
   */
  public Duration coalesceWindow() {
    return Duration.ofMillis(coalesceWindowMs);
  }

  /**
   * The most characters of one coalesced delta.
   *
   * @return characters
   */
  public int coalesceMaxChars() {
    return coalesceMaxChars;
  }

  /**
   * The price table.
   *
   * @return the prices
   */
  public PriceTable prices() {
    return prices;
  }

  /**
   * The exact Kafka producer properties the publisher uses (serializers are {@link
   * ByteArraySerializer}), for tools that must produce exactly like it, such as benchmarks.
   *
   * @return an immutable map
   */
  public Map<String, Object> kafkaProducerProperties() {
    Map<String, Object> props = new LinkedHashMap<>(extraKafka);
    props.putAll(security);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
    props.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5);
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.BATCH_SIZE_CONFIG, batchSize);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, compressionType);
    props.put(ProducerConfig.BUFFER_MEMORY_CONFIG, bufferMemory);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, maxBlockMs);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, deliveryTimeoutMs);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return Map.copyOf(props);
  }

  /**
   * The control topic ({@value #CONTROL_TOPIC_CONFIG}).
   *
   * @return the topic name
   */
  public String controlTopic() {
    return controlTopic;
  }

  /**
   * Whether the publisher observes the control topic ({@value #CONTROL_ENABLED_CONFIG}).
   *
   * @return {@code true} by default
   */
  public boolean controlEnabled() {
    return controlEnabled;
  }

  /**
   * The Kafka consumer properties of the control-topic listener: the brokers and the security
   * settings; no group, no auto commit, byte-array deserializers.
   *
   * @return an immutable map
   */
  public Map<String, Object> kafkaControlConsumerProperties() {
    Map<String, Object> props = new LinkedHashMap<>(security);
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, String.join(",", bootstrapServers));
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId + "-control");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
    props.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return Map.copyOf(props);
  }

  /**
   * The schema registry client configuration: the URL, with {@code schema.registry.*} keys given to
   * the builder, over the environment.
   *
   * @return the serde configuration
   */
  public AvroSerdeConfig registryConfig() {
    Map<String, Object> values = new LinkedHashMap<>(registryOverrides);
    values.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl);
    values.put(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, true);
    return new AvroSerdeConfig(values);
  }

  @Override
  public String toString() {
    return "PublisherConfig{bootstrap.servers="
        + String.join(",", bootstrapServers)
        + ", schema.registry.url="
        + schemaRegistryUrl
        + ", topic="
        + topic
        + ", control.topic="
        + (controlEnabled ? controlTopic : "(disabled)")
        + ", linger.ms="
        + lingerMs
        + ", batch.size="
        + batchSize
        + ", compression.type="
        + compressionType
        + ", buffer.memory="
        + bufferMemory
        + ", max.block.ms="
        + maxBlockMs
        + ", delivery.timeout.ms="
        + deliveryTimeoutMs
        + ", coalesce.window.ms="
        + coalesceWindowMs
        + ", prices="
        + prices
        + "}";
  }

  /**
   * Prints the documentation table of every key.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(CONFIG.toRst());
  }

  /** Builds a {@link PublisherConfig}. Not thread-safe; {@link #build()} may be called again. */
  public static final class Builder {
    private final Map<String, Object> values;

    private Builder(Map<String, ?> initial) {
      this.values = new LinkedHashMap<>(initial);
    }

    /**
     * Sets any key by name: a key of {@link #configDef()}, a {@code schema.registry.*} client key,
     * or a {@code kafka.}-prefixed producer property.
     *
     * @param key the key
     * @param value a string or typed value
     * @return this builder
     */
    public Builder set(String key, Object value) {
      values.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Sets {@value PublisherConfig#BOOTSTRAP_SERVERS_CONFIG}.
     *
     * @param servers {@code host:port,host:port}
     * @return this builder
     */
    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS_CONFIG, servers);
    }

    /**
     * Sets {@value PublisherConfig#SCHEMA_REGISTRY_URL_CONFIG}.
     *
     * @param url the registry's Confluent API base URL
     * @return this builder
     */
    public Builder schemaRegistryUrl(String url) {
      return set(SCHEMA_REGISTRY_URL_CONFIG, url);
    }

    /**
     * Sets {@value PublisherConfig#CONTROL_TOPIC_CONFIG}.
     *
     * @param topic the control topic
     * @return this builder
     */
    public Builder controlTopic(String topic) {
      return set(CONTROL_TOPIC_CONFIG, topic);
    }

    /**
     * Sets {@value PublisherConfig#CONTROL_ENABLED_CONFIG}.
     *
     * @param enabled whether to observe cancel requests
     * @return this builder
     */
    public Builder controlEnabled(boolean enabled) {
      return set(CONTROL_ENABLED_CONFIG, enabled);
    }

    /**
     * Sets {@value PublisherConfig#TOPIC_CONFIG}.
     *
     * @param topic the topic
     * @return this builder
     */
    public Builder topic(String topic) {
      return set(TOPIC_CONFIG, topic);
    }

    /**
     * Sets {@value PublisherConfig#LINGER_MS_CONFIG}.
     *
     * @param linger the linger
     * @return this builder
     */
    public Builder linger(Duration linger) {
      return set(LINGER_MS_CONFIG, linger.toMillis());
    }

    /**
     * Sets {@value PublisherConfig#BATCH_SIZE_CONFIG}.
     *
     * @param bytes batch size in bytes
     * @return this builder
     */
    public Builder batchSize(int bytes) {
      return set(BATCH_SIZE_CONFIG, bytes);
    }

    /**
     * Sets {@value PublisherConfig#COMPRESSION_TYPE_CONFIG}.
     *
     * @param compression none, gzip, snappy, lz4 or zstd
     * @return this builder
     */
    public Builder compressionType(String compression) {
      return set(COMPRESSION_TYPE_CONFIG, compression);
    }

    /**
     * Sets {@value PublisherConfig#BUFFER_MEMORY_CONFIG}.
     *
     * @param bytes buffer size in bytes
     * @return this builder
     */
    public Builder bufferMemory(long bytes) {
      return set(BUFFER_MEMORY_CONFIG, bytes);
    }

    /**
     * Sets {@value PublisherConfig#MAX_BLOCK_MS_CONFIG}.
     *
     * @param maxBlock the longest synchronous wait
     * @return this builder
     */
    public Builder maxBlock(Duration maxBlock) {
      return set(MAX_BLOCK_MS_CONFIG, maxBlock.toMillis());
    }

    /**
     * Sets {@value PublisherConfig#REQUEST_TIMEOUT_MS_CONFIG}.
     *
     * @param timeout the request timeout
     * @return this builder
     */
    public Builder requestTimeout(Duration timeout) {
      return set(REQUEST_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
    }

    /**
     * Sets {@value PublisherConfig#DELIVERY_TIMEOUT_MS_CONFIG}.
     *
     * @param timeout the longest delivery of an accepted event
     * @return this builder
     */
    public Builder deliveryTimeout(Duration timeout) {
      return set(DELIVERY_TIMEOUT_MS_CONFIG, Math.toIntExact(timeout.toMillis()));
    }

    /**
     * Sets {@value PublisherConfig#CLIENT_ID_CONFIG}.
     *
     * @param clientId the client id
     * @return this builder
     */
    public Builder clientId(String clientId) {
      return set(CLIENT_ID_CONFIG, clientId);
    }

    /**
     * Sets {@value PublisherConfig#COALESCE_WINDOW_MS_CONFIG}.
     *
     * @param window the window; zero turns coalescing off
     * @return this builder
     */
    public Builder coalesceWindow(Duration window) {
      return set(COALESCE_WINDOW_MS_CONFIG, window.toMillis());
    }

    /**
     * Sets {@value PublisherConfig#COALESCE_MAX_CHARS_CONFIG}.
     *
     * @param chars the most characters of one coalesced delta
     * @return this builder
     */
    public Builder coalesceMaxChars(int chars) {
      return set(COALESCE_MAX_CHARS_CONFIG, chars);
    }

    /**
     * Sets {@value PublisherConfig#PRICES_CONFIG}.
     *
     * @param prices {@code model:in:out,model:in:out}
     * @return this builder
     */
    public Builder prices(String prices) {
      return set(PRICES_CONFIG, prices);
    }

    /**
     * Sets {@value PublisherConfig#PRICES_CONFIG}.
     *
     * @param prices the table
     * @return this builder
     */
    public Builder prices(PriceTable prices) {
      return set(PRICES_CONFIG, prices.toString());
    }

    /**
     * Sets an extra Kafka producer property, such as {@code send.buffer.bytes}.
     *
     * @param key the Kafka key, without the {@code kafka.} prefix
     * @param value the value
     * @return this builder
     */
    public Builder kafkaProperty(String key, Object value) {
      return set(KAFKA_PREFIX + key, value);
    }

    /**
     * Resolves and validates the configuration.
     *
     * @return the configuration
     * @throws ConfigException naming the first invalid or unknown key
     */
    public PublisherConfig build() {
      return new PublisherConfig(values);
    }
  }

  private static final class PriceListValidator implements ConfigDef.Validator {
    @Override
    public void ensureValid(String name, Object value) {
      if (value == null) {
        throw new ConfigException(name, null, "must be a list of model:input:output prices");
      }
      try {
        @SuppressWarnings("unchecked")
        List<String> entries = (List<String>) value;
        PriceTable.parse(entries);
      } catch (IllegalArgumentException e) {
        throw new ConfigException(name, value, e.getMessage());
      }
    }

    @Override
    public String toString() {
      return "model:inputPerMillion:outputPerMillion, comma-separated";
    }
  }
}
