package dev.runstream.cluster.internal;

import dev.runstream.cluster.LocalClusterException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single-node KRaft broker (combined broker and controller roles) in a child JVM, configured for
 * tests: loopback listeners, replication factor 1 everywhere, no automatic topic creation.
 */
public final class KafkaBroker {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaBroker.class);

  private static final Duration CLEAN_SHUTDOWN_GRACE = Duration.ofSeconds(30);

  private final Path logDirectory;
  private final Path propertiesFile;
  private final Path logbackFile;
  private final Path outputFile;
  private final Path workDirectory;
  private final int port;
  private final int controllerPort;
  private final int mtlsPort;
  private final SecureMode secure;
  private final String heap;
  private final List<String> extraJvmOptions;
  private ChildJvm jvm;

  /**
   * Describes a broker; nothing is written or started yet.
   *
   * @param dataDirectory the cluster's data directory
   * @param port the PLAINTEXT port, already chosen
   * @param controllerPort the controller port, already chosen
   * @param mtlsPort the mutual-TLS port in secure mode, ignored otherwise
   * @param secure the secure mode, or {@code null} for PLAINTEXT listeners
   * @param heap the maximum heap, as in {@code -Xmx}
   * @param extraJvmOptions options appended after the built-in ones
   */
  public KafkaBroker(
      Path dataDirectory,
      int port,
      int controllerPort,
      int mtlsPort,
      SecureMode secure,
      String heap,
      List<String> extraJvmOptions) {
    this.logDirectory = dataDirectory.resolve(DataDirectory.KAFKA).resolve("data");
    this.workDirectory = dataDirectory.resolve(DataDirectory.KAFKA);
    this.propertiesFile = dataDirectory.resolve(DataDirectory.CONF).resolve("server.properties");
    this.logbackFile = dataDirectory.resolve(DataDirectory.CONF).resolve("broker-logback.xml");
    this.outputFile = dataDirectory.resolve(DataDirectory.LOGS).resolve("broker.log");
    this.port = port;
    this.controllerPort = controllerPort;
    this.mtlsPort = mtlsPort;
    this.secure = secure;
    this.heap = heap;
    this.extraJvmOptions = List.copyOf(extraJvmOptions);
  }

  /**
   * The address clients bootstrap from.
   *
   * @return {@code 127.0.0.1:<port>}
   */
  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  /**
   * The mutual-TLS listener's address (secure mode only).
   *
   * @return {@code 127.0.0.1:<mtls port>}
   */
  public String mtlsBootstrapServers() {
    return "127.0.0.1:" + mtlsPort;
  }

  /**
   * Writes the broker's configs; the broker JVM formats its storage on first start (see {@link
   * BrokerMain}).
   */
  public void prepare() {
    try {
      Files.createDirectories(propertiesFile.getParent());
      Files.createDirectories(logDirectory);
      Files.writeString(propertiesFile, serverProperties(), StandardCharsets.UTF_8);
      Files.writeString(logbackFile, LogbackConfig.warnToConsole(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new LocalClusterException("Cannot write the broker config to " + propertiesFile, e);
    }
  }

  private String serverProperties() {
    String listener = "127.0.0.1:" + port;
    String controller = "127.0.0.1:" + controllerPort;
    List<String> listeners =
        secure != null
            ? secure.brokerProperties(port, mtlsPort, controllerPort)
            : List.of(
                "listeners=PLAINTEXT://" + listener + ",CONTROLLER://" + controller,
                "advertised.listeners=PLAINTEXT://" + listener,
                "controller.listener.names=CONTROLLER",
                "inter.broker.listener.name=PLAINTEXT",
                "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    return String.join(
            "\n",
            "# Written by runstream LocalCluster; rewritten at every broker start.",
            "process.roles=broker,controller",
            "node.id=1",
            "controller.quorum.voters=1@" + controller,
            String.join("\n", listeners),
            "log.dirs=" + logDirectory.toAbsolutePath(),
            "auto.create.topics.enable=false",
            "num.partitions=1",
            "default.replication.factor=1",
            "min.insync.replicas=1",
            "offsets.topic.replication.factor=1",
            "offsets.topic.num.partitions=4",
            "transaction.state.log.replication.factor=1",
            "transaction.state.log.min.isr=1",
            "transaction.state.log.num.partitions=4",
            "share.coordinator.state.topic.replication.factor=1",
            "share.coordinator.state.topic.min.isr=1",
            "share.coordinator.state.topic.num.partitions=1",
            "group.initial.rebalance.delay.ms=0",
            // After a kill, the restarted broker may register only once its old session has
            // expired.
            "broker.heartbeat.interval.ms=500",
            "broker.session.timeout.ms=3000",
            // A two-core test machine gains nothing from Kafka's server-sized thread pools.
            "num.network.threads=2",
            "num.io.threads=4",
            "background.threads=4",
            "num.recovery.threads.per.data.dir=2",
            // The cleaner's default 128 MiB dedupe buffer would take a quarter of a small heap.
            "log.cleaner.dedupe.buffer.size=16777216",
            "log.cleaner.backoff.ms=1000",
            "")
        .replace("\\", "\\\\");
  }

  /** Starts the broker JVM; see {@link #awaitReady(Instant)}. */
  public void start() {
    if (isRunning()) {
      return;
    }
    List<String> jvmOptions =
        new ArrayList<>(
            List.of(
                "-Xms64m",
                "-Xmx" + heap,
                "-XX:MaxGCPauseMillis=20",
                "-XX:+ExitOnOutOfMemoryError",
                "-Djava.awt.headless=true",
                "-Dlogback.configurationFile=" + logbackFile.toAbsolutePath()));
    jvmOptions.addAll(extraJvmOptions);
    jvm =
        ChildJvm.launch(
            "broker",
            jvmOptions,
            ChildJvm.classpathWithGuard(System.getProperty("java.class.path")),
            BrokerMain.class.getName(),
            List.of(
                propertiesFile.toAbsolutePath().toString(),
                logDirectory.toAbsolutePath().toString(),
                Uuid.randomUuid().toString()),
            workDirectory,
            outputFile);
    LOG.debug("Started {}", jvm);
  }

  /**
   * Waits until the listener accepts connections and the broker answers a describe-cluster request
   * with itself as a live node.
   *
   * @param deadline when to give up
   * @throws LocalClusterException with the tail of the broker log if the JVM exits or the deadline
   *     passes first
   */
  public void awaitReady(Instant deadline) {
    ChildJvm current = requireStarted();
    Readiness.awaitPort(current, port, deadline);
    if (secure != null) {
      Readiness.awaitPort(current, mtlsPort, deadline);
    }
    try (Admin admin = Admin.create(adminConfig())) {
      Exception last = null;
      while (Instant.now().isBefore(deadline)) {
        if (!current.isAlive()) {
          throw current.failure("The broker exited during startup", last);
        }
        try {
          int nodes =
              admin
                  .describeCluster(new DescribeClusterOptions().timeoutMs(2_000))
                  .nodes()
                  .get(3, TimeUnit.SECONDS)
                  .size();
          if (nodes > 0) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new LocalClusterException("Interrupted while waiting for the broker", e);
        }
        Readiness.pause();
      }
      throw current.failure("The broker was not ready before the startup timeout", last);
    }
  }

  /**
   * Admin client settings for short-lived admin clients of this broker.
   *
   * @return a new mutable-free map
   */
  public Map<String, Object> adminConfig() {
    Map<String, Object> config = new HashMap<>();
    if (secure != null) {
      config.putAll(secure.mtlsClientConfig(mtlsBootstrapServers(), SecureMode.ADMIN));
    }
    config.putAll(
        Map.of(
            AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
            secure != null ? mtlsBootstrapServers() : bootstrapServers(),
            AdminClientConfig.CLIENT_ID_CONFIG,
            "runstream-local-cluster",
            AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
            5_000,
            AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
            10_000,
            AdminClientConfig.RETRY_BACKOFF_MS_CONFIG,
            100,
            AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG,
            500));
    return Map.copyOf(config);
  }

  /** Stops the broker cleanly (SIGTERM), killing it if that takes longer than 30 seconds. */
  public void stop() {
    if (jvm != null) {
      jvm.stop(CLEAN_SHUTDOWN_GRACE);
      jvm = null;
    }
  }

  /** Kills the broker with SIGKILL, leaving its storage as a crash would. */
  public void kill() {
    if (jvm != null) {
      jvm.kill();
      jvm = null;
    }
  }

  /**
   * Whether the broker JVM is running (not necessarily ready).
   *
   * @return {@code true} while alive
   */
  public boolean isRunning() {
    return jvm != null && jvm.isAlive();
  }

  /**
   * The running JVM.
   *
   * @return the child
   * @throws IllegalStateException if not started
   */
  ChildJvm requireStarted() {
    if (jvm == null) {
      throw new IllegalStateException("The broker is not started");
    }
    return jvm;
  }
}
