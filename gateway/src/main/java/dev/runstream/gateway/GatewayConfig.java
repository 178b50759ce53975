package dev.runstream.gateway;

import dev.runstream.client.ClientConfig;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.ConfigSources;
import dev.runstream.schemas.TenantConfigs;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
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

/**
 * Immutable, validated configuration of a {@link Gateway}, declared once with Kafka's {@link
 * ConfigDef}: every key has a constant, a type, a default, a validator and a doc ({@link
 * #configDef()}; {@link #main(String[])} prints the table).
 *
 * <h2>Where values come from</h2>
 *
 * Each key is resolved with {@link ConfigSources}, later layers winning:
 *
 * <ol>
 *   <li>the default, which works against the local cluster ({@code ./runstream demo}): broker
 *       {@code 127.0.0.1:9092}, registry {@code http://127.0.0.1:8081/apis/ccompat/v7}, topology
 *       query service {@code http://127.0.0.1:8090}, HTTP on {@code 127.0.0.1:8080};
 *   <li>an environment variable: {@code RUNSTREAM_} + the key upper-cased, dots as underscores
 *       ({@code RUNSTREAM_GATEWAY_HTTP_PORT} for {@value #HTTP_PORT_CONFIG}, {@code
 *       RUNSTREAM_BOOTSTRAP_SERVERS} for the shared {@value #BOOTSTRAP_SERVERS_CONFIG});
 *   <li>a system property: {@code runstream.} + the key ({@code -Drunstream.gateway.http.port=0});
 *   <li>the values given to {@link #newBuilder()} or {@link #GatewayConfig(Map)}.
 * </ol>
 *
 * <p>{@value #BOOTSTRAP_SERVERS_CONFIG}, {@value #SCHEMA_REGISTRY_URL_CONFIG} and {@value
 * #QUERY_URL_CONFIG} are shared with the other runstream modules, so one environment variable
 * configures them all; the gateway's own keys start with {@code gateway.}. The gateway reads events
 * with one shared {@link dev.runstream.client.RunstreamClient}, whose configuration ({@link
 * #clientConfig()}) is derived from this one: explicit keys starting with {@code client.}, {@code
 * consumer.} or {@code schema.registry.} are handed to it (and validated by {@link ClientConfig});
 * its environment variables ({@code RUNSTREAM_CLIENT_BUFFER_SIZE}, ...) apply as usual. Any other
 * unknown explicit key is refused, so a typo fails at startup.
 *
 * <p>Every value is validated at construction; a bad value throws {@link ConfigException} naming
 * the key.
 *
 * <pre>{@code
 * GatewayConfig config = GatewayConfig.newBuilder()
 *     .bootstrapServers("kafka-1:9092")
 *     .schemaRegistryUrl("http://registry:8081")
 *     .queryUrl("http://runstream-topology:8090")
 *     .httpHost("0.0.0.0")
 *     .httpPort(8080)
 *     .build();
 * try (Gateway gateway = Gateway.start(config)) { ... }
 * }</pre>
 */
public final class GatewayConfig extends AbstractConfig {

  /** Key: Kafka bootstrap servers. Shared with the other runstream modules. */
  public static final String BOOTSTRAP_SERVERS_CONFIG = ClientConfig.BOOTSTRAP_SERVERS_CONFIG;

  private static final String BOOTSTRAP_SERVERS_DOC =
      "Kafka bootstrap servers, host:port[,host:port...], of the cluster holding agent-events.";

  /** Key: schema registry base URL. Shared with the other runstream modules. */
  public static final String SCHEMA_REGISTRY_URL_CONFIG = ClientConfig.SCHEMA_REGISTRY_URL_CONFIG;

  private static final String SCHEMA_REGISTRY_URL_DOC =
      "Base URL of the schema registry (Confluent REST API) that decodes the events' Avro values.";

  /** Key: base URL(s) of the topology's interactive-query HTTP service. Shared. */
  public static final String QUERY_URL_CONFIG = ClientConfig.QUERY_URL_CONFIG;

  private static final String QUERY_URL_DOC =
      "Base URL of the topology's interactive-query HTTP service (any instance; it routes to the"
          + " owner). The gateway proxies GET /v1/workflows/{id}, /v1/workflows and /v1/usage to it"
          + " and the SDK uses it as its replay index. Several URLs, comma-separated, are tried in"
          + " order.";

  /** Key: address the HTTP server binds to. */
  public static final String HTTP_HOST_CONFIG = "gateway.http.host";

