package dev.runstream.schemas;

import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

/**
 * Configuration of runstream's Avro serde and schema registry client.
 *
 * <p>Keys use the names of Confluent's serde where one exists, so a properties file written for
 * {@code KafkaAvroSerializer} mostly works unchanged. The defaults work against the local cluster
 * ({@code ./runstream demo}). Values are resolved, lowest precedence first, from the defaults,
 * environment variables ({@code RUNSTREAM_} followed by the key upper-cased with dots as
 * underscores, e.g. {@code RUNSTREAM_SCHEMA_REGISTRY_URL}), JVM system properties of the same key
 * prefixed by {@code runstream.} (e.g. {@code -Drunstream.schema.registry.url=…}), and finally the
 * map given to the constructor. Invalid values fail construction with a {@link ConfigException}
 * that names the key.
 *
 * <pre>{@code
 * var config = new AvroSerdeConfig(Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
 *     "http://registry:8081/apis/ccompat/v7"));
 * Serde<AgentEvent> serde = AvroSerde.specific(AgentEvent.class, config);
 * }</pre>
 */
public final class AvroSerdeConfig extends AbstractConfig {

  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";
  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL of a registry that speaks the Confluent Schema Registry REST API: Confluent"
          + " Schema Registry (http://host:8081), Karapace, or Apicurio's compatibility API"
          + " (http://host:8080/apis/ccompat/v7).";
  public static final String SCHEMA_REGISTRY_URL_DEFAULT = "http://127.0.0.1:8081/apis/ccompat/v7";

  public static final String AUTO_REGISTER_SCHEMAS_CONFIG = "auto.register.schemas";
  private static final String AUTO_REGISTER_SCHEMAS_DOC =
      "Whether the serializer registers a schema it has not seen under the topic's subject. When"
          + " false, the schema must already be registered, or serialization fails with"
          + " UnknownSchemaException.";

  public static final String SPECIFIC_AVRO_READER_CONFIG = "specific.avro.reader";
  private static final String SPECIFIC_AVRO_READER_DOC =
      "When the deserializer was created without a target class: true reads into the generated"
          + " class named by the writer schema, false reads GenericRecords.";

  public static final String REGISTRY_REQUEST_TIMEOUT_MS_CONFIG =
      "schema.registry.request.timeout.ms";
  private static final String REGISTRY_REQUEST_TIMEOUT_MS_DOC =
      "Timeout of one HTTP request to the registry, including connecting.";

  public static final String REGISTRY_MAX_RETRIES_CONFIG = "schema.registry.max.retries";
  private static final String REGISTRY_MAX_RETRIES_DOC =
      "How many times a request that failed to connect, timed out or got a 5xx answer is retried"
          + " before SchemaRegistryUnavailableException is thrown.";

  public static final String REGISTRY_RETRY_BACKOFF_MS_CONFIG = "schema.registry.retry.backoff.ms";
  private static final String REGISTRY_RETRY_BACKOFF_MS_DOC =
      "Initial wait between retries; it doubles on each retry, with jitter, up to"
          + " schema.registry.retry.backoff.max.ms.";

  public static final String REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG =
      "schema.registry.retry.backoff.max.ms";
  private static final String REGISTRY_RETRY_BACKOFF_MAX_MS_DOC = "Upper bound of the retry wait.";

  public static final String REGISTRY_CACHE_CAPACITY_CONFIG = "schema.registry.cache.capacity";
  private static final String REGISTRY_CACHE_CAPACITY_DOC =
      "How many schemas by id the client keeps in memory (least recently used are evicted).";

