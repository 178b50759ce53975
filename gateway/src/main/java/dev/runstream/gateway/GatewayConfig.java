package dev.runstream.gateway;

import dev.runstream.client.ClientConfig;
import dev.runstream.gateway.internal.PemPublicKey;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.ClientSecurityConfigs;
import dev.runstream.schemas.ConfigSources;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.TenantConfigs;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.types.Password;

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
 * <h2>Secure mode</h2>
 *
 * Off by default. {@value #AUTH_REQUIRED_CONFIG}{@code =true} requires {@value #TENANT_CONFIG} and
 * at least one credential source: API key hashes ({@value #API_KEYS_CONFIG}, {@value
 * #API_KEYS_FILE_CONFIG}) or JWT keys ({@value #JWT_HMAC_SECRET_CONFIG}, {@value
 * #JWT_PUBLIC_KEY_FILE_CONFIG}); a missing tenant or source, a secret shorter than 32 bytes, an
 * unreadable key file or {@code *} among {@value #CORS_ALLOWED_ORIGINS_CONFIG} fails at
 * construction. Key files are read once, here.
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

  /**
   * Key: whether every {@code /v1/...} request needs a credential ({@code Authorization: Bearer}
   * API key or JWT, or {@code access_token} on GET). Off by default, so the local demo stays open;
   * on, {@value #TENANT_CONFIG} and at least one credential source are required.
   */
  public static final String AUTH_REQUIRED_CONFIG = "gateway.auth.required";

  private static final String AUTH_REQUIRED_DOC =
      "Secure mode: every /v1/... request needs 'Authorization: Bearer <API key or JWT>' (or the"
          + " access_token query parameter on GET, for EventSource) of this gateway's tenant;"
          + " otherwise 401. /health, /ready, /metrics and the web UI's static files stay open."
          + " Needs tenant.id and gateway.api.keys, gateway.api.keys.file,"
          + " gateway.jwt.hmac.secret or gateway.jwt.public.key.file.";

  /**
   * Key: the tenant this gateway serves (one cell per tenant). Records whose {@code tenant_id} is
   * another tenant's are answered as unknown (404) and left out of lists.
   */
  public static final String TENANT_CONFIG = TenantConfigs.TENANT_ID_CONFIG;

  /** Key: API keys as {@code tenant:<sha-256 hex of the key>}; the keys themselves are not kept. */
  public static final String API_KEYS_CONFIG = "gateway.api.keys";

  private static final String API_KEYS_DOC =
      "Accepted API keys, comma-separated, each as tenant:<SHA-256 of the key, 64 hex digits>"
          + " (printf %s \"$KEY\" | sha256sum). Only hashes are configured; a presented key is"
          + " hashed and compared in constant time.";

  /** Key: a file of API key hashes, one {@code tenant:<sha-256 hex>} a line. */
  public static final String API_KEYS_FILE_CONFIG = "gateway.api.keys.file";

  private static final String API_KEYS_FILE_DOC =
      "A file of accepted API keys, one tenant:<SHA-256 hex of the key> a line; blank lines and"
          + " lines starting with # are ignored. Read at startup; added to gateway.api.keys.";

  /** Key: the HS256 secret that JWTs are verified with (at least 32 bytes). */
  public static final String JWT_HMAC_SECRET_CONFIG = "gateway.jwt.hmac.secret";

  private static final String JWT_HMAC_SECRET_DOC =
      "Shared secret of HMAC-signed JWTs (HS256, HS384, HS512), at least 32 bytes (UTF-8)."
          + " Hidden in logs.";

  /** Key: PEM file of the RSA or EC public key that JWTs are verified with. */
  public static final String JWT_PUBLIC_KEY_FILE_CONFIG = "gateway.jwt.public.key.file";

  private static final String JWT_PUBLIC_KEY_FILE_DOC =
      "PEM file ('-----BEGIN PUBLIC KEY-----', X.509 SubjectPublicKeyInfo) of the RSA key"
          + " (RS256/384/512, PS256/384/512) or EC key (ES256/384/512) that verifies JWTs. Read at"
          + " startup.";

  /** Key: the issuer ({@code iss}) a JWT must name; empty for any. */
  public static final String JWT_ISSUER_CONFIG = "gateway.jwt.issuer";

  private static final String JWT_ISSUER_DOC =
      "The issuer (iss claim) a JWT must have; empty accepts any issuer.";

  /** Key: the audience ({@code aud}) a JWT must include; empty for any. */
  public static final String JWT_AUDIENCE_CONFIG = "gateway.jwt.audience";

  private static final String JWT_AUDIENCE_DOC =
      "The audience (aud claim) a JWT must include; empty accepts any audience.";

  /** Key: the JWT claim that names the caller's tenant. */
  public static final String JWT_TENANT_CLAIM_CONFIG = "gateway.jwt.tenant.claim";

  private static final String JWT_TENANT_CLAIM_DOC =
      "The JWT claim holding the caller's tenant; it must equal tenant.id. JWTs also need"
          + " exp.";

  /** Key: the clock skew allowed when checking a JWT's {@code exp} and {@code nbf}. */
  public static final String JWT_CLOCK_SKEW_MS_CONFIG = "gateway.jwt.clock.skew.ms";

  private static final String JWT_CLOCK_SKEW_MS_DOC =
      "Clock skew allowed when checking a JWT's exp and nbf claims.";

  /** Key: origins allowed to call the API from a browser (CORS); empty sends no CORS headers. */
  public static final String CORS_ALLOWED_ORIGINS_CONFIG = "gateway.cors.allowed.origins";

  private static final String CORS_ALLOWED_ORIGINS_DOC =
      "Origins (scheme://host[:port]) whose web pages may call the API (CORS), comma-separated."
          + " Empty: no CORS headers, same-origin only. '*' allows any origin and is refused"
          + " together with gateway.auth.required.";

  /** Key: the longest accepted workflow id (and usage key). */
  public static final String MAX_ID_LENGTH_CONFIG = "gateway.max.id.length";

  private static final String MAX_ID_LENGTH_DOC =
      "Longest accepted workflow id or usage key, in characters; longer ones get 400.";

  /** Key: the longest accepted query string. */
  public static final String MAX_QUERY_LENGTH_CONFIG = "gateway.max.query.length";

  private static final String MAX_QUERY_LENGTH_DOC =
      "Longest accepted query string of a /v1/... request, in characters (access_token"
          + " included); longer ones get 414.";

  /** Key: the longest accepted {@code Last-Event-ID}. */
  public static final String MAX_LAST_EVENT_ID_LENGTH_CONFIG = "gateway.max.last.event.id.length";

  private static final String MAX_LAST_EVENT_ID_LENGTH_DOC =
      "Longest accepted Last-Event-ID header or last_event_id parameter, in characters; longer"
          + " ones get 400.";

  private static final String CLIENT_ID_DEFAULT = "runstream-gateway";

  private static final List<String> CLIENT_PREFIXES =
      List.of("client.", ClientConfig.CONSUMER_PREFIX);

  private static final Pattern SHA_256_HEX = Pattern.compile("[0-9a-fA-F]{64}");
  private static final int MIN_HMAC_SECRET_BYTES = 32;

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
          .define(UI_ENABLED_CONFIG, Type.BOOLEAN, true, null, Importance.LOW, UI_ENABLED_DOC)
          .define(
              AUTH_REQUIRED_CONFIG, Type.BOOLEAN, false, null, Importance.HIGH, AUTH_REQUIRED_DOC)
          .define(API_KEYS_CONFIG, Type.LIST, "", apiKeyList(), Importance.HIGH, API_KEYS_DOC)
          .define(API_KEYS_FILE_CONFIG, Type.STRING, "", null, Importance.HIGH, API_KEYS_FILE_DOC)
          .define(
              JWT_HMAC_SECRET_CONFIG,
              Type.PASSWORD,
              null,
              hmacSecret(),
              Importance.HIGH,
              JWT_HMAC_SECRET_DOC)
          .define(
              JWT_PUBLIC_KEY_FILE_CONFIG,
              Type.STRING,
              "",
              null,
              Importance.HIGH,
              JWT_PUBLIC_KEY_FILE_DOC)
          .define(JWT_ISSUER_CONFIG, Type.STRING, "", null, Importance.MEDIUM, JWT_ISSUER_DOC)
          .define(JWT_AUDIENCE_CONFIG, Type.STRING, "", null, Importance.MEDIUM, JWT_AUDIENCE_DOC)
          .define(
              JWT_TENANT_CLAIM_CONFIG,
              Type.STRING,
              "tenant",
              new ConfigDef.NonEmptyString(),
              Importance.MEDIUM,
              JWT_TENANT_CLAIM_DOC)
          .define(
              JWT_CLOCK_SKEW_MS_CONFIG,
              Type.LONG,
              60_000L,
              Range.between(0L, 600_000L),
              Importance.LOW,
              JWT_CLOCK_SKEW_MS_DOC)
          .define(
              CORS_ALLOWED_ORIGINS_CONFIG,
              Type.LIST,
              "",
              corsOrigins(),
              Importance.MEDIUM,
              CORS_ALLOWED_ORIGINS_DOC)
          .define(
              MAX_ID_LENGTH_CONFIG,
              Type.INT,
              128,
              Range.between(1, 1_024),
              Importance.LOW,
              MAX_ID_LENGTH_DOC)
          .define(
              MAX_QUERY_LENGTH_CONFIG,
              Type.INT,
              2_048,
              Range.between(256, 65_536),
              Importance.LOW,
              MAX_QUERY_LENGTH_DOC)
          .define(
              MAX_LAST_EVENT_ID_LENGTH_CONFIG,
              Type.INT,
              20,
              Range.between(1, 64),
              Importance.LOW,
              MAX_LAST_EVENT_ID_LENGTH_DOC);

  private final Map<String, Object> clientOverrides;
  private final ClientConfig clientConfig;
  private final List<String> apiKeys;
  private final PublicKey jwtPublicKey;

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
    this.apiKeys = readApiKeys();
    this.jwtPublicKey = readJwtPublicKey();
    checkSecureMode();
  }

  private List<String> readApiKeys() {
    List<String> keys = new ArrayList<>();
    getList(API_KEYS_CONFIG).stream()
        .map(String::trim)
        .filter(k -> !k.isEmpty())
        .map(GatewayConfig::normalizeApiKey)
        .forEach(keys::add);
    String file = getString(API_KEYS_FILE_CONFIG).trim();
    if (!file.isEmpty()) {
      List<String> lines;
      try {
        lines = Files.readAllLines(Path.of(file), StandardCharsets.UTF_8);
      } catch (IOException | RuntimeException e) {
        throw new ConfigException(API_KEYS_FILE_CONFIG, file, "cannot be read: " + e);
      }
      for (int i = 0; i < lines.size(); i++) {
        String line = lines.get(i).trim();
        if (line.isEmpty() || line.startsWith("#")) {
          continue;
        }
        String problem = apiKeyProblem(line);
        if (problem != null) {
          // The line is not echoed: it might be a key pasted by mistake.
          throw new ConfigException(API_KEYS_FILE_CONFIG, file, "line " + (i + 1) + " " + problem);
        }
        keys.add(normalizeApiKey(line));
      }
    }
    return List.copyOf(keys);
  }

  private PublicKey readJwtPublicKey() {
    String file = getString(JWT_PUBLIC_KEY_FILE_CONFIG).trim();
    if (file.isEmpty()) {
      return null;
    }
    try {
      return PemPublicKey.read(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw new ConfigException(
          JWT_PUBLIC_KEY_FILE_CONFIG,
          file,
          "cannot be read as a PEM RSA or EC public key: " + e.getMessage());
    }
  }

  private void checkSecureMode() {
    boolean anyOrigin = corsAllowedOrigins().contains("*");
    if (!authRequired()) {
      return;
    }
    if (tenant().isEmpty()) {
      throw new ConfigException(
          TENANT_CONFIG, "", "is required when " + AUTH_REQUIRED_CONFIG + " is true");
    }
    if (apiKeys.isEmpty() && jwtHmacSecret().isEmpty() && jwtPublicKey == null) {
      throw new ConfigException(
          AUTH_REQUIRED_CONFIG,
          true,
          "needs a credential source: "
              + API_KEYS_CONFIG
              + ", "
              + API_KEYS_FILE_CONFIG
              + ", "
              + JWT_HMAC_SECRET_CONFIG
              + " or "
              + JWT_PUBLIC_KEY_FILE_CONFIG);
    }
    if (anyOrigin) {
      throw new ConfigException(
          CORS_ALLOWED_ORIGINS_CONFIG,
          "*",
          "must list origins when " + AUTH_REQUIRED_CONFIG + " is true, not '*'");
    }
  }

  /** Why {@code entry} is not {@code tenant:<sha-256 hex>}, or null if it is. */
  private static String apiKeyProblem(String entry) {
    int colon = entry.lastIndexOf(':');
    if (colon < 0) {
      return "must be tenant:<SHA-256 hex of the key>";
    }
    if (!TenantConfigs.TENANT_ID.matcher(entry.substring(0, colon)).matches()) {
      return "has an invalid tenant id (letters, digits, '.', '_', '-', at most 64)";
    }
    if (!SHA_256_HEX.matcher(entry.substring(colon + 1)).matches()) {
      return "must end with the key's SHA-256 as 64 hex digits (printf %s \"$KEY\" | sha256sum),"
          + " not the key itself";
    }
    return null;
  }

  private static String normalizeApiKey(String entry) {
    int colon = entry.lastIndexOf(':');
    return entry.substring(0, colon + 1) + entry.substring(colon + 1).toLowerCase(Locale.ROOT);
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
    shared.add(QueryServiceToken.QUERY_TOKEN_CONFIG);
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

  /** {@value #AUTH_REQUIRED_CONFIG}: whether {@code /v1/...} needs credentials. */
  public boolean authRequired() {
    return getBoolean(AUTH_REQUIRED_CONFIG);
  }

  /** {@value #TENANT_CONFIG}: the tenant of this gateway's cell, if set. */
  public Optional<String> tenant() {
    String tenant = getString(TENANT_CONFIG).trim();
    return tenant.isEmpty() ? Optional.empty() : Optional.of(tenant);
  }

  /**
   * The accepted API keys, from {@value #API_KEYS_CONFIG} then {@value #API_KEYS_FILE_CONFIG}, each
   * as {@code tenant:<sha-256 hex>} with lower-case hex.
   */
  public List<String> apiKeys() {
    return apiKeys;
  }

  /** {@value #JWT_HMAC_SECRET_CONFIG}, if set. */
  public Optional<Password> jwtHmacSecret() {
    return Optional.ofNullable(getPassword(JWT_HMAC_SECRET_CONFIG));
  }

  /** The public key read from {@value #JWT_PUBLIC_KEY_FILE_CONFIG}, if set. */
  public Optional<PublicKey> jwtPublicKey() {
    return Optional.ofNullable(jwtPublicKey);
  }

  /** {@value #JWT_ISSUER_CONFIG}, if set. */
  public Optional<String> jwtIssuer() {
    return optional(JWT_ISSUER_CONFIG);
  }

  /** {@value #JWT_AUDIENCE_CONFIG}, if set. */
  public Optional<String> jwtAudience() {
    return optional(JWT_AUDIENCE_CONFIG);
  }

  /** {@value #JWT_TENANT_CLAIM_CONFIG}. */
  public String jwtTenantClaim() {
    return getString(JWT_TENANT_CLAIM_CONFIG).trim();
  }

  /** {@value #JWT_CLOCK_SKEW_MS_CONFIG}. */
  public Duration jwtClockSkew() {
    return Duration.ofMillis(getLong(JWT_CLOCK_SKEW_MS_CONFIG));
  }

  /** {@value #CORS_ALLOWED_ORIGINS_CONFIG}, without blanks or trailing slashes. */
  public List<String> corsAllowedOrigins() {
    return getList(CORS_ALLOWED_ORIGINS_CONFIG).stream()
        .map(String::trim)
        .filter(o -> !o.isEmpty())
        .map(o -> o.endsWith("/") ? o.substring(0, o.length() - 1) : o)
        .toList();
  }

  /** {@value #MAX_ID_LENGTH_CONFIG}. */
  public int maxIdLength() {
    return getInt(MAX_ID_LENGTH_CONFIG);
  }

  /** {@value #MAX_QUERY_LENGTH_CONFIG}. */
  public int maxQueryLength() {
    return getInt(MAX_QUERY_LENGTH_CONFIG);
  }

  /** {@value #MAX_LAST_EVENT_ID_LENGTH_CONFIG}. */
  public int maxLastEventIdLength() {
    return getInt(MAX_LAST_EVENT_ID_LENGTH_CONFIG);
  }

  private Optional<String> optional(String key) {
    String value = getString(key).trim();
    return value.isEmpty() ? Optional.empty() : Optional.of(value);
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

  private static ConfigDef.Validator apiKeyList() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        List<?> items = value instanceof List<?> list ? list : List.of();
        for (Object item : items) {
          String entry = item.toString().trim();
          String problem = entry.isEmpty() ? null : apiKeyProblem(entry);
          if (problem != null) {
            // The value is not echoed: it might be a key pasted by mistake.
            throw new ConfigException(name + " has an entry that " + problem);
          }
        }
      }

      @Override
      public String toString() {
        return "tenant:<SHA-256 hex of the key> entries, comma-separated, or empty";
      }
    };
  }

  private static ConfigDef.Validator hmacSecret() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        if (value == null) {
          return;
        }
        String secret = value instanceof Password p ? p.value() : value.toString();
        if (secret.getBytes(StandardCharsets.UTF_8).length < MIN_HMAC_SECRET_BYTES) {
          throw new ConfigException(
              name + " must be at least " + MIN_HMAC_SECRET_BYTES + " bytes long (HS256)");
        }
      }

      @Override
      public String toString() {
        return "a secret of at least " + MIN_HMAC_SECRET_BYTES + " bytes, or unset";
      }
    };
  }

  private static ConfigDef.Validator corsOrigins() {
    return new ConfigDef.Validator() {
      @Override
      public void ensureValid(String name, Object value) {
        List<?> items = value instanceof List<?> list ? list : List.of();
        for (Object item : items) {
          String origin = item.toString().trim();
          if (origin.isEmpty() || origin.equals("*")) {
            continue;
          }
          try {
            URI uri = new URI(origin);
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme()))
                || uri.getHost() == null
                || !(uri.getRawPath() == null
                    || uri.getRawPath().isEmpty()
                    || uri.getRawPath().equals("/"))
                || uri.getRawQuery() != null) {
              throw new ConfigException(name, origin, "must be " + this);
            }
          } catch (URISyntaxException e) {
            throw new ConfigException(name, origin, "must be " + this);
          }
        }
      }

      @Override
      public String toString() {
        return "origins as scheme://host[:port], comma-separated, or '*', or empty";
      }
    };
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

    /** Sets {@value GatewayConfig#AUTH_REQUIRED_CONFIG}. */
    public Builder authRequired(boolean required) {
      return set(AUTH_REQUIRED_CONFIG, required);
    }

    /** Sets {@value GatewayConfig#TENANT_CONFIG}. */
    public Builder tenant(String tenant) {
      return set(TENANT_CONFIG, tenant);
    }

    /** Sets {@value GatewayConfig#API_KEYS_CONFIG}: {@code tenant:<sha-256 hex>} entries. */
    public Builder apiKeys(String... entries) {
      return set(API_KEYS_CONFIG, String.join(",", entries));
    }

    /** Sets {@value GatewayConfig#JWT_HMAC_SECRET_CONFIG}. */
    public Builder jwtHmacSecret(String secret) {
      return set(JWT_HMAC_SECRET_CONFIG, secret);
    }

    /** Sets {@value GatewayConfig#CORS_ALLOWED_ORIGINS_CONFIG}. */
    public Builder corsAllowedOrigins(String... origins) {
      return set(CORS_ALLOWED_ORIGINS_CONFIG, String.join(",", origins));
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
