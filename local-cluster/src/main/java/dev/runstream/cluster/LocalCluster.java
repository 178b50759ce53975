package dev.runstream.cluster;

import dev.runstream.cluster.internal.ApicurioRegistry;
import dev.runstream.cluster.internal.DataDirectory;
import dev.runstream.cluster.internal.KafkaBroker;
import dev.runstream.cluster.internal.PortAllocator;
import dev.runstream.cluster.internal.SecureMode;
import dev.runstream.cluster.internal.TopicProvisioner;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node Kafka cluster and schema registry on the loopback interface, for tests, the
 * demo and benchmarks, without Docker.
 *
 * <p>{@link #start(LocalClusterConfig)} launches two child JVMs: a Kafka {@code 4.2} broker in
 * KRaft mode (combined broker and controller, replication factor 1 and min ISR 1 for every internal
 * topic, so transactions and {@code exactly_once_v2} Kafka Streams applications work; no automatic
 * topic creation) and Apicurio Registry 3, which serves the Confluent Schema Registry REST API at
 * {@link #schemaRegistryUrl()} with {@code BACKWARD} global compatibility. It returns once the
 * broker answers admin requests, the registry reports ready and the {@linkplain #topics() runstream
 * topics} exist. Both children write their output to {@code logs/} in the {@linkplain
 * #dataDirectory() data directory}, at WARN level.
 *
 * <p>The children cannot outlive this JVM: each reads a pipe from the parent and halts when it
 * closes, which happens however the parent ends, {@code kill -9} included. A JVM shutdown hook also
 * closes the cluster if the JVM exits while it is open.
 *
 * <p>Fault injection for tests: {@link #stopBroker()}, {@link #killBroker()} and {@link
 * #startBroker()} restart the broker on the same port and storage, so topics, committed offsets and
 * acknowledged records survive, even a {@linkplain #killBroker() kill} (the operating system still
 * holds the unflushed pages); {@link #stopRegistry()} and {@link #startRegistry()} do the same for
 * the registry, whose schemas are kept in a file database.
 *
 * <p>Thread-safe: lifecycle methods are serialized. Not meant for production use.
 *
 * <pre>{@code
 * try (LocalCluster cluster =
 *     LocalCluster.start(LocalClusterConfig.newBuilder().freePorts().build())) {
 *   Map<String, Object> props = Map.of(
 *       ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers(),
 *       "schema.registry.url", cluster.schemaRegistryUrl());
 *   // produce to TopicSpec.AGENT_EVENTS ...
 *   cluster.stopBroker();   // clients now see a broker outage
 *   cluster.startBroker();  // same address, same data
 * }
 * }</pre>
 *
 * @see LocalClusterExtension for JUnit 5 tests
 */
public final class LocalCluster implements AutoCloseable {

  /** The path of the Confluent-compatible API on the registry. */
  public static final String CCOMPAT_PATH = "/apis/ccompat/v7";

  /** The line {@link #main(String[])} prints once the cluster is ready. */
  public static final String READY_LINE = "runstream local cluster is ready";

  private final LocalClusterConfig config;
  private final DataDirectory data;
  private final KafkaBroker broker;
  private final ApicurioRegistry registry;
  private final List<TopicSpec> topics;
  private final ClusterSecurity security;
  private final Thread shutdownHook;
  private Duration startupDuration = Duration.ZERO;
  private boolean closed;

  private LocalCluster(
      LocalClusterConfig config,
      DataDirectory data,
      KafkaBroker broker,
      ApicurioRegistry registry,
      ClusterSecurity security) {
    this.config = config;
    this.security = security;
    this.data = data;
    this.broker = broker;
    this.registry = registry;
    this.topics = config.topics();
    this.shutdownHook = new Thread(this::closeAtJvmExit, "runstream-local-cluster-shutdown");
  }

  /**
   * Starts a cluster configured from defaults, environment variables and system properties (see
   * {@link LocalClusterConfig#fromEnvironment()}); with no overrides it listens on the standard
   * ports 9092 and 8081.
   *
   * @return the ready cluster
   * @throws ConfigException if the environment holds an invalid value
   * @throws LocalClusterException if the cluster cannot be started
   */
  public static LocalCluster start() {
    return start(LocalClusterConfig.fromEnvironment());
  }

  /**
   * Starts the broker and the registry, waits until both are ready and creates the topics that do
   * not exist yet. On failure everything already started is stopped again and the data directory is
   * wiped (unless {@code data.keep} is set) before the exception propagates.
   *
   * @param config the configuration
   * @return the ready cluster; close it to stop the child JVMs
   * @throws LocalClusterException if a fixed port is in use, the registry distribution cannot be
   *     found, a child JVM exits or is not ready within {@link LocalClusterConfig#startupTimeout()}
   *     (the message then ends with the tail of its log), or topic creation fails
   */
  public static LocalCluster start(LocalClusterConfig config) {
    long begin = System.nanoTime();
    Instant deadline = Instant.now().plus(config.startupTimeout());
    DataDirectory data = DataDirectory.open(config.dataDir());
    LocalCluster cluster = null;
    try {
      int[] ports =
          PortAllocator.resolve(
              List.of("broker", "controller", "registry", "mtls"),
              config.brokerPort(),
              config.controllerPort(),
              config.registryEnabled() ? config.registryPort() : -1,
              config.securityEnabled() ? config.mtlsPort() : -1);
      SecureMode secure = config.securityEnabled() ? SecureMode.open(data.path()) : null;
      ApicurioRegistry registry =
          config.registryEnabled()
              ? new ApicurioRegistry(
                  config.registryHome(),
                  data.path(),
                  ports[2],
                  config.registryHeap(),
                  config.registryJvmOptions())
              : null;
      KafkaBroker broker =
          new KafkaBroker(
              data.path(),
              ports[0],
              ports[1],
              ports[3],
              secure,
              config.brokerHeap(),
              config.brokerJvmOptions());
      cluster =
          new LocalCluster(
              config,
              data,
              broker,
              registry,
              secure == null ? null : new ClusterSecurity(secure, broker));
      cluster.boot(begin, deadline);
      return cluster;
    } catch (RuntimeException | Error e) {
      try {
        if (cluster != null) {
          cluster.close();
        } else if (!config.keepData()) {
          data.wipe();
        }
      } catch (RuntimeException cleanupFailure) {
        e.addSuppressed(cleanupFailure);
      }
      throw e;
    }
  }

  private synchronized void boot(long begin, Instant deadline) {
    Runtime.getRuntime().addShutdownHook(shutdownHook);
    // Both JVMs boot concurrently.
    if (registry != null) {
      registry.start();
    }
    broker.prepare();
    broker.start();
    broker.awaitReady(deadline);
    if (security != null) {
      security.createUsers(config.securityUsers(), deadline);
    }
    long brokerReady = System.nanoTime();
    TopicProvisioner.createMissing(broker.adminConfig(), topics, deadline);
    long topicsReady = System.nanoTime();
    if (registry != null) {
      registry.awaitReady(deadline);
    }
    long registryReady = System.nanoTime();
    startupDuration = Duration.ofNanos(System.nanoTime() - begin);
    log()
        .info(
            "Local cluster ready in {} ms (broker {} ms, topics {} ms, registry {}): {}",
            startupDuration.toMillis(),
            (brokerReady - begin) / 1_000_000,
            (topicsReady - brokerReady) / 1_000_000,
            registry == null ? "disabled" : (registryReady - begin) / 1_000_000 + " ms",
            this);
  }

  /**
   * The broker's bootstrap address; stable across broker restarts.
   *
   * @return {@code 127.0.0.1:<port>}
   */
  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  /**
   * The secure mode's credentials and client settings.
   *
   * @return the security of a cluster started with {@code security.enabled=true}
   * @throws LocalClusterException if the cluster runs without security
   */
  public ClusterSecurity security() {
    if (security == null) {
      throw new LocalClusterException(
          "The local cluster runs without security (security.enabled=false)");
    }
    return security;
  }

  /**
   * Whether the cluster runs in secure mode.
   *
   * @return {@code true} if {@link #security()} is available
   */
  public boolean isSecure() {
    return security != null;
  }

  /**
   * The Confluent Schema Registry compatible base URL, for {@code schema.registry.url}; stable
   * across registry restarts. For example {@code POST {url}/subjects/agent-events-value/versions}
   * registers a schema and {@code GET {url}/schemas/ids/{id}} fetches one.
   *
   * @return {@code http://127.0.0.1:<port>/apis/ccompat/v7}
   * @throws LocalClusterException if the registry is disabled by {@code registry.enabled=false}
   */
  public String schemaRegistryUrl() {
    if (registry == null) {
      throw new LocalClusterException("The schema registry is disabled (registry.enabled=false)");
    }
    return registry.baseUrl() + CCOMPAT_PATH;
  }

  /**
   * Where broker storage, registry database, generated configs and child logs live.
   *
   * @return the data directory; deleted by {@link #close()} unless {@code data.keep} is set
   */
  public Path dataDirectory() {
    return data.path();
  }

  /**
   * The topics created at start.
   *
   * @return the topic specs, immutable
   */
  public List<TopicSpec> topics() {
    return topics;
  }

  /**
   * Creates topics besides the {@linkplain #topics() ones created at start}, with replication
   * factor 1, and returns once every partition of each has a leader, so the first records sent to
   * them do not wait on metadata retries. A topic that already exists is left as it is.
   *
   * <pre>{@code
   * cluster.createTopics(List.of(new TopicSpec("my-events", 6, Map.of())));
   * }</pre>
   *
   * @param specs the topics
   * @throws LocalClusterException if a topic cannot be created or its partitions have no leader
   *     within 60 seconds
   * @throws IllegalStateException if the cluster is closed
   */
  public synchronized void createTopics(List<TopicSpec> specs) {
    ensureOpen();
    TopicProvisioner.createMissing(
        broker.adminConfig(), List.copyOf(specs), Instant.now().plusSeconds(60));
  }

  /**
   * The configuration this cluster was started with (ports as configured, 0 for free ports; the
   * actual addresses are {@link #bootstrapServers()} and {@link #schemaRegistryUrl()}).
   *
   * @return the configuration
   */
  public LocalClusterConfig config() {
    return config;
  }

  /**
   * How long {@link #start(LocalClusterConfig)} took until broker, topics and registry were ready.
   *
   * @return the startup duration
   */
  public synchronized Duration startupDuration() {
    return startupDuration;
  }

  /**
   * Stops the broker cleanly (SIGTERM, controlled shutdown), waiting until its JVM has exited; a
   * broker that takes more than 30 seconds is killed. Clients see the broker as unreachable until
   * {@link #startBroker()}. Does nothing if the broker is not running.
   *
   * @throws IllegalStateException if the cluster is closed
   */
  public synchronized void stopBroker() {
    ensureOpen();
    broker.stop();
  }

  /**
   * Kills the broker with SIGKILL, like a crash or power loss of the process: no controlled
   * shutdown, no final flush, transactions left open. {@link #startBroker()} then recovers the
   * logs. Does nothing if the broker is not running.
   *
   * @throws IllegalStateException if the cluster is closed
   */
  public synchronized void killBroker() {
    ensureOpen();
    broker.kill();
  }

  /**
   * Starts the broker again on the same ports and storage, after {@link #stopBroker()} or {@link
   * #killBroker()}, and waits until it answers admin requests. Does nothing if it is running.
   *
   * @throws IllegalStateException if the cluster is closed
   * @throws LocalClusterException if it is not ready within the startup timeout (for example
   *     because its port has been taken meanwhile)
   */
  public synchronized void startBroker() {
    ensureOpen();
    if (broker.isRunning()) {
      return;
    }
    broker.prepare();
    broker.start();
    broker.awaitReady(Instant.now().plus(config.startupTimeout()));
  }

  /**
   * Whether the broker JVM is running; it may still be starting.
   *
   * @return {@code true} if running
   */
  public synchronized boolean isBrokerRunning() {
    return broker.isRunning();
  }

  /**
   * Stops the registry (SIGTERM). Registered schemas are kept for {@link #startRegistry()}.
   * Serializers then fail to register or look up schemas that they have not cached. Does nothing if
   * the registry is not running.
   *
   * @throws IllegalStateException if the cluster is closed
   * @throws LocalClusterException if the registry is disabled
   */
  public synchronized void stopRegistry() {
    ensureOpen();
    requireRegistry().stop();
  }

  /**
   * Starts the registry again on the same port and database and waits until it is ready. Does
   * nothing if it is running.
   *
   * @throws IllegalStateException if the cluster is closed
   * @throws LocalClusterException if the registry is disabled or not ready within the startup
   *     timeout
   */
  public synchronized void startRegistry() {
    ensureOpen();
    ApicurioRegistry current = requireRegistry();
    if (current.isRunning()) {
      return;
    }
    current.start();
    current.awaitReady(Instant.now().plus(config.startupTimeout()));
  }

  /**
   * Whether the registry JVM is running; it may still be starting.
   *
   * @return {@code true} if running, {@code false} if stopped or disabled
   */
  public synchronized boolean isRegistryRunning() {
    return registry != null && registry.isRunning();
  }

  /**
   * Stops the broker and the registry and, unless {@code data.keep} is set, deletes the data
   * directory. With {@code data.keep} the broker shuts down cleanly so the next start skips log
   * recovery; otherwise its data is about to be deleted and it is killed, which is faster.
   * Idempotent.
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // Either the JVM is already shutting down (and this may be the hook) or it was never added.
    }
    RuntimeException failure = null;
    try {
      if (registry != null) {
        registry.stop();
      }
    } catch (RuntimeException e) {
      failure = e;
    }
    try {
      if (config.keepData()) {
        broker.stop();
      } else {
        broker.kill();
      }
    } catch (RuntimeException e) {
      failure = addTo(failure, e);
    }
    if (!config.keepData()) {
      try {
        data.wipe();
      } catch (RuntimeException e) {
        failure = addTo(failure, e);
      }
    }
    if (failure != null) {
      throw failure;
    }
    log().debug("Local cluster closed: {}", this);
  }

  private static RuntimeException addTo(RuntimeException first, RuntimeException next) {
    if (first == null) {
      return next;
    }
    first.addSuppressed(next);
    return first;
  }

  private void closeAtJvmExit() {
    try {
      close();
    } catch (RuntimeException e) {
      System.err.println("runstream: closing the local cluster at JVM exit failed: " + e);
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new IllegalStateException("The local cluster is closed");
    }
  }

  private ApicurioRegistry requireRegistry() {
    if (registry == null) {
      throw new LocalClusterException("The schema registry is disabled (registry.enabled=false)");
    }
    return registry;
  }

  // Looked up lazily so that main() can choose the logging configuration first.
  private static Logger log() {
    return LoggerFactory.getLogger(LocalCluster.class);
  }

  @Override
  public String toString() {
    return "LocalCluster{bootstrap.servers="
        + bootstrapServers()
        + ", schema.registry.url="
        + (registry == null ? "disabled" : schemaRegistryUrl())
        + ", data="
        + data
        + "}";
  }

  /**
   * Runs a cluster until the JVM is stopped (Ctrl-C or SIGTERM), for the demo and for manual
   * experiments. Configured like {@link #start()}: defaults (ports 9092 and 8081, a temporary data
   * directory deleted at exit), environment variables such as {@code RUNSTREAM_CLUSTER_BROKER_PORT}
   * and system properties such as {@code -Drunstream.cluster.data.keep=true}. Prints the addresses
   * as {@code key=value} lines, then {@value #READY_LINE}.
   *
   * <pre>
   * java -cp ... dev.runstream.cluster.LocalCluster
   * </pre>
   *
   * <p>Exits with status 2 on invalid configuration and 1 if the cluster cannot start.
   *
   * @param args ignored
   * @throws InterruptedException never in practice; the main thread waits for JVM shutdown
   */
  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("logback.configurationFile") == null) {
      System.setProperty(
          "logback.configurationFile", "dev/runstream/cluster/internal/launcher-logback.xml");
    }
    PrintStream out = System.out;
    LocalCluster cluster;
    try {
      cluster = start(LocalClusterConfig.fromEnvironment());
    } catch (ConfigException e) {
      System.err.println("Invalid local cluster configuration: " + e.getMessage());
      System.exit(2);
      return;
    } catch (RuntimeException e) {
      System.err.println("The local cluster did not start: " + e.getMessage());
      System.exit(1);
      return;
    }
    out.println("bootstrap.servers=" + cluster.bootstrapServers());
    if (cluster.registry != null) {
      out.println("schema.registry.url=" + cluster.schemaRegistryUrl());
    }
    out.println("data.dir=" + cluster.dataDirectory());
    if (cluster.security != null) {
      out.println("security.protocol=SASL_SSL");
      out.println("mtls.bootstrap.servers=" + cluster.security.mtlsBootstrapServers());
      out.println("security.dir=" + cluster.security.directory());
      out.println("users=" + cluster.security.users());
    }
    for (TopicSpec topic : cluster.topics()) {
      out.println(
          "topic="
              + topic.name()
              + " partitions="
              + topic.partitions()
              + (topic.configs().isEmpty() ? "" : " configs=" + new TreeMap<>(topic.configs())));
    }
    out.println(
        READY_LINE + " in " + cluster.startupDuration().toMillis() + " ms; Ctrl-C stops it");
    out.flush();
    // The shutdown hook registered by start() closes the cluster; this thread just keeps the JVM
    // up.
    Thread.currentThread().join();
  }
}
