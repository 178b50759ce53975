package dev.runstream.cli;

import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.ConfigSources;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.net.URI;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
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
 * Immutable, validated configuration of the {@code runstream} command line, declared once with
 * Kafka's {@link ConfigDef}: every key has a constant, a type, a default, a validator and a doc
 * ({@link #configDef()}; {@link #main(String[])} prints the table).
 *
 * <h2>Where values come from</h2>
 *
 * Each key is resolved with {@link ConfigSources}, later layers winning:
 *
 * <ol>
 *   <li>the default, which works against the platform {@code ./runstream demo} starts (broker on
 *       {@code 127.0.0.1:9092}, registry on {@code 8081}, topology queries on {@code 8090}, web UI
 *       on {@code 8080});
 *   <li>an environment variable: {@code RUNSTREAM_} + the key upper-cased, dots as underscores
 *       ({@code RUNSTREAM_BOOTSTRAP_SERVERS} for {@value #BOOTSTRAP_SERVERS_CONFIG});
 *   <li>a system property: {@code runstream.} + the key ({@code
 *       -Drunstream.bootstrap.servers=kafka:9092});
 *   <li>the explicit values: the command-line options ({@code --bootstrap-servers}, {@code
 *       --registry-url}, {@code --query-url}, {@code --gateway-port}) or {@link #newBuilder()}.
 * </ol>
 *
 * <p>Every value is validated at construction; a bad value throws {@link ConfigException} naming
 * the key, and an unknown explicit key is refused, so a typo fails at once. The command line turns
 * both into exit code {@value RunstreamCli#EXIT_USAGE}.
 *
 * <pre>{@code
 * CliConfig config = CliConfig.newBuilder()
 *     .bootstrapServers("kafka-1:9092")
 *     .queryUrl("http://topology:8090")
 *     .build();
 * }</pre>
 */
public final class CliConfig extends AbstractConfig {

  /** Key: Kafka bootstrap servers the commands connect to. */
  public static final String BOOTSTRAP_SERVERS_CONFIG = "bootstrap.servers";

  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka bootstrap servers, host:port[,host:port...], that tail, replay and worker use. The"
          + " demo and up start their own local cluster and ignore it.";

  /** Key: schema registry base URL (Confluent REST API). */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = "schema.registry.url";

  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL of the schema registry (Confluent REST API) that decodes and encodes the events.";

  /** Key: base URL of the topology's interactive-query HTTP service. */
  public static final String QUERY_URL_CONFIG = "query.url";

  private static final String QUERY_URL_DOC =
      "Base URL of the topology's interactive-query HTTP service: runs and usage read it, replay"
          + " takes its index and progress total from it. The demo serves its topology on this"
          + " URL's port.";

  /** Key: port of the gateway's HTTP server and web UI in the demo. */
  public static final String GATEWAY_PORT_CONFIG = "cli.gateway.port";

  private static final String GATEWAY_PORT_DOC =
      "Port of the gateway (HTTP/SSE API and web UI) that the demo starts; 0 picks a free one.";

  /** Key: how long a command waits for an unreachable broker, registry or query service. */
  public static final String CONNECT_TIMEOUT_MS_CONFIG = "cli.connect.timeout.ms";

  private static final String CONNECT_TIMEOUT_MS_DOC =
      "How long a command waits for the broker, the registry or the query service to answer before"
          + " it gives up with exit code 4 (unreachable). Kept short so a wrong address fails in"
          + " seconds.";

  /** Key: how long replay and tail wait for a workflow that has not started. */
  public static final String START_TIMEOUT_MS_CONFIG = "cli.start.timeout.ms";

  private static final String START_TIMEOUT_MS_DOC =
      "How long replay and tail wait for the first event of a workflow that nobody knows yet"
          + " before they give up with exit code 3 (unknown workflow).";

  private static final ConfigDef CONFIG =
      QueryServiceToken.define(TenantConfigs.define(ClientSecurityConfigs.define(new ConfigDef())))
          .define(
              BOOTSTRAP_SERVERS_CONFIG,
              Type.STRING,
              "127.0.0.1:9092",
              new ConfigDef.NonEmptyStringWithoutControlChars(),
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
              Type.STRING,
              "http://127.0.0.1:8090",
              ConfigSources.httpUrl(),
              Importance.HIGH,
              QUERY_URL_DOC)
          .define(
              GATEWAY_PORT_CONFIG,
              Type.INT,
              8080,
              Range.between(0, 65535),
              Importance.MEDIUM,
              GATEWAY_PORT_DOC)
          .define(
              CONNECT_TIMEOUT_MS_CONFIG,
              Type.INT,
              5_000,
              Range.between(100, 600_000),
              Importance.MEDIUM,
              CONNECT_TIMEOUT_MS_DOC)
          .define(
              START_TIMEOUT_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.between(0L, 24L * 3_600_000),
              Importance.MEDIUM,
              START_TIMEOUT_MS_DOC);

  /**
   * Defaults, overridden by environment variables, system properties, then {@code explicit}.
   *
   * @param explicit values by declared key
   * @throws ConfigException naming the key, for an invalid value or an unknown key
   */
  public CliConfig(Map<String, ?> explicit) {
    this(explicit, System.getenv(), System.getProperties());
  }

  /**
   * As {@link #CliConfig(Map)}, with the environment and system properties given, for tests.
   *
   * @param explicit values by declared key
   * @param env the environment variables to read
   * @param systemProperties the system properties to read
   * @throws ConfigException naming the key, for an invalid value or an unknown key
   */
  public CliConfig(Map<String, ?> explicit, Map<String, String> env, Map<?, ?> systemProperties) {
    super(CONFIG, checkKeys(explicit, env, systemProperties), false);
    ClientSecurityConfigs.validate(values());
  }

  /**
   * The Kafka security settings and the tenant as they were given (explicitly, by environment
   * variable or by system property), for the publisher, client and admin configurations the CLI
   * builds; keys left at their defaults are absent, so those configurations apply their own.
   *
   * @return the settings by key ({@link ClientSecurityConfigs} keys and {@value
   *     TenantConfigs#TENANT_ID_CONFIG})
   */
  public Map<String, Object> kafkaSettings() {
    Map<String, Object> out = new TreeMap<>();
    Set<String> keys = new HashSet<>(ClientSecurityConfigs.names());
    keys.add(TenantConfigs.TENANT_ID_CONFIG);
    keys.add(QueryServiceToken.QUERY_TOKEN_CONFIG);
    originals()
        .forEach(
            (key, value) -> {
              if (keys.contains(key)) {
                out.put(key, value);
              }
            });
    return out;
  }

  /**
   * Security settings ready for a Kafka admin client.
   *
   * @return {@code security.protocol} and the SASL and TLS settings that are set
   */
  public Map<String, Object> securityProperties() {
    return ClientSecurityConfigs.clientProperties(values());
  }

  /**
   * The query service's token ({@value QueryServiceToken#QUERY_TOKEN_CONFIG}).
   *
   * @return the token, or {@code null} for an open query service
   */
  public Password queryToken() {
    return getPassword(QueryServiceToken.QUERY_TOKEN_CONFIG);
  }

  /**
   * The tenant ({@value TenantConfigs#TENANT_ID_CONFIG}).
   *
   * @return the tenant, or empty
   */
  public String tenantId() {
    return getString(TenantConfigs.TENANT_ID_CONFIG).trim();
  }

  private static Map<String, Object> checkKeys(
      Map<String, ?> explicit, Map<String, String> env, Map<?, ?> systemProperties) {
    Objects.requireNonNull(explicit, "explicit");
    for (Map.Entry<String, ?> entry : explicit.entrySet()) {
      if (!CONFIG.names().contains(entry.getKey())) {
        throw new ConfigException(entry.getKey(), entry.getValue(), "is not a runstream CLI key");
      }
      if (entry.getValue() == null) {
        throw new ConfigException(entry.getKey(), null, "must not be null");
      }
    }
    return ConfigSources.resolve(CONFIG, explicit, env, systemProperties);
  }

  /**
   * Defaults overridden by environment variables and system properties only.
   *
   * @return the configuration
   * @throws ConfigException for an invalid value in the environment
   */
  public static CliConfig fromEnvironment() {
    return new CliConfig(Map.of());
  }

  /**
   * A builder of explicit values; unset keys come from the environment or the defaults.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * A copy of the definition of every key, with its type, default, validator and doc.
   *
   * @return the definition
   */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /**
   * {@value #BOOTSTRAP_SERVERS_CONFIG}.
   *
   * @return {@code host:port[,host:port...]}
   */
  public String bootstrapServers() {
    return getString(BOOTSTRAP_SERVERS_CONFIG);
  }

  /**
   * {@value #SCHEMA_REGISTRY_URL_CONFIG}.
   *
   * @return the registry's Confluent-API base URL
   */
  public String schemaRegistryUrl() {
    return getString(SCHEMA_REGISTRY_URL_CONFIG);
  }

  /**
   * {@value #QUERY_URL_CONFIG}, without a trailing slash.
   *
   * @return the query service's base URL
   */
  public String queryUrl() {
    String url = getString(QUERY_URL_CONFIG).trim();
    return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /**
   * The port of {@link #queryUrl()}: where the demo serves its topology's queries.
   *
   * @return the explicit port, or 80/443 by scheme
   */
  public int queryPort() {
    URI uri = URI.create(queryUrl());
    if (uri.getPort() >= 0) {
      return uri.getPort();
    }
    return "https".equals(uri.getScheme()) ? 443 : 80;
  }

  /**
   * {@value #GATEWAY_PORT_CONFIG}.
   *
   * @return the port, 0 for a free one
   */
  public int gatewayPort() {
    return getInt(GATEWAY_PORT_CONFIG);
  }

  /**
   * {@value #CONNECT_TIMEOUT_MS_CONFIG}.
   *
   * @return the longest wait for an unreachable service
   */
  public Duration connectTimeout() {
    return Duration.ofMillis(getInt(CONNECT_TIMEOUT_MS_CONFIG));
  }

  /**
   * {@value #START_TIMEOUT_MS_CONFIG}.
   *
   * @return the longest wait for an unknown workflow's first event
   */
  public Duration startTimeout() {
    return Duration.ofMillis(getLong(START_TIMEOUT_MS_CONFIG));
  }

  /**
   * The resolved value of every key, sorted by key.
   *
   * @return the values
   */
  public Map<String, Object> toMap() {
    return new LinkedHashMap<>(new TreeMap<>(values()));
  }

  @Override
  public String toString() {
    return "CliConfig" + toMap();
  }

  /**
   * Prints the documentation table of every key, as Kafka does for its own configs.
   *
   * @param args ignored
   */
  public static void main(String[] args) {
    System.out.println(CONFIG.toRst());
  }

  /** Collects explicit values; {@link #build()} validates them. Not thread-safe. */
  public static final class Builder {
    private final Map<String, Object> values = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets {@value CliConfig#BOOTSTRAP_SERVERS_CONFIG}.
     *
     * @param servers {@code host:port[,...]}
     * @return this builder
     */
    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS_CONFIG, servers);
    }

    /**
     * Sets {@value CliConfig#SCHEMA_REGISTRY_URL_CONFIG}.
     *
     * @param url the registry's Confluent-API base URL
     * @return this builder
     */
    public Builder schemaRegistryUrl(String url) {
      return set(SCHEMA_REGISTRY_URL_CONFIG, url);
    }

    /**
     * Sets {@value CliConfig#QUERY_URL_CONFIG}.
     *
     * @param url the topology query service's base URL
     * @return this builder
     */
    public Builder queryUrl(String url) {
      return set(QUERY_URL_CONFIG, url);
    }

    /**
     * Sets {@value CliConfig#GATEWAY_PORT_CONFIG}.
     *
     * @param port the port, 0 for a free one
     * @return this builder
     */
    public Builder gatewayPort(int port) {
      return set(GATEWAY_PORT_CONFIG, port);
    }

    /**
     * Sets {@value CliConfig#CONNECT_TIMEOUT_MS_CONFIG}.
     *
     * @param timeout the longest wait for an unreachable service
     * @return this builder
     */
    public Builder connectTimeout(Duration timeout) {
      return set(CONNECT_TIMEOUT_MS_CONFIG, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
    }

    /**
     * Sets any declared key.
     *
     * @param key the key
     * @param value its value, typed or as a string
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
    public CliConfig build() {
      return new CliConfig(values);
    }
  }
}