  private static final String HTTP_HOST_DOC =
      "Address the HTTP server binds to: 127.0.0.1 for this machine only, 0.0.0.0 for all"
          + " interfaces.";

  /** Key: HTTP port. */
  public static final String HTTP_PORT_CONFIG = "gateway.http.port";

  private static final String HTTP_PORT_DOC =
      "Port of the HTTP server (API, SSE, metrics and web UI). 0 picks a free port; Gateway.port()"
          + " tells which.";

  /** Key: interval of SSE keep-alive comments. */
  public static final String SSE_KEEPALIVE_MS_CONFIG = "gateway.sse.keepalive.ms";

  private static final String SSE_KEEPALIVE_MS_DOC =
      "An SSE connection with no event for this long gets a comment line (': keep-alive'), so"
          + " proxies do not time it out and a vanished client is noticed.";

  /** Key: the SSE {@code retry:} hint. */
  public static final String SSE_RETRY_MS_CONFIG = "gateway.sse.retry.ms";

  private static final String SSE_RETRY_MS_DOC =
      "Reconnection delay sent to browsers in the SSE 'retry:' field. An EventSource that"
          + " reconnects sends Last-Event-ID and resumes after the last event it received.";

  /** Key: how long an SSE request waits for an unknown workflow to start. */
  public static final String SSE_START_TIMEOUT_MS_CONFIG = "gateway.sse.start.timeout.ms";

  private static final String SSE_START_TIMEOUT_MS_DOC =
      "How long an SSE request for a workflow that is found nowhere waits for its first event"
          + " before answering 404 (replay and resume; a tail waits for the workflow to start).";

  /** Key: bound of concurrent SSE connections. */
  public static final String SSE_MAX_CONNECTIONS_CONFIG = "gateway.sse.max.connections";

  private static final String SSE_MAX_CONNECTIONS_DOC =
      "Maximum number of open SSE connections; further ones get 503 with Retry-After. Each holds"
          + " one subscriber of the shared SDK reader and its bounded buffer.";

  /** Key: timeout of one request to the topology's query service. */
  public static final String QUERY_TIMEOUT_MS_CONFIG = "gateway.query.timeout.ms";

  private static final String QUERY_TIMEOUT_MS_DOC =
      "Timeout of one proxied request to the topology's query service, connecting included. When"
          + " it elapses (or the service is down) the gateway answers 503.";

  /** Key: whether the web UI is served. */
  public static final String UI_ENABLED_CONFIG = "gateway.ui.enabled";

  private static final String UI_ENABLED_DOC =
      "Whether the web UI (runs, live run view, usage) is served at / from the classpath.";

  private static final String CLIENT_ID_DEFAULT = "runstream-gateway";

  private static final List<String> CLIENT_PREFIXES =
      List.of("client.", ClientConfig.CONSUMER_PREFIX);