  public static final String REGISTRY_BASIC_AUTH_USER_INFO_CONFIG =
      "schema.registry.basic.auth.user.info";
  private static final String REGISTRY_BASIC_AUTH_USER_INFO_DOC =
      "Credentials as user:password, sent with HTTP basic authentication. Empty sends none.";

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(
              SCHEMA_REGISTRY_URL_CONFIG,
              Type.STRING,
              SCHEMA_REGISTRY_URL_DEFAULT,
              ConfigSources.httpUrl(),
              Importance.HIGH,
              SCHEMA_REGISTRY_URL_DOC)
          .define(
              AUTO_REGISTER_SCHEMAS_CONFIG,
              Type.BOOLEAN,
              true,
              Importance.MEDIUM,
              AUTO_REGISTER_SCHEMAS_DOC)
          .define(
              SPECIFIC_AVRO_READER_CONFIG,
              Type.BOOLEAN,
              false,
              Importance.MEDIUM,
              SPECIFIC_AVRO_READER_DOC)
          .define(
              REGISTRY_REQUEST_TIMEOUT_MS_CONFIG,
              Type.INT,
              10_000,
              Range.between(1, 600_000),
              Importance.MEDIUM,
              REGISTRY_REQUEST_TIMEOUT_MS_DOC)
          .define(
              REGISTRY_MAX_RETRIES_CONFIG,
              Type.INT,
              5,
              Range.between(0, 100),
              Importance.MEDIUM,
              REGISTRY_MAX_RETRIES_DOC)
          .define(
              REGISTRY_RETRY_BACKOFF_MS_CONFIG,
              Type.LONG,
              100L,
              Range.between(1, 60_000),
              Importance.LOW,
              REGISTRY_RETRY_BACKOFF_MS_DOC)
          .define(
              REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG,
              Type.LONG,
              2_000L,
              Range.between(1, 600_000),
              Importance.LOW,
              REGISTRY_RETRY_BACKOFF_MAX_MS_DOC)
          .define(
              REGISTRY_CACHE_CAPACITY_CONFIG,
              Type.INT,
              1_000,
              Range.between(1, 1_000_000),
              Importance.LOW,
              REGISTRY_CACHE_CAPACITY_DOC)
          .define(
              REGISTRY_BASIC_AUTH_USER_INFO_CONFIG,
              Type.PASSWORD,
              "",
              Importance.MEDIUM,
              REGISTRY_BASIC_AUTH_USER_INFO_DOC);

  /** Defaults, overridden by environment variables, system properties, then {@code overrides}. */
  public AvroSerdeConfig(Map<String, ?> overrides) {
    super(CONFIG, ConfigSources.resolve(CONFIG, overrides), false);
    if (getLong(REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG) < getLong(REGISTRY_RETRY_BACKOFF_MS_CONFIG)) {
      throw new ConfigException(
          REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG,
          getLong(REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG),
          "must be at least " + REGISTRY_RETRY_BACKOFF_MS_CONFIG);
    }
  }

  /** Defaults, overridden by environment variables and system properties. */
  public AvroSerdeConfig() {
    this(Map.of());
  }

  /** The definition of every key, with types, defaults, validators and docs. */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  public String registryUrl() {
    String url = getString(SCHEMA_REGISTRY_URL_CONFIG);
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS_CONFIG);
  }

  public boolean specificAvroReader() {
    return getBoolean(SPECIFIC_AVRO_READER_CONFIG);
  }

  public int requestTimeoutMs() {
    return getInt(REGISTRY_REQUEST_TIMEOUT_MS_CONFIG);
  }

  public int maxRetries() {
    return getInt(REGISTRY_MAX_RETRIES_CONFIG);
  }

  public long retryBackoffMs() {
    return getLong(REGISTRY_RETRY_BACKOFF_MS_CONFIG);
  }

  public long retryBackoffMaxMs() {
    return getLong(REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG);
  }

  public int cacheCapacity() {
    return getInt(REGISTRY_CACHE_CAPACITY_CONFIG);
  }

  /** {@code user:password}, or empty when no authentication is configured. */
  public String basicAuthUserInfo() {
    Password password = getPassword(REGISTRY_BASIC_AUTH_USER_INFO_CONFIG);
    return password == null ? "" : password.value();
  }

  /** Prints the documentation table of every key, as Kafka does for its own configs. */
  public static void main(String[] args) {
    System.out.println(CONFIG.toRst());
  }
}
