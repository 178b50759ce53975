package dev.runstream.topology;

import dev.runstream.topology.internal.QueryServer;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One instance of the workflow topology application: Kafka Streams running {@link
 * WorkflowTopology}, and the interactive-query HTTP server in front of its stores.
 *
 * <pre>{@code
 * try (TopologyApp app = TopologyApp.start(TopologyConfig.fromEnvironment())) {
 *   app.awaitRunning(Duration.ofSeconds(60));
 *   // GET app.httpAddress().resolve("/workflows/" + id)
 * }
 * }</pre>
 *
 * <h2>HTTP API</h2>
 *
 * Every instance answers every request; what another instance owns is fetched from it, found
 * through Kafka Streams' {@code application.server} metadata ({@link
 * TopologyConfig#HTTP_ADVERTISED_HOST_CONFIG} and the bound port). JSON uses the Avro field names
 * (snake_case), unwraps unions, writes timestamps as ISO-8601 strings, {@code cost_usd} as a
 * decimal string and enums as names. Responses carry {@value #SERVED_BY_HEADER}, naming the
 * instance whose stores answered. While state is rebalancing or restoring, queries answer {@code
 * 503} with {@code Retry-After}.
 *
 * <ul>
 *   <li>{@code GET /workflows/{id}}: the {@code WorkflowRun} with its text; {@code 404} if unknown.
 *       Add {@code ?root=<root_workflow_id>} for a sub-workflow: the tree lives on its root's
 *       partition, so the hint sends the request straight to the owner; without it, a miss at the
 *       id's owner is followed by asking every instance.
 *   <li>{@code GET /workflows?status=RUNNING|FINISHED|FAILED&limit=100}: runs without {@code text},
 *       {@code steps} and {@code tool_results}, sorted by workflow id, from all instances ({@code
 *       {"workflows": [...], "count": n}}). It scans the stores below their cache, so it may lag by
 *       one commit interval.
 *   <li>{@code GET /usage?dimension=AGENT|MODEL|TENANT&key=...&from=ISO&to=ISO}: usage windows
 *       starting in [from, to] (default: the last 24 hours), including the still open ones ({@code
 *       {"aggregates": [...]}}); with a dimension and a key, answered by the owner of that key.
 *   <li>{@code GET /health}: Kafka Streams state and this instance's partitions; {@code 200} when
 *       RUNNING ({@code /ready} alike). {@code GET /metrics}: Prometheus text with Kafka Streams
 *       and topology metrics.
 * </ul>
 *
 * <h2>Startup</h2>
 *
 * {@link #start} binds the HTTP port, checks that the four topics exist (failing fast with {@link
 * RunstreamTopologyException} otherwise), raises the runs topic's {@code max.message.bytes} to
 * {@link TopologyConfig#maxRecordBytes()} when allowed ({@link
 * TopologyConfig#ALIGN_RUNS_TOPIC_CONFIG}), then starts Kafka Streams. A stream thread that dies of
 * an unexpected error is replaced; it resumes from the last committed transaction.
 */
public final class TopologyApp implements AutoCloseable {
  /** Response header naming the instance whose stores answered a query. */
  public static final String SERVED_BY_HEADER = QueryServer.SERVED_BY_HEADER;

  /** The line {@link #main} prints once the application is started. */
  public static final String READY_LINE = "runstream topology started";

  private static final Logger log = LoggerFactory.getLogger(TopologyApp.class);
  private static final Duration ADMIN_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration TOPICS_GRACE = Duration.ofSeconds(5);

  private final TopologyConfig config;
  private final QueryServer server;
  private final WorkflowTopology topology;
  private final KafkaStreams streams;
  private final AtomicReference<RunstreamTopologyException> fatal;

  private TopologyApp(
      TopologyConfig config,
      QueryServer server,
      WorkflowTopology topology,
      KafkaStreams streams,
      AtomicReference<RunstreamTopologyException> fatal) {
    this.fatal = fatal;
    this.config = config;
    this.server = server;
    this.topology = topology;
    this.streams = streams;
  }

  /**
   * Starts an instance with the Confluent-format Avro serdes of {@link
   * TopologySerdes#registry(dev.runstream.schemas.AvroSerdeConfig)}.
   *
   * @param config the configuration
   * @return the running instance; close it
   * @throws RunstreamTopologyException if the HTTP port cannot be bound, a topic is missing or the
   *     cluster cannot be reached
   */
  public static TopologyApp start(TopologyConfig config) {
    return start(config, TopologySerdes.registry(config.avroSerdeConfig()));
  }

  /**
   * Starts an instance with the given serdes.
   *
   * @param config the configuration
   * @param serdes the serdes of the external topics
   * @return the running instance; close it
   * @throws RunstreamTopologyException if the HTTP port cannot be bound, a topic is missing or the
   *     cluster cannot be reached
   */
  public static TopologyApp start(TopologyConfig config, TopologySerdes serdes) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(serdes, "serdes");
    QueryServer server =
        new QueryServer(config.http(), config.queryToken(), config.queryFreshnessMaxWait());
    WorkflowTopology topology = null;
    try {
      TopologyConfig effective = prepareTopics(config);
      String applicationServer = server.self().host() + ":" + server.self().port();
      topology = WorkflowTopology.create(effective, serdes, applicationServer);
      KafkaStreams streams = new KafkaStreams(topology.topology(), topology.streamsProperties());
      AtomicReference<RunstreamTopologyException> fatal = new AtomicReference<>();
      streams.setUncaughtExceptionHandler(
          e -> {
            RunstreamTopologyException denied = accessDenied(effective, e);
            if (denied != null) {
              // A new thread would be refused the same way, forever.
              fatal.compareAndSet(null, denied);
              log.error(denied.getMessage(), e);
              return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            log.error("A stream thread failed; replacing it", e);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
          });
      streams.start();
      server.start(
          streams,
          effective.usageWindows().size(),
          topology.internalMetrics(),
          effective.topics().events());
      log.info(
          "Topology {} started: application.server={}, events={}",
          effective.applicationId(),
          applicationServer,
          effective.topics().events());
      return new TopologyApp(effective, server, topology, streams, fatal);
    } catch (RuntimeException e) {
      server.close();
      if (topology != null) {
        topology.close();
      }
      throw e instanceof RunstreamTopologyException
          ? e
          : new RunstreamTopologyException("The topology did not start: " + e, e);
    }
  }

  /**
   * The startup failure for a refused login or a missing ACL anywhere in {@code e}'s causes, or
   * {@code null} for any other failure.
   */
  private static RunstreamTopologyException accessDenied(TopologyConfig config, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String needed = null;
      if (t instanceof TransactionalIdAuthorizationException) {
        needed =
            "WRITE and DESCRIBE on transactional ids prefixed '" + config.applicationId() + "'";
      } else if (t instanceof GroupAuthorizationException) {
        needed = "READ on the consumer group '" + config.applicationId() + "'";
      } else if (t instanceof TopicAuthorizationException topics) {
        needed =
            "READ, WRITE, DESCRIBE and CREATE on topics prefixed '"
                + config.applicationId()
                + "', READ on "
                + config.topics().events()
                + " and WRITE on the output topics; refused: "
                + topics.unauthorizedTopics();
      } else if (t instanceof AuthorizationException) {
        needed = "the ACLs that `runstream acl` grants the topology";
      } else if (t instanceof AuthenticationException) {
        return new RunstreamTopologyException(
            "The topology cannot log in to "
                + config.bootstrapServers()
                + " ("
                + t.getMessage()
                + "); check security.protocol, the SASL user and password or the certificates."
                + " Kafka Streams is shut down: retrying cannot fix credentials.",
            t);
      }
      if (needed != null) {
        return new RunstreamTopologyException(
            "The topology's principal is not authorized ("
                + t.getClass().getSimpleName()
                + ": "
                + t.getMessage()
                + "). It needs "
                + needed
                + "; apply them with `runstream acl` and start again. Kafka Streams is shut"
                + " down.",
            t);
      }
    }
    return null;
  }

  /**
   * Checks that the topics exist and that the runs topic accepts records of {@code maxRecordBytes},
   * raising its limit if allowed; returns the config to run with, whose {@code maxRecordBytes}
   * never exceeds what the runs topic accepts.
   */
  private static TopologyConfig prepareTopics(TopologyConfig config) {
    Map<String, Object> adminProps = new HashMap<>(config.securityProperties());
    Set<String> adminKeys = AdminClientConfig.configNames();
    config
        .streamsOverrides()
        .forEach(
            (k, v) -> {
              if (adminKeys.contains(k)) {
                adminProps.put(k, v);
              }
            });
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    adminProps.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    adminProps.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) ADMIN_TIMEOUT.toMillis());
    TopologyConfig.Topics topics = config.topics();
    List<String> names =
        new ArrayList<>(
            List.of(
                topics.events(),
                topics.runs(),
                topics.usage(),
                topics.deadLetter(),
                config.pricesTopic()));
    TopologyConfig.BudgetTopics budgetTopics = config.budgetTopics();
    List<String> budgetNames =
        config.budgetsEnabled()
            ? List.of(budgetTopics.budgets(), budgetTopics.budgetEvents(), budgetTopics.control())
            : List.of();
    names.addAll(budgetNames);
    try (Admin admin = Admin.create(adminProps)) {
      // Topics just created and ACLs just granted reach this broker's metadata and authorizer a
      // moment later: a short grace keeps a start right after `runstream acl` from failing.
      long graceEnd = System.nanoTime() + TOPICS_GRACE.toNanos();
      Set<String> missing = new TreeSet<>(names);
      while (true) {
        missing.removeAll(
            admin.listTopics().names().get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS));
        if (missing.isEmpty() || System.nanoTime() > graceEnd) {
          break;
        }
        Thread.sleep(250);
      }
      if (!missing.isEmpty()) {
        throw new RunstreamTopologyException(
            "Topics "
                + missing
                + " do not exist on "
                + config.bootstrapServers()
                + " or the topology's principal may not DESCRIBE them; create them first (the"
                + " local cluster creates the runstream topics) and grant the ACLs (`runstream"
                + " acl`)"
                + (budgetNames.stream().anyMatch(missing::contains)
                    ? "; or set "
                        + TopologyConfig.BUDGETS_ENABLED_CONFIG
                        + "=false to run without budget guardrails"
                    : ""));
      }
      ConfigResource runs = new ConfigResource(ConfigResource.Type.TOPIC, topics.runs());
      Config runsConfig =
          admin
              .describeConfigs(List.of(runs))
              .all()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
              .get(runs);
      ConfigEntry entry = runsConfig.get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
      int limit = entry == null ? Integer.MAX_VALUE : Integer.parseInt(entry.value());
      if (limit >= config.maxRecordBytes()) {
        return config;
      }
      if (config.alignRunsTopic()) {
        try {
          admin
              .incrementalAlterConfigs(
                  Map.of(
                      runs,
                      List.of(
                          new AlterConfigOp(
                              new ConfigEntry(
                                  TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                                  Integer.toString(config.maxRecordBytes())),
                              AlterConfigOp.OpType.SET))))
              .all()
              .get(ADMIN_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
          log.info(
              "Raised {} of topic {} from {} to {}",
              TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
              topics.runs(),
              limit,
              config.maxRecordBytes());
          return config;
        } catch (ExecutionException e) {
          log.warn(
              "Cannot raise {} of topic {} ({}); runs above {} bytes will not be published",
              TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
              topics.runs(),
              e.getCause().toString(),
              limit);
        }
      }
      return config.toBuilder()
          .set(TopologyConfig.MAX_RECORD_BYTES_CONFIG, Math.max(limit, 1024 * 1024))
          .build();
    } catch (ExecutionException | TimeoutException e) {
      throw new RunstreamTopologyException(
          "Cannot inspect the topics on " + config.bootstrapServers() + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RunstreamTopologyException("Interrupted while inspecting the topics", e);
    }
  }

  /**
   * The configuration the instance runs with (its {@code maxRecordBytes} may have been lowered to
   * what the runs topic accepts).
   *
   * @return the configuration
   */
  public TopologyConfig config() {
    return config;
  }

  /**
   * The base address of this instance's HTTP API.
   *
   * @return {@code http://<advertised host>:<port>/}
   */
  public URI httpAddress() {
    return URI.create("http://" + server.self().host() + ":" + server.self().port() + "/");
  }

  /**
   * The Kafka Streams instance, for its state, metadata and metrics.
   *
   * @return the running Kafka Streams
   */
  public KafkaStreams streams() {
    return streams;
  }

  /**
   * Waits until Kafka Streams is RUNNING (it has its partitions and restored their state).
   *
   * @param timeout how long to wait at most
   * @return {@code true} if running, {@code false} on timeout
   * @throws RunstreamTopologyException if it failed or was shut down
   */
  public boolean awaitRunning(Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      KafkaStreams.State state = streams.state();
      if (state == KafkaStreams.State.RUNNING) {
        return true;
      }
      if (fatal.get() != null) {
        throw fatal.get();
      }
      if (state == KafkaStreams.State.ERROR
          || state == KafkaStreams.State.PENDING_ERROR
          || state == KafkaStreams.State.NOT_RUNNING
          || state == KafkaStreams.State.PENDING_SHUTDOWN) {
        throw new RunstreamTopologyException("Kafka Streams is " + state);
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
    }
    return false;
  }

  /**
   * The topology's own metrics; see {@link WorkflowTopology#metrics()}.
   *
   * @return the metrics, live
   */
  public Map<MetricName, ? extends Metric> metrics() {
    return topology.metrics();
  }

  /**
   * The value of one of the topology's counters, summed over its tags.
   *
   * @param name for example {@code dead-letter-records-total}
   * @return the total
   */
  public double metricTotal(String name) {
    return topology.metricTotal(name);
  }

  /**
   * Stops the HTTP server and Kafka Streams (committing what was processed) and unregisters the
   * metrics. Idempotent.
   */
  @Override
  public void close() {
    server.close();
    streams.close(Duration.ofSeconds(30));
    topology.close();
  }

  /**
   * Runs an instance until the JVM is stopped, configured by {@link
   * TopologyConfig#fromEnvironment()} (environment variables such as {@code
   * RUNSTREAM_BOOTSTRAP_SERVERS} and {@code RUNSTREAM_TOPOLOGY_HTTP_PORT}, or system properties
   * such as {@code -Drunstream.topology.http.port=8090}). Prints {@code http=<address>} and {@value
   * #READY_LINE}. Exits with status 2 on invalid configuration, 1 if it cannot start.
   *
   * @param args ignored
   * @throws InterruptedException never in practice; the main thread waits for JVM shutdown
   */
  public static void main(String[] args) throws InterruptedException {
    TopologyConfig config;
    try {
      config = TopologyConfig.fromEnvironment();
    } catch (TopologyConfigException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    TopologyApp app;
    try {
      app = start(config);
    } catch (RunstreamTopologyException e) {
      System.err.println(e.getMessage());
      System.exit(1);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(app::close, "runstream-topology-shutdown"));
    System.out.println("http=" + app.httpAddress());
    System.out.println(READY_LINE + ": application.id=" + config.applicationId());
    System.out.flush();
    while (app.failure().isEmpty()) {
      Thread.sleep(200);
    }
    System.err.println(app.failure().get().getMessage());
    System.exit(1);
  }

  /**
   * The failure that shut Kafka Streams down for good: a refused login or a missing ACL, which a
   * replaced stream thread would only meet again.
   *
   * @return the failure, or empty while the instance runs (or recovers by replacing threads)
   */
  public Optional<RunstreamTopologyException> failure() {
    return Optional.ofNullable(fatal.get());
  }
}