  private static final ConfigDef CONFIG =
      TenantConfigs.define(ClientSecurityConfigs.define(new ConfigDef()))
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
              ConfigSources.httpUrlList(true),
              Importance.HIGH,
              QUERY_URL_DOC)
          .define(
              HTTP_HOST_CONFIG,
              Type.STRING,
              "127.0.0.1",
              bindAddress(),
              Importance.HIGH,
              HTTP_HOST_DOC)
          .define(
              HTTP_PORT_CONFIG,
              Type.INT,
              8080,
              Range.between(0, 65_535),
              Importance.HIGH,
              HTTP_PORT_DOC)
          .define(
              SSE_KEEPALIVE_MS_CONFIG,
              Type.LONG,
              15_000L,
              Range.between(100L, 3_600_000L),
              Importance.LOW,
              SSE_KEEPALIVE_MS_DOC)
          .define(
              SSE_RETRY_MS_CONFIG,
              Type.LONG,
              2_000L,
              Range.between(0L, 3_600_000L),
              Importance.LOW,
              SSE_RETRY_MS_DOC)
          .define(
              SSE_START_TIMEOUT_MS_CONFIG,
              Type.LONG,
              10_000L,
              Range.between(0L, 3_600_000L),
              Importance.MEDIUM,
              SSE_START_TIMEOUT_MS_DOC)
          .define(
              SSE_MAX_CONNECTIONS_CONFIG,
              Type.INT,
              10_000,
              Range.between(1, 1_000_000),
              Importance.MEDIUM,
              SSE_MAX_CONNECTIONS_DOC)
          .define(
              QUERY_TIMEOUT_MS_CONFIG,
              Type.INT,
              5_000,
              Range.between(1, 600_000),
              Importance.MEDIUM,
              QUERY_TIMEOUT_MS_DOC)
          .define(UI_ENABLED_CONFIG, Type.BOOLEAN, true, null, Importance.LOW, UI_ENABLED_DOC);

  private final Map<String, Object> clientOverrides;
  private final ClientConfig clientConfig;

  /**
   * Defaults, overridden by environment variables, system properties, then {@code explicit}.
   *
   * @param explicit values by key; {@code client.}, {@code consumer.} and {@code schema.registry.}
   *     keys are passed to the SDK's {@link ClientConfig}
   * @throws ConfigException naming the key, for an invalid value or an unknown key
   */
  public GatewayConfig(Map<String, ?> explicit) {
    this(explicit, System.getenv(), System.getProperties());
  }

  /**
   * As {@link #GatewayConfig(Map)}, with the environment and system properties given, for tests.
   *
   * @param explicit values by key
   * @param env the environment variables to read
   * @param systemProperties the system properties to read
   * @throws ConfigException naming the key, for an invalid value or an unknown key
   */
  public GatewayConfig(
      Map<String, ?> explicit, Map<String, String> env, Map<?, ?> systemProperties) {
    super(CONFIG, checkKeys(explicit, env, systemProperties), false);
    Map<String, Object> client = new TreeMap<>();
    Set<String> serdeKeys = AvroSerdeConfig.configDef().names();
    explicit.forEach(
        (key, value) -> {
          if (isClientKey(key) || (serdeKeys.contains(key) && !CONFIG.names().contains(key))) {
            client.put(key, value);
          }
        });
    this.clientOverrides = Map.copyOf(client);
    this.clientConfig = deriveClientConfig(env, systemProperties);
  }

  private static boolean isClientKey(String key) {
    return CLIENT_PREFIXES.stream().anyMatch(key::startsWith);
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
      if (!CONFIG.names().contains(key) && !isClientKey(key) && !serdeKeys.contains(key)) {
        throw new ConfigException(key, entry.getValue(), "is not a runstream gateway setting");
      }
    }
    Map<String, Object> own = new HashMap<>();
    explicit.forEach(
        (key, value) -> {
          if (CONFIG.names().contains(key)) {
            own.put(key, value);
          }
        });
    return ConfigSources.resolve(CONFIG, own, env, systemProperties);
  }

  private ClientConfig deriveClientConfig(Map<String, String> env, Map<?, ?> systemProperties) {
    Map<String, Object> client = new HashMap<>();
    if (env.get(ConfigSources.envName(ClientConfig.CLIENT_ID_CONFIG)) == null
        && systemProperties.get(
                ConfigSources.SYSTEM_PROPERTY_PREFIX + ClientConfig.CLIENT_ID_CONFIG)
            == null) {
      client.put(ClientConfig.CLIENT_ID_CONFIG, CLIENT_ID_DEFAULT);
    }
    client.putAll(clientOverrides);
    // The gateway's Kafka credentials and tenant are its shared reader's.
    Set<String> shared = new HashSet<>(ClientSecurityConfigs.names());
    shared.add(TenantConfigs.TENANT_ID_CONFIG);
    originals()
        .forEach(
            (key, value) -> {
              if (shared.contains(key)) {
                client.put(key, value);
              }
            });
    client.put(BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    client.put(SCHEMA_REGISTRY_URL_CONFIG, schemaRegistryUrl());
    client.put(
        QUERY_URL_CONFIG, String.join(",", queryUrls().stream().map(URI::toString).toList()));
    return new ClientConfig(client, env, systemProperties);
  }

  /**
   * Defaults overridden by environment variables and system properties only.
   *
   * @return the configuration
   * @throws ConfigException for an invalid value in the environment
   */
  public static GatewayConfig fromEnvironment() {
    return new GatewayConfig(Map.of());
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

  /** The topology query service URLs, in the order they are tried, without trailing slashes. */
  public List<URI> queryUrls() {
    return getList(QUERY_URL_CONFIG).stream()
        .map(String::trim)
        .filter(s -> !s.isEmpty())
        .map(s -> s.endsWith("/") ? s.substring(0, s.length() - 1) : s)
        .map(URI::create)
        .toList();
  }

  /** {@value #HTTP_HOST_CONFIG}. */
  public String httpHost() {
    return getString(HTTP_HOST_CONFIG);
  }

  /** {@value #HTTP_PORT_CONFIG}; 0 for a free port. */
  public int httpPort() {
    return getInt(HTTP_PORT_CONFIG);
  }

  /** {@value #SSE_KEEPALIVE_MS_CONFIG}. */
  public Duration sseKeepAlive() {
    return Duration.ofMillis(getLong(SSE_KEEPALIVE_MS_CONFIG));
  }

  /** {@value #SSE_RETRY_MS_CONFIG}. */
  public Duration sseRetry() {
    return Duration.ofMillis(getLong(SSE_RETRY_MS_CONFIG));
  }

  /** {@value #SSE_START_TIMEOUT_MS_CONFIG}. */
  public Duration sseStartTimeout() {
    return Duration.ofMillis(getLong(SSE_START_TIMEOUT_MS_CONFIG));
  }

  /** {@value #SSE_MAX_CONNECTIONS_CONFIG}. */
  public int sseMaxConnections() {
    return getInt(SSE_MAX_CONNECTIONS_CONFIG);
  }

  /** {@value #QUERY_TIMEOUT_MS_CONFIG}. */
  public Duration queryTimeout() {
    return Duration.ofMillis(getInt(QUERY_TIMEOUT_MS_CONFIG));
  }

  /** {@value #UI_ENABLED_CONFIG}. */
  public boolean uiEnabled() {
    return getBoolean(UI_ENABLED_CONFIG);
  }

  /**
   * The configuration of the gateway's one shared {@link dev.runstream.client.RunstreamClient}:
   * this config's broker, registry and query URLs, client id {@code runstream-gateway} unless set,
   * and the explicit {@code client.}, {@code consumer.} and {@code schema.registry.} keys.
   */
  public ClientConfig clientConfig() {
    return clientConfig;
  }

  /** The resolved value of every declared key, by key, sorted. */
  public Map<String, Object> toMap() {
    Map<String, Object> out = new LinkedHashMap<>();
    new TreeMap<>(values()).forEach(out::put);
    return out;
  }

  @Override
  public String toString() {
    return "GatewayConfig" + toMap();
  }

  private static ConfigDef.Validator bindAddress() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        String host = value == null ? "" : value.toString().trim();
        if (host.isEmpty() || host.chars().anyMatch(c -> c <= ' ' || c == '/')) {
          throw new ConfigException(name, value, "must be a host name or IP address");
        }
        try {
          InetAddress.getByName(host);
        } catch (UnknownHostException e) {
          throw new ConfigException(name, value, "does not resolve to an address");
        }
      }

      @Override
      public String toString() {
        return "a host name or IP address to bind to";
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

    /** Sets {@value GatewayConfig#BOOTSTRAP_SERVERS_CONFIG}. */
    public Builder bootstrapServers(String servers) {
      return set(BOOTSTRAP_SERVERS_CONFIG, servers);
    }

    /** Sets {@value GatewayConfig#SCHEMA_REGISTRY_URL_CONFIG}. */
    public Builder schemaRegistryUrl(String url) {
      return set(SCHEMA_REGISTRY_URL_CONFIG, url);
    }

    /** Sets {@value GatewayConfig#QUERY_URL_CONFIG}: the topology's query service. */
    public Builder queryUrl(String url) {
      return set(QUERY_URL_CONFIG, url);
    }

    /** Sets {@value GatewayConfig#HTTP_HOST_CONFIG}. */
    public Builder httpHost(String host) {
      return set(HTTP_HOST_CONFIG, host);
    }

    /** Sets {@value GatewayConfig#HTTP_PORT_CONFIG}; 0 picks a free port. */
    public Builder httpPort(int port) {
      return set(HTTP_PORT_CONFIG, port);
    }

    /** Sets {@value GatewayConfig#SSE_KEEPALIVE_MS_CONFIG}. */
    public Builder sseKeepAlive(Duration interval) {
      return set(SSE_KEEPALIVE_MS_CONFIG, interval.toMillis());
    }

    /** Sets {@value GatewayConfig#SSE_START_TIMEOUT_MS_CONFIG}. */
    public Builder sseStartTimeout(Duration timeout) {
      return set(SSE_START_TIMEOUT_MS_CONFIG, timeout.toMillis());
    }

    /**
     * Sets any key: a gateway key, or a {@code client.}/{@code consumer.}/{@code schema.registry.}
     * key for the SDK client.
     *
     * @param key the key
     * @param value its value, as the declared type or a string
     * @return this builder
     */
    public Builder set(String key, Object value) {
      values.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /**
     * The validated configuration.
     *
     * @return the configuration
     * @throws ConfigException naming the key, for an invalid value or an unknown key
     */
    public GatewayConfig build() {
      return new GatewayConfig(values);
    }
  }
}
