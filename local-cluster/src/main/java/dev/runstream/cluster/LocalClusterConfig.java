package dev.runstream.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * Immutable, validated settings of a {@link LocalCluster}, declared once with Kafka's {@link
 * ConfigDef} (see {@link #configDef()} for types, defaults, validators and docs of every key).
 *
 * <h2>Where values come from</h2>
 *
 * Each key is resolved from these layers, later layers winning:
 *
 * <ol>
 *   <li>the default of the key;
 *   <li>an environment variable named after the key: {@value #ENV_PREFIX} followed by the key in
 *       upper case with dots replaced by underscores, for example {@code
 *       RUNSTREAM_CLUSTER_BROKER_PORT} for {@value #BROKER_PORT_CONFIG};
 *   <li>a system property {@value #SYSTEM_PROPERTY_PREFIX} followed by the key, for example {@code
 *       -Drunstream.cluster.broker.port=19092};
 *   <li>values set explicitly, with {@link #newBuilder()} or {@link #fromEnvironment(Map)}.
 * </ol>
 *
 * A port of {@code 0} means "pick a free loopback port at start"; the chosen port stays fixed for
 * the lifetime of the cluster, so broker restarts keep their address. Every value is parsed and
 * validated in the constructor: a malformed or out-of-range value fails there with a {@link
 * ConfigException} whose message names the key, the value and the layer it came from. Explicit keys
 * that are not declared are rejected too.
 *
 * <h2>Example</h2>
 *
 * <pre>{@code
 * LocalClusterConfig config =
 *     LocalClusterConfig.newBuilder()
 *         .freePorts()
 *         .topicPartitions(2)
 *         .keepData(true)
 *         .build();
 * try (LocalCluster cluster = LocalCluster.start(config)) {
 *   // ...
 * }
 * }</pre>
 */
public final class LocalClusterConfig {

  /** Prefix of the environment variables that override keys. */
  public static final String ENV_PREFIX = "RUNSTREAM_CLUSTER_";

  /** Prefix of the system properties that override keys. */
  public static final String SYSTEM_PROPERTY_PREFIX = "runstream.cluster.";

  /**
   * System property set by the build (root POM, surefire and failsafe) to the unpacked Apicurio
   * Registry; the default of {@value #REGISTRY_HOME_CONFIG}.
   */
  public static final String REGISTRY_HOME_PROPERTY = "runstream.registry.home";

  /** Where the build unpacks the registry, relative to the project root. */
  static final String REGISTRY_HOME_RELATIVE = "local-cluster/target/apicurio-registry";

  /** Key: loopback port of the broker's PLAINTEXT listener. */
  public static final String BROKER_PORT_CONFIG = "broker.port";

  private static final String BROKER_PORT_DOC =
      "Loopback port of the broker's PLAINTEXT listener (the bootstrap address);"
          + " 0 picks a free port at start.";

  /** Key: loopback port of the KRaft controller listener. */
  public static final String CONTROLLER_PORT_CONFIG = "controller.port";

  private static final String CONTROLLER_PORT_DOC =
      "Loopback port of the KRaft controller listener; 0 picks a free port at start.";

  /** Key: loopback HTTP port of the schema registry. */
  public static final String REGISTRY_PORT_CONFIG = "registry.port";

  private static final String REGISTRY_PORT_DOC =
      "Loopback HTTP port of the Apicurio schema registry; 0 picks a free port at start.";

  /** Key: whether to run the schema registry at all. */
  public static final String REGISTRY_ENABLED_CONFIG = "registry.enabled";

  private static final String REGISTRY_ENABLED_DOC =
      "Whether to start the schema registry. Without it the cluster starts faster and uses about"
          + " 230 MB less memory, and schemaRegistryUrl() fails.";

  /** Key: the directory for broker logs, registry database and process logs. */
  public static final String DATA_DIR_CONFIG = "data.dir";

  private static final String DATA_DIR_DOC =
      "Directory for Kafka's log segments, the registry database, generated configs and the child"
          + " processes' logs. Empty (the default) creates a fresh temporary directory at start."
          + " An existing directory from an earlier run with data.keep=true is reused as is.";

  /** Key: keep the data directory at close. */
  public static final String DATA_KEEP_CONFIG = "data.keep";

  private static final String DATA_KEEP_DOC =
      "Keep the data directory when the cluster closes, so that a later start with the same"
          + " data.dir finds the topics, records and schemas again. When false, close() deletes"
          + " what the cluster wrote there (and the directory itself if the cluster created it).";

  /** Key: the unpacked Apicurio Registry distribution. */
  public static final String REGISTRY_HOME_CONFIG = "registry.home";

  private static final String REGISTRY_HOME_DOC =
      "Directory of the unpacked Apicurio Registry distribution (holding the *-runner.jar and its"
          + " lib/). Empty (the default) uses the system property "
          + REGISTRY_HOME_PROPERTY
          + ", else the first "
          + REGISTRY_HOME_RELATIVE
          + " found from the working directory upwards.";

  /** Key: partition count of the main runstream topics. */
  public static final String TOPIC_PARTITIONS_CONFIG = "topic.partitions";

  private static final String TOPIC_PARTITIONS_DOC =
      "Partitions of agent-events and workflow-runs; usage-aggregates gets half of it (at least 1)"
          + " and agent-events-dlq always 1.";

  /** Key: how long start() and the restart methods wait for readiness. */
  public static final String STARTUP_TIMEOUT_MS_CONFIG = "startup.timeout.ms";

  private static final String STARTUP_TIMEOUT_MS_DOC =
      "Milliseconds start(), startBroker() and startRegistry() wait for the broker to answer admin"
          + " requests and the registry to report ready before failing.";

  /** Key: maximum heap of the broker JVM. */
  public static final String BROKER_HEAP_CONFIG = "broker.heap";

  private static final String BROKER_HEAP_DOC =
      "Maximum heap of the broker JVM, as in -Xmx (for example 512m or 1g).";

  /** Key: maximum heap of the registry JVM. */
  public static final String REGISTRY_HEAP_CONFIG = "registry.heap";

  private static final String REGISTRY_HEAP_DOC =
      "Maximum heap of the registry JVM, as in -Xmx (for example 256m).";

  /** Key: extra options for the broker JVM. */
  public static final String BROKER_JVM_OPTIONS_CONFIG = "broker.jvm.options";

  private static final String BROKER_JVM_OPTIONS_DOC =
      "Extra options for the broker JVM, comma-separated, appended after the built-in ones (so"
          + " they win), for example -XX:+UseParallelGC or -Xlog:gc for a benchmark.";

  /** Key: extra options for the registry JVM. */
  public static final String REGISTRY_JVM_OPTIONS_CONFIG = "registry.jvm.options";

  private static final String REGISTRY_JVM_OPTIONS_DOC =
      "Extra options for the registry JVM, comma-separated, appended after the built-in ones;"
          + " Quarkus and Apicurio settings can be passed as -Dkey=value.";

  /** Key: run the broker in secure mode. */
  public static final String SECURITY_ENABLED_CONFIG = "security.enabled";

  private static final String SECURITY_ENABLED_DOC =
      "Secure mode: the bootstrap listener (broker.port) is SASL_SSL with SCRAM-SHA-512, a second"
          + " listener (mtls.port) requires client certificates, and the controller listener uses"
          + " mutual TLS. A self-signed CA, the broker's and each user's certificates and random"
          + " passwords are generated at first start into <data.dir>/security (secrets.properties,"
          + " mode 600). StandardAuthorizer denies everything without an ACL; User:admin and"
          + " User:broker are super users. See LocalCluster#security().";

  /** Key: loopback port of the mutual-TLS listener in secure mode. */
  public static final String MTLS_PORT_CONFIG = "mtls.port";

  private static final String MTLS_PORT_DOC =
      "Loopback port of the SSL listener that requires a client certificate (secure mode only); 0"
          + " picks a free port at start.";

  /** Key: SCRAM users created at start in secure mode. */
  public static final String SECURITY_USERS_CONFIG = "security.users";

  private static final String SECURITY_USERS_DOC =
      "SCRAM-SHA-512 users created at start in secure mode, besides admin, each with a random"
          + " password and a client certificate (CN=<user>). Names: letters, digits, '.', '_', '-'.";

  /** Key: tenants whose prefixed topics are created at start. */
  public static final String TENANTS_CONFIG = "tenants";

  private static final String TENANTS_DOC =
      "Tenants whose own topics are created at start besides the unprefixed ones: for tenant t,"
          + " t.agent-events, t.workflow-runs, t.usage-aggregates, t.agent-events-dlq and t.model-prices (see"
          + " TopicSpec#runstreamTopics(String, int)).";

  private static final Range PORT = Range.between(0, 65535);

  private static final ConfigDef.Validator NAMES =
      (name, value) -> {
        if (value instanceof List<?> list) {
          for (Object item : list) {
            if (!String.valueOf(item).matches("[A-Za-z0-9][A-Za-z0-9._-]{0,63}")) {
              throw new ConfigException(
                  name,
                  item,
                  "use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit");
            }
          }
        }
      };

  private static final ConfigDef.Validator HEAP_SIZE = new HeapSizeValidator();

  private static final ConfigDef CONFIG =
      new ConfigDef()
          .define(BROKER_PORT_CONFIG, Type.INT, 9092, PORT, Importance.HIGH, BROKER_PORT_DOC)
          .define(CONTROLLER_PORT_CONFIG, Type.INT, 9093, PORT, Importance.LOW, CONTROLLER_PORT_DOC)
          .define(REGISTRY_PORT_CONFIG, Type.INT, 8081, PORT, Importance.HIGH, REGISTRY_PORT_DOC)
          .define(
              SECURITY_ENABLED_CONFIG,
              Type.BOOLEAN,
              false,
              null,
              Importance.HIGH,
              SECURITY_ENABLED_DOC)
          .define(MTLS_PORT_CONFIG, Type.INT, 9094, PORT, Importance.MEDIUM, MTLS_PORT_DOC)
          .define(
              SECURITY_USERS_CONFIG,
              Type.LIST,
              List.of(),
              NAMES,
              Importance.MEDIUM,
              SECURITY_USERS_DOC)
          .define(TENANTS_CONFIG, Type.LIST, List.of(), NAMES, Importance.MEDIUM, TENANTS_DOC)
          .define(
              REGISTRY_ENABLED_CONFIG,
              Type.BOOLEAN,
              true,
              null,
              Importance.MEDIUM,
              REGISTRY_ENABLED_DOC)
          .define(DATA_DIR_CONFIG, Type.STRING, "", null, Importance.MEDIUM, DATA_DIR_DOC)
          .define(DATA_KEEP_CONFIG, Type.BOOLEAN, false, null, Importance.MEDIUM, DATA_KEEP_DOC)
          .define(REGISTRY_HOME_CONFIG, Type.STRING, "", null, Importance.LOW, REGISTRY_HOME_DOC)
          .define(
              TOPIC_PARTITIONS_CONFIG,
              Type.INT,
              TopicSpec.DEFAULT_PARTITIONS,
              Range.between(1, 1000),
              Importance.MEDIUM,
              TOPIC_PARTITIONS_DOC)
          .define(
              STARTUP_TIMEOUT_MS_CONFIG,
              Type.LONG,
              120_000L,
              Range.atLeast(1_000L),
              Importance.LOW,
              STARTUP_TIMEOUT_MS_DOC)
          .define(
              BROKER_HEAP_CONFIG, Type.STRING, "512m", HEAP_SIZE, Importance.LOW, BROKER_HEAP_DOC)
          .define(
              REGISTRY_HEAP_CONFIG,
              Type.STRING,
              "256m",
              HEAP_SIZE,
              Importance.LOW,
              REGISTRY_HEAP_DOC)
          .define(
              BROKER_JVM_OPTIONS_CONFIG,
              Type.LIST,
              List.of(),
              null,
              Importance.LOW,
              BROKER_JVM_OPTIONS_DOC)
          .define(
              REGISTRY_JVM_OPTIONS_CONFIG,
              Type.LIST,
              List.of(),
              null,
              Importance.LOW,
              REGISTRY_JVM_OPTIONS_DOC);

  private final Map<String, Object> values;
  private final Optional<Path> registryHome;

  private LocalClusterConfig(Map<String, Object> values, Optional<Path> registryHome) {
    this.values = Collections.unmodifiableMap(values);
    this.registryHome = registryHome;
  }

  /**
   * A copy of the definition of every key: type, default, validator, importance and doc. Useful to
   * print help ({@link ConfigDef#toRst()}) or to reuse the keys elsewhere.
   *
   * @return a copy that callers may modify freely
   */
  public static ConfigDef configDef() {
    return new ConfigDef(CONFIG);
  }

  /**
   * The configuration from defaults, environment variables and system properties.
   *
   * @return the validated configuration
   * @throws ConfigException if an environment variable or system property has an invalid value
   */
  public static LocalClusterConfig fromEnvironment() {
    return fromEnvironment(Map.of());
  }

  /**
   * The configuration from defaults, environment variables, system properties and then {@code
   * overrides}.
   *
   * @param overrides values by key; a value may be a string or the key's Java type ({@code
   *     Integer}, {@code Long}, {@code Boolean}, {@code String}); a {@link Path} is taken as its
   *     string form
   * @return the validated configuration
   * @throws ConfigException if a value is invalid or a key is unknown
   */
  public static LocalClusterConfig fromEnvironment(Map<String, ?> overrides) {
    return resolve(System.getenv(), System.getProperties(), overrides);
  }

  /**
   * A builder whose values override the environment (environment variables and system properties),
   * which in turn override the defaults.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  static LocalClusterConfig resolve(
      Map<String, String> env, Properties systemProperties, Map<String, ?> explicit) {
    for (String key : explicit.keySet()) {
      if (!CONFIG.configKeys().containsKey(key)) {
        throw new ConfigException(
            "Unknown local cluster configuration '"
                + key
                + "'; known keys are "
                + CONFIG.configKeys().keySet());
      }
    }
    Map<String, Object> values = new LinkedHashMap<>();
    for (ConfigKey key : CONFIG.configKeys().values()) {
      Object raw = key.defaultValue;
      String source = "default";
      String envName = envVarName(key.name);
      if (env.get(envName) != null) {
        raw = env.get(envName);
        source = "environment variable " + envName;
      }
      String propertyName = systemPropertyName(key.name);
      if (systemProperties.getProperty(propertyName) != null) {
        raw = systemProperties.getProperty(propertyName);
        source = "system property " + propertyName;
      }
      if (explicit.containsKey(key.name)) {
        Object value = explicit.get(key.name);
        raw = value instanceof Path ? value.toString() : value;
        source = "explicit value";
      }
      values.put(key.name, parse(key, raw, source));
    }
    checkDistinctPorts(values);
    return new LocalClusterConfig(values, resolveRegistryHome(values, systemProperties));
  }

  private static Object parse(ConfigKey key, Object raw, String source) {
    try {
      if (raw == null) {
        throw new ConfigException(key.name, null, "Value must not be null");
      }
      Object value = ConfigDef.parseType(key.name, raw, key.type);
      if (key.validator != null) {
        key.validator.ensureValid(key.name, value);
      }
      return value;
    } catch (ConfigException e) {
      throw new ConfigException(e.getMessage() + " (from " + source + ")");
    }
  }

  private static void checkDistinctPorts(Map<String, Object> values) {
    List<String> portKeys =
        List.of(BROKER_PORT_CONFIG, CONTROLLER_PORT_CONFIG, REGISTRY_PORT_CONFIG);
    for (int i = 0; i < portKeys.size(); i++) {
      for (int j = i + 1; j < portKeys.size(); j++) {
        int a = (Integer) values.get(portKeys.get(i));
        int b = (Integer) values.get(portKeys.get(j));
        if (a != 0 && a == b) {
          throw new ConfigException(
              portKeys.get(i) + " and " + portKeys.get(j) + " must differ, both are " + a);
        }
      }
    }
  }

  private static Optional<Path> resolveRegistryHome(
      Map<String, Object> values, Properties systemProperties) {
    String configured = (String) values.get(REGISTRY_HOME_CONFIG);
    if (!configured.isBlank()) {
      return Optional.of(Path.of(configured).toAbsolutePath().normalize());
    }
    String fromBuild = systemProperties.getProperty(REGISTRY_HOME_PROPERTY);
    if (fromBuild != null && !fromBuild.isBlank()) {
      return Optional.of(Path.of(fromBuild).toAbsolutePath().normalize());
    }
    String workingDir = systemProperties.getProperty("user.dir");
    if (workingDir == null) {
      return Optional.empty();
    }
    for (Path dir = Path.of(workingDir).toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(REGISTRY_HOME_RELATIVE);
      if (Files.isDirectory(candidate)) {
        return Optional.of(candidate.normalize());
      }
    }
    return Optional.empty();
  }

  /**
   * The environment variable that overrides a key.
   *
   * @param key a key such as {@value #BROKER_PORT_CONFIG}
   * @return for example {@code RUNSTREAM_CLUSTER_BROKER_PORT}
   */
  public static String envVarName(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_');
  }

  /**
   * The system property that overrides a key.
   *
   * @param key a key such as {@value #BROKER_PORT_CONFIG}
   * @return for example {@code runstream.cluster.broker.port}
   */
  public static String systemPropertyName(String key) {
    return SYSTEM_PROPERTY_PREFIX + key;
  }

  /**
   * The broker's PLAINTEXT port.
   *
   * @return the port, {@code 0} meaning a free port is picked at start
   */
  public int brokerPort() {
    return (Integer) values.get(BROKER_PORT_CONFIG);
  }

  /**
   * The KRaft controller port.
   *
   * @return the port, {@code 0} meaning a free port is picked at start
   */
  public int controllerPort() {
    return (Integer) values.get(CONTROLLER_PORT_CONFIG);
  }

  /**
   * The registry's HTTP port.
   *
   * @return the port, {@code 0} meaning a free port is picked at start
   */
  public int registryPort() {
    return (Integer) values.get(REGISTRY_PORT_CONFIG);
  }

  /**
   * Whether the schema registry is started.
   *
   * @return {@code true} unless disabled
   */
  public boolean registryEnabled() {
    return (Boolean) values.get(REGISTRY_ENABLED_CONFIG);
  }

  /**
   * Whether the cluster runs in secure mode ({@value #SECURITY_ENABLED_CONFIG}).
   *
   * @return {@code true} for SASL_SSL and mutual-TLS listeners with ACLs
   */
  public boolean securityEnabled() {
    return (Boolean) values.get(SECURITY_ENABLED_CONFIG);
  }

  /**
   * The mutual-TLS port ({@value #MTLS_PORT_CONFIG}).
   *
   * @return the port, 0 for a free one
   */
  public int mtlsPort() {
    return (Integer) values.get(MTLS_PORT_CONFIG);
  }

  /**
   * The SCRAM users created at start in secure mode ({@value #SECURITY_USERS_CONFIG}).
   *
   * @return the names, without admin unless listed
   */
  @SuppressWarnings("unchecked")
  public List<String> securityUsers() {
    return List.copyOf((List<String>) values.get(SECURITY_USERS_CONFIG));
  }

  /**
   * The tenants whose topics are created at start ({@value #TENANTS_CONFIG}).
   *
   * @return the tenant ids
   */
  @SuppressWarnings("unchecked")
  public List<String> tenants() {
    return List.copyOf((List<String>) values.get(TENANTS_CONFIG));
  }

  /**
   * The configured data directory.
   *
   * @return the directory, or empty when a temporary directory is created at start
   */
  public Optional<Path> dataDir() {
    String dir = (String) values.get(DATA_DIR_CONFIG);
    return dir.isBlank() ? Optional.empty() : Optional.of(Path.of(dir).toAbsolutePath());
  }

  /**
   * Whether the data directory survives {@link LocalCluster#close()}.
   *
   * @return {@code true} to keep it
   */
  public boolean keepData() {
    return (Boolean) values.get(DATA_KEEP_CONFIG);
  }

  /**
   * The unpacked Apicurio Registry distribution, resolved at construction as described for {@value
   * #REGISTRY_HOME_CONFIG}.
   *
   * @return the directory, or empty if none was configured and none was found; whether it holds a
   *     runner jar is checked at start
   */
  public Optional<Path> registryHome() {
    return registryHome;
  }

  /**
   * The partition count of the main topics.
   *
   * @return at least 1
   */
  public int topicPartitions() {
    return (Integer) values.get(TOPIC_PARTITIONS_CONFIG);
  }

  /**
   * The topics created at start: {@link TopicSpec#runstreamTopics(int)} for {@link
   * #topicPartitions()}.
   *
   * @return the topics, immutable
   */
  public List<TopicSpec> topics() {
    List<TopicSpec> topics = new ArrayList<>(TopicSpec.runstreamTopics(topicPartitions()));
    for (String tenant : tenants()) {
      topics.addAll(TopicSpec.runstreamTopics(tenant + ".", topicPartitions()));
    }
    return List.copyOf(topics);
  }

  /**
   * How long start and restart wait for readiness.
   *
   * @return at least one second
   */
  public Duration startupTimeout() {
    return Duration.ofMillis((Long) values.get(STARTUP_TIMEOUT_MS_CONFIG));
  }

  /**
   * The broker's maximum heap.
   *
   * @return a size as in {@code -Xmx}, such as {@code 512m}
   */
  public String brokerHeap() {
    return (String) values.get(BROKER_HEAP_CONFIG);
  }

  /**
   * The registry's maximum heap.
   *
   * @return a size as in {@code -Xmx}, such as {@code 256m}
   */
  public String registryHeap() {
    return (String) values.get(REGISTRY_HEAP_CONFIG);
  }

  /**
   * Extra options for the broker JVM.
   *
   * @return the options, possibly empty, immutable
   */
  public List<String> brokerJvmOptions() {
    return jvmOptions(BROKER_JVM_OPTIONS_CONFIG);
  }

  /**
   * Extra options for the registry JVM.
   *
   * @return the options, possibly empty, immutable
   */
  public List<String> registryJvmOptions() {
    return jvmOptions(REGISTRY_JVM_OPTIONS_CONFIG);
  }

  @SuppressWarnings("unchecked")
  private List<String> jvmOptions(String key) {
    return ((List<String>) values.get(key)).stream().filter(o -> !o.isBlank()).toList();
  }

  /**
   * Every parsed value by key (strings for {@code data.dir} and {@code registry.home} as
   * configured, before resolution).
   *
   * @return an unmodifiable map in declaration order
   */
  public Map<String, Object> values() {
    return values;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LocalClusterConfig other
        && values.equals(other.values)
        && registryHome.equals(other.registryHome);
  }

  @Override
  public int hashCode() {
    return Objects.hash(values, registryHome);
  }

  @Override
  public String toString() {
    return "LocalClusterConfig" + values + ", resolved registry home " + registryHome;
  }

  /**
   * Sets values programmatically; they win over environment variables and system properties. Not
   * thread-safe; {@link #build()} can be called more than once.
   */
  public static final class Builder {

    private final Map<String, Object> explicit = new LinkedHashMap<>();

    private Builder() {}

    /**
     * Sets any key by name, as a string or as the key's Java type.
     *
     * @param key a declared key, such as {@value LocalClusterConfig#BROKER_PORT_CONFIG}
     * @param value its value; validated by {@link #build()}
     * @return this builder
     */
    public Builder set(String key, Object value) {
      explicit.put(Objects.requireNonNull(key, "key"), value);
      return this;
    }

    /**
     * Sets {@value LocalClusterConfig#BROKER_PORT_CONFIG}.
     *
     * @param port 0 to 65535, 0 for a free port
     * @return this builder
     */
    public Builder brokerPort(int port) {
      return set(BROKER_PORT_CONFIG, port);
    }

    /**
     * Sets {@value LocalClusterConfig#CONTROLLER_PORT_CONFIG}.
     *
     * @param port 0 to 65535, 0 for a free port
     * @return this builder
     */
    public Builder controllerPort(int port) {
      return set(CONTROLLER_PORT_CONFIG, port);
    }

    /**
     * Sets {@value LocalClusterConfig#REGISTRY_PORT_CONFIG}.
     *
     * @param port 0 to 65535, 0 for a free port
     * @return this builder
     */
    public Builder registryPort(int port) {
      return set(REGISTRY_PORT_CONFIG, port);
    }

    /**
     * Sets the broker, controller and registry ports to 0, so that free ports are picked at start;
     * what tests should use.
     *
     * @return this builder
     */
    public Builder freePorts() {
      return brokerPort(0).controllerPort(0).registryPort(0).set(MTLS_PORT_CONFIG, 0);
    }

    /**
     * Sets {@value LocalClusterConfig#SECURITY_ENABLED_CONFIG}.
     *
     * @param enabled whether to run in secure mode
     * @return this builder
     */
    public Builder securityEnabled(boolean enabled) {
      return set(SECURITY_ENABLED_CONFIG, enabled);
    }

    /**
     * Sets {@value LocalClusterConfig#SECURITY_USERS_CONFIG}.
     *
     * @param users the SCRAM users to create besides admin
     * @return this builder
     */
    public Builder securityUsers(List<String> users) {
      return set(SECURITY_USERS_CONFIG, List.copyOf(users));
    }

    /**
     * Sets {@value LocalClusterConfig#TENANTS_CONFIG}.
     *
     * @param tenants the tenants whose prefixed topics are created
     * @return this builder
     */
    public Builder tenants(List<String> tenants) {
      return set(TENANTS_CONFIG, List.copyOf(tenants));
    }

    /**
     * Sets {@value LocalClusterConfig#REGISTRY_ENABLED_CONFIG}.
     *
     * @param enabled whether to run the registry
     * @return this builder
     */
    public Builder registryEnabled(boolean enabled) {
      return set(REGISTRY_ENABLED_CONFIG, enabled);
    }

    /**
     * Sets {@value LocalClusterConfig#DATA_DIR_CONFIG}.
     *
     * @param dir the data directory; created if missing
     * @return this builder
     */
    public Builder dataDir(Path dir) {
      return set(DATA_DIR_CONFIG, dir.toString());
    }

    /**
     * Sets {@value LocalClusterConfig#DATA_KEEP_CONFIG}.
     *
     * @param keep whether {@link LocalCluster#close()} keeps the data
     * @return this builder
     */
    public Builder keepData(boolean keep) {
      return set(DATA_KEEP_CONFIG, keep);
    }

    /**
     * Sets {@value LocalClusterConfig#REGISTRY_HOME_CONFIG}.
     *
     * @param home the unpacked Apicurio Registry distribution
     * @return this builder
     */
    public Builder registryHome(Path home) {
      return set(REGISTRY_HOME_CONFIG, home.toString());
    }

    /**
     * Sets {@value LocalClusterConfig#TOPIC_PARTITIONS_CONFIG}.
     *
     * @param partitions at least 1
     * @return this builder
     */
    public Builder topicPartitions(int partitions) {
      return set(TOPIC_PARTITIONS_CONFIG, partitions);
    }

    /**
     * Sets {@value LocalClusterConfig#STARTUP_TIMEOUT_MS_CONFIG}.
     *
     * @param timeout at least one second
     * @return this builder
     */
    public Builder startupTimeout(Duration timeout) {
      return set(STARTUP_TIMEOUT_MS_CONFIG, timeout.toMillis());
    }

    /**
     * Sets {@value LocalClusterConfig#BROKER_HEAP_CONFIG}.
     *
     * @param size as in {@code -Xmx}, such as {@code 512m}
     * @return this builder
     */
    public Builder brokerHeap(String size) {
      return set(BROKER_HEAP_CONFIG, size);
    }

    /**
     * Sets {@value LocalClusterConfig#REGISTRY_HEAP_CONFIG}.
     *
     * @param size as in {@code -Xmx}, such as {@code 256m}
     * @return this builder
     */
    public Builder registryHeap(String size) {
      return set(REGISTRY_HEAP_CONFIG, size);
    }

    /**
     * Sets {@value LocalClusterConfig#BROKER_JVM_OPTIONS_CONFIG}.
     *
     * @param options extra JVM options, such as {@code -Xlog:gc}
     * @return this builder
     */
    public Builder brokerJvmOptions(List<String> options) {
      return set(BROKER_JVM_OPTIONS_CONFIG, List.copyOf(options));
    }

    /**
     * Sets {@value LocalClusterConfig#REGISTRY_JVM_OPTIONS_CONFIG}.
     *
     * @param options extra JVM options, such as {@code -Dquarkus.log.level=INFO}
     * @return this builder
     */
    public Builder registryJvmOptions(List<String> options) {
      return set(REGISTRY_JVM_OPTIONS_CONFIG, List.copyOf(options));
    }

    /**
     * Resolves and validates the configuration.
     *
     * @return the configuration
     * @throws ConfigException if a value is invalid or a key is unknown
     */
    public LocalClusterConfig build() {
      return fromEnvironment(explicit);
    }
  }

  private static final class HeapSizeValidator implements ConfigDef.Validator {

    private static final Pattern SIZE = Pattern.compile("[1-9][0-9]*[kKmMgG]?");

    @Override
    public void ensureValid(String name, Object value) {
      if (value == null || !SIZE.matcher(value.toString()).matches()) {
        throw new ConfigException(
            name, value, "Value must be a JVM heap size such as 512m, 1g or 262144k");
      }
    }

    @Override
    public String toString() {
      return "a JVM heap size such as 512m, 1g or 262144k";
    }
  }
}
