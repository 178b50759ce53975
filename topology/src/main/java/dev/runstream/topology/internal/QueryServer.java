package dev.runstream.topology.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.runstream.schemas.AvroJson;
import dev.runstream.schemas.QueryServiceToken;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.UsageDimension;
import dev.runstream.schemas.WorkflowRun;
import dev.runstream.topology.RunstreamTopologyException;
import dev.runstream.topology.TopologyConfig;
import dev.runstream.topology.WorkflowTopology;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyQueryMetadata;
import org.apache.kafka.streams.StreamsMetadata;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The interactive-query HTTP server of one instance (JDK {@code com.sun.net.httpserver}).
 *
 * <ul>
 *   <li>{@code GET /workflows/{id}[?root=R]}: one run as JSON. The owner of the partition of {@code
 *       root} (or of {@code id}, which is right for root workflows) is found from Kafka Streams'
 *       {@code application.server} metadata; the request is answered locally or forwarded to it. A
 *       sub-workflow lives on its root's partition, so without {@code root} a miss there is
 *       followed by asking every instance.
 *   <li>{@code GET /workflows/{id}?at_least=P:O}: read-your-event. The answer reflects at least
 *       every event of partition {@code P} of the events topic up to offset {@code O} (IQv2 {@code
 *       PositionBound}): the owner of partition {@code P} waits up to {@link
 *       TopologyConfig#QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG} for its store to get there, then answers
 *       503 with {@code Retry-After} and {@code "reason": "not_fresh"}. A malformed token, or a
 *       partition the topic does not have, is a 400. Every run answer carries {@value
 *       #POSITION_HEADER}, the position it reflects, in the same format.
 *   <li>{@code GET /workflows[?status=RUNNING][&limit=N]}: runs without text, steps and tool
 *       results, from every instance, sorted by workflow id.
 *   <li>{@code GET /usage[?dimension=MODEL][&key=gpt-4o][&from=ISO][&to=ISO]}: usage windows; with
 *       dimension and key, from the instance that owns that key, else from every instance.
 *   <li>{@code GET /health} and {@code GET /ready}: 200 while Kafka Streams is RUNNING, else 503
 *       (with the state and the active partitions).
 *   <li>{@code GET /metrics}: Prometheus text (Micrometer): Kafka Streams' metrics ({@code
 *       KafkaStreamsMetrics}: {@code kafka_stream_*}, with the embedded clients'), the topology's
 *       own counters ({@code runstream_topology_*}) and JVM basics; {@code ?format=json} gives the
 *       topology's counters as a JSON object.
 * </ul>
 *
 * <p>Requests with {@code scope=local} are answered from this instance's stores only; instances use
 * it among themselves, so no request is forwarded twice. Answers carry {@value #SERVED_BY_HEADER}.
 * While the instance is rebalancing or restoring, queries answer 503 with {@code Retry-After}.
 */
public final class QueryServer implements AutoCloseable {
  /**
   * Response header of {@code GET /workflows/{id}}: the position of the store that answered, {@code
   * partition:offset} — the run reflects every event of that partition of the events topic up to
   * and including that offset, and none after it. The same token is what {@code at_least} takes.
   */
  public static final String POSITION_HEADER = "X-Runstream-Position";

  /** Response header naming the instance ({@code host:port}) whose stores answered. */
  public static final String SERVED_BY_HEADER = "X-Runstream-Served-By";

  private static final Logger log = LoggerFactory.getLogger(QueryServer.class);
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final Set<String> LIST_OMITS = Set.of("text", "steps", "tool_results");
  private static final int DEFAULT_LIMIT = 100;
  private static final int MAX_LIMIT = 10_000;

  static {
    // Headers and body leave in separate writes; without TCP_NODELAY, Nagle's algorithm and the
    // client's delayed ACK hold the body back for ~40 ms on every request.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  /** Routes that probes and scrapers reach without the query token; they carry no run content. */
  private static final Set<String> OPEN_PATHS = Set.of("/health", "/ready", "/metrics");

  private final HttpServer server;
  private final ExecutorService executor;
  private final ExecutorService workers;
  private final HttpClient client;
  private final Duration forwardTimeout;
  private final HostInfo self;
  private final Password token;
  private final Duration freshnessMaxWait;
  private volatile String eventsTopic;
  private volatile KafkaStreams streams;
  private volatile LocalQueries queries;
  private volatile TopologyMetrics metrics;
  private volatile PrometheusMeterRegistry registry;
  private volatile KafkaStreamsMetrics streamsMetrics;

  /**
   * Binds the server (port 0 picks a free one); it serves once {@link #start} is called.
   *
   * @throws RunstreamTopologyException if the address cannot be bound
   */
  public QueryServer(TopologyConfig.Http http) {
    this(http, null);
  }

  /**
   * Binds the server, requiring {@code token} on every query route when it is not {@code null}.
   *
   * @throws RunstreamTopologyException if the address cannot be bound
   */
  public QueryServer(TopologyConfig.Http http, Password token) {
    this(http, token, Duration.ofSeconds(5));
  }

  /**
   * Binds the server; a read-your-event query ({@code at_least}) waits up to {@code
   * freshnessMaxWait} for the store to catch up.
   *
   * @throws RunstreamTopologyException if the address cannot be bound
   */
  public QueryServer(TopologyConfig.Http http, Password token, Duration freshnessMaxWait) {
    this.token = token;
    this.freshnessMaxWait = freshnessMaxWait;
    try {
      server = HttpServer.create(new InetSocketAddress(http.host(), http.port()), 64);
    } catch (IOException e) {
      throw new RunstreamTopologyException(
          "Cannot bind the query server to " + http.host() + ":" + http.port() + ": " + e, e);
    }
    AtomicInteger threads = new AtomicInteger();
    executor =
        Executors.newFixedThreadPool(
            http.threads(),
            r -> {
              Thread t = new Thread(r, "runstream-query-http-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    // Fan-out and forwarding run apart from the request threads, which wait for them.
    workers =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "runstream-query-worker-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    forwardTimeout = http.forwardTimeout();
    client = HttpClient.newBuilder().connectTimeout(forwardTimeout).executor(workers).build();
    self = new HostInfo(http.advertisedHost(), server.getAddress().getPort());
    server.createContext("/", this::handle);
  }

  /** This instance as other instances reach it: the {@code application.server}. */
  public HostInfo self() {
    return self;
  }

  /** The bound port. */
  public int port() {
    return server.getAddress().getPort();
  }

  /** Starts serving queries against {@code streams}, whose runs are built from {@code events}. */
  public void start(
      KafkaStreams streams, Duration windowSize, TopologyMetrics metrics, String events) {
    this.eventsTopic = events;
    this.streams = streams;
    this.queries = new LocalQueries(streams, windowSize);
    this.metrics = metrics;
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    prometheus.config().commonTags("application", "runstream-topology");
    new JvmMemoryMetrics().bindTo(prometheus);
    new ProcessorMetrics().bindTo(prometheus);
    KafkaStreamsMetrics kafka = new KafkaStreamsMetrics(streams);
    kafka.bindTo(prometheus);
    metrics
        .all()
        .forEach(
            (name, metric) ->
                FunctionCounter.builder(
                        "runstream.topology." + name.name().replace('-', '.'),
                        metric,
                        m -> ((Number) m.metricValue()).doubleValue())
                    .tags(
                        name.tags().entrySet().stream()
                            .map(t -> Tag.of(t.getKey(), t.getValue()))
                            .toList())
                    .description(name.description())
                    .register(prometheus));
    this.streamsMetrics = kafka;
    this.registry = prometheus;
    server.start();
  }

  @Override
  public void close() {
    server.stop(0);
    if (streamsMetrics != null) {
      streamsMetrics.close();
    }
    if (registry != null) {
      registry.close();
    }
    executor.shutdownNow();
    workers.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private record Reply(
      int status, byte[] body, String servedBy, String contentType, String position) {
    Reply(int status, byte[] body, String servedBy) {
      this(status, body, servedBy, "application/json", null);
    }

    Reply(int status, byte[] body, String servedBy, String contentType) {
      this(status, body, servedBy, contentType, null);
    }

    static Reply json(int status, byte[] body, HostInfo servedBy) {
      return new Reply(status, body, servedBy == null ? null : hostString(servedBy));
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    Reply reply;
    try {
      if (!"GET".equals(exchange.getRequestMethod())) {
        reply = error(405, "only GET is supported");
      } else if (token != null
          && !OPEN_PATHS.contains(exchange.getRequestURI().getRawPath())
          && !QueryServiceToken.accepts(
              exchange.getRequestHeaders().getFirst("Authorization"), token)) {
        exchange.getResponseHeaders().set("WWW-Authenticate", "Bearer realm=\"runstream-query\"");
        reply =
            error(
                401,
                "the query service requires 'Authorization: Bearer <query.token>'; set"
                    + " query.token (RUNSTREAM_QUERY_TOKEN) to the topology's");
      } else {
        reply = route(exchange.getRequestURI());
      }
    } catch (LocalQueries.UnavailableException | InvalidStateStoreException e) {
      reply = error(503, "state is not queryable right now (rebalancing or restoring): " + e);
    } catch (IllegalArgumentException e) {
      reply = error(400, e.getMessage());
    } catch (RuntimeException e) {
      log.warn("Query {} failed", exchange.getRequestURI(), e);
      reply = error(500, e.toString());
    }
    exchange.getResponseHeaders().set("Content-Type", reply.contentType());
    if (reply.servedBy() != null) {
      exchange.getResponseHeaders().set(SERVED_BY_HEADER, reply.servedBy());
    }
    if (reply.position() != null) {
      exchange.getResponseHeaders().set(POSITION_HEADER, reply.position());
    }
    if (reply.status() == 503) {
      exchange.getResponseHeaders().set("Retry-After", "1");
    }
    exchange.sendResponseHeaders(reply.status(), reply.body().length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(reply.body());
    }
  }

  private Reply route(URI uri) {
    String path = uri.getRawPath();
    Map<String, String> params = params(uri.getRawQuery());
    boolean local = "local".equals(params.get("scope"));
    if (path.equals("/health") || path.equals("/ready")) {
      return health();
    }
    if (path.equals("/metrics")) {
      return "json".equals(params.get("format")) ? countersReply() : metricsReply();
    }
    if (streams == null) {
      return error(503, "starting");
    }
    if (path.equals("/workflows") || path.equals("/workflows/")) {
      return listRuns(params, local);
    }
    if (path.startsWith("/workflows/")) {
      String id = URLDecoder.decode(path.substring("/workflows/".length()), StandardCharsets.UTF_8);
      if (id.isEmpty() || id.contains("/")) {
        return error(404, "no such resource: " + path);
      }
      return getRun(id, params, local);
    }
    if (path.equals("/usage")) {
      return usage(params, local);
    }
    return error(404, "no such resource: " + path);
  }

  private Reply getRun(String id, Map<String, String> params, boolean local) {
    if (params.containsKey("at_least")) {
      return getFreshRun(id, FreshnessToken.parse(params.get("at_least")), local);
    }
    if (local) {
      Integer partition = params.containsKey("partition") ? intParam(params, "partition") : null;
      return found(queries.read(id, partition, eventsTopic, -1), id);
    }
    String root = params.get("root");
    KeyQueryMetadata owner =
        streams.queryMetadataForKey(
            WorkflowTopology.RUNS_STORE, root == null ? id : root, new StringSerializer());
    if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
      return error(503, "no instance owns the key right now (rebalancing)");
    }
    Reply first =
        self.equals(owner.activeHost())
            ? found(queries.read(id, owner.partition(), eventsTopic, -1), id)
            : forward(
                owner.activeHost(),
                "/workflows/" + encode(id) + "?scope=local&partition=" + owner.partition());
    if (first.status() != 404 || root != null) {
      return first;
    }
    // A sub-workflow sits on its root's partition, which its id does not tell: ask everyone.
    for (HostInfo host : hosts()) {
      Reply reply =
          self.equals(host)
              ? found(queries.read(id, null, eventsTopic, -1), id)
              : forward(host, "/workflows/" + encode(id) + "?scope=local");
      if (reply.status() != 404) {
        return reply;
      }
    }
    return first;
  }

  private Reply found(Optional<LocalQueries.RunRead> read, String id) {
    return read.map(
            r ->
                new Reply(
                    200,
                    AvroJson.toJson(r.run()),
                    hostString(self),
                    "application/json",
                    r.appliedOffset() < 0
                        ? null
                        : new FreshnessToken(r.partition(), r.appliedOffset()).toString()))
        .orElseGet(() -> Reply.json(404, errorBody(404, "no workflow " + id), self));
  }

  /**
   * A read-your-event query: the run as of at least {@code bound}. The token names the partition of
   * the run's events, so the owner is found from it (no fan-out, children included); the owner
   * retries the bounded IQv2 read until the store has applied the offset or the wait is over.
   */
  private Reply getFreshRun(String id, FreshnessToken bound, boolean local) {
    if (local) {
      return awaitFresh(id, bound);
    }
    Set<Integer> known = eventPartitions();
    if (!known.isEmpty() && !known.contains(bound.partition())) {
      throw new IllegalArgumentException(
          "at_least names partition "
              + bound.partition()
              + " of "
              + eventsTopic
              + ", which has partitions "
              + known);
    }
    KeyQueryMetadata owner =
        streams.queryMetadataForKey(
            WorkflowTopology.RUNS_STORE,
            id,
            (String topic, String key, Object value, int partitions) ->
                Optional.of(Set.of(bound.partition())));
    if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
      return error(503, "no instance owns partition " + bound.partition() + " right now");
    }
    if (self.equals(owner.activeHost())) {
      return awaitFresh(id, bound);
    }
    return forward(
        owner.activeHost(),
        "/workflows/" + encode(id) + "?scope=local&at_least=" + encode(bound.toString()),
        forwardTimeout.plus(freshnessMaxWait));
  }

  private Reply awaitFresh(String id, FreshnessToken bound) {
    long deadline = System.nanoTime() + freshnessMaxWait.toNanos();
    long pause = 1;
    while (true) {
      try {
        return found(queries.read(id, bound.partition(), eventsTopic, bound.offset()), id);
      } catch (LocalQueries.NotFreshException e) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return notFresh(id, bound);
        }
        try {
          TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pause)));
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return notFresh(id, bound);
        }
        pause = Math.min(pause * 2, 20);
      }
    }
  }

  private Reply notFresh(String id, FreshnessToken bound) {
    long applied = -1;
    try {
      applied =
          queries
              .read(id, bound.partition(), eventsTopic, -1)
              .map(LocalQueries.RunRead::appliedOffset)
              .orElse(-1L);
    } catch (RuntimeException e) {
      log.debug("position of partition {} unknown", bound.partition(), e);
    }
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", 503);
    body.put("reason", "not_fresh");
    body.put(
        "error",
        "the view of partition "
            + bound.partition()
            + " has not applied offset "
            + bound.offset()
            + " within "
            + freshnessMaxWait.toMillis()
            + " ms"
            + (applied >= 0 ? " (it is at offset " + applied + ")" : "")
            + "; retry later");
    body.put("at_least", bound.toString());
    if (applied >= 0) {
      body.put("position", new FreshnessToken(bound.partition(), applied).toString());
    }
    return Reply.json(503, bytes(body), self);
  }

  /** The partitions of the events topic the application's instances own, as far as known. */
  private Set<Integer> eventPartitions() {
    Set<Integer> partitions = new TreeSet<>();
    for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
      metadata.topicPartitions().stream()
          .filter(tp -> tp.topic().equals(eventsTopic))
          .forEach(tp -> partitions.add(tp.partition()));
    }
    return partitions;
  }

  private Reply listRuns(Map<String, String> params, boolean local) {
    RunStatus status =
        params.containsKey("status")
            ? RunStatus.valueOf(params.get("status").toUpperCase(Locale.ROOT))
            : null;
    int limit = params.containsKey("limit") ? intParam(params, "limit") : DEFAULT_LIMIT;
    if (limit < 1 || limit > MAX_LIMIT) {
      throw new IllegalArgumentException("limit must be between 1 and " + MAX_LIMIT);
    }
    if (local) {
      ArrayNode items = MAPPER.createArrayNode();
      for (WorkflowRun run : queries.list(status, limit)) {
        items.add(tree(AvroJson.toJson(run, LIST_OMITS)));
      }
      return Reply.json(200, envelope("workflows", items, List.of()), self);
    }
    String query =
        "/workflows?scope=local&limit="
            + limit
            + (status == null ? "" : "&status=" + status.name());
    return fanOut(query, "workflows", "workflow_id", limit);
  }

  private Reply usage(Map<String, String> params, boolean local) {
    UsageDimension dimension =
        params.containsKey("dimension")
            ? UsageDimension.valueOf(params.get("dimension").toUpperCase(Locale.ROOT))
            : null;
    String key = params.get("key");
    if (key != null && dimension == null) {
      throw new IllegalArgumentException("key needs a dimension (AGENT, MODEL or TENANT)");
    }
    Instant to = params.containsKey("to") ? instant(params, "to") : Instant.now();
    Instant from =
        params.containsKey("from") ? instant(params, "from") : to.minus(Duration.ofDays(1));
    String groupKey = key == null ? null : UsageKeys.groupKey(dimension, key);
    String query =
        "/usage?scope=local&from="
            + from
            + "&to="
            + to
            + (dimension == null ? "" : "&dimension=" + dimension.name())
            + (key == null ? "" : "&key=" + encode(key));
    if (local) {
      ArrayNode items = MAPPER.createArrayNode();
      for (UsageAggregate aggregate : queries.usage(dimension, groupKey, from, to)) {
        items.add(tree(AvroJson.toJson(aggregate)));
      }
      return Reply.json(200, envelope("aggregates", items, List.of()), self);
    }
    if (groupKey != null) {
      KeyQueryMetadata owner =
          streams.queryMetadataForKey(
              WorkflowTopology.USAGE_STORE, groupKey, new StringSerializer());
      if (owner == null || KeyQueryMetadata.NOT_AVAILABLE.equals(owner)) {
        return error(503, "no instance owns the key right now (rebalancing)");
      }
      return self.equals(owner.activeHost())
          ? usage(
              Map.of(
                  "scope", "local",
                  "dimension", dimension.name(),
                  "key", key,
                  "from", from.toString(),
                  "to", to.toString()),
              true)
          : forward(owner.activeHost(), query);
    }
    return fanOut(query, "aggregates", null, Integer.MAX_VALUE);
  }

  /** Asks every instance with {@code scope=local} and merges the arrays under {@code field}. */
  private Reply fanOut(String localQuery, String field, String sortField, int limit) {
    List<HostInfo> hosts = hosts();
    List<CompletableFuture<Reply>> replies = new ArrayList<>();
    for (HostInfo host : hosts) {
      replies.add(
          self.equals(host)
              ? CompletableFuture.supplyAsync(() -> route(URI.create(localQuery)), workers)
              : forwardAsync(host, localQuery));
    }
    List<JsonNode> merged = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    for (int i = 0; i < hosts.size(); i++) {
      Reply reply;
      try {
        reply = replies.get(i).join();
      } catch (RuntimeException e) {
        reply = error(503, e.toString());
      }
      if (reply.status() != 200) {
        missing.add(hostString(hosts.get(i)));
        continue;
      }
      tree(reply.body()).path(field).forEach(merged::add);
    }
    if (sortField != null) {
      merged.sort(Comparator.comparing(n -> n.path(sortField).asText()));
    }
    ArrayNode items = MAPPER.createArrayNode();
    merged.stream().limit(limit).forEach(items::add);
    return Reply.json(200, envelope(field, items, missing), self);
  }

  private List<HostInfo> hosts() {
    List<HostInfo> hosts = new ArrayList<>();
    for (StreamsMetadata metadata : streams.metadataForAllStreamsClients()) {
      if (!hosts.contains(metadata.hostInfo())) {
        hosts.add(metadata.hostInfo());
      }
    }
    if (!hosts.contains(self)) {
      hosts.add(self);
    }
    return hosts;
  }

  private Reply forward(HostInfo host, String pathAndQuery) {
    return forward(host, pathAndQuery, forwardTimeout);
  }

  private Reply forward(HostInfo host, String pathAndQuery, Duration timeout) {
    try {
      return forwardAsync(host, pathAndQuery, timeout).join();
    } catch (RuntimeException e) {
      return error(503, "instance " + hostString(host) + " did not answer: " + e.getCause());
    }
  }

  private CompletableFuture<Reply> forwardAsync(HostInfo host, String pathAndQuery) {
    return forwardAsync(host, pathAndQuery, forwardTimeout);
  }

  private CompletableFuture<Reply> forwardAsync(
      HostInfo host, String pathAndQuery, Duration timeout) {
    HttpRequest request =
        withToken(HttpRequest.newBuilder(URI.create("http://" + hostString(host) + pathAndQuery)))
            .timeout(timeout)
            .GET()
            .build();
    return client
        .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
        .thenApply(
            response ->
                new Reply(
                    response.statusCode(),
                    response.body(),
                    response.headers().firstValue(SERVED_BY_HEADER).orElse(hostString(host)),
                    "application/json",
                    response.headers().firstValue(POSITION_HEADER).orElse(null)));
  }

  private HttpRequest.Builder withToken(HttpRequest.Builder builder) {
    return token == null
        ? builder
        : builder.header("Authorization", QueryServiceToken.authorization(token));
  }

  private Reply health() {
    KafkaStreams s = streams;
    ObjectNode body = MAPPER.createObjectNode();
    body.put("application_server", hostString(self));
    body.put("state", s == null ? "STARTING" : s.state().name());
    boolean running = s != null && s.state() == KafkaStreams.State.RUNNING;
    if (s != null) {
      ArrayNode partitions = body.putArray("active_partitions");
      s.metadataForLocalThreads()
          .forEach(
              thread ->
                  thread
                      .activeTasks()
                      .forEach(
                          task ->
                              task.topicPartitions().forEach(tp -> partitions.add(tp.toString()))));
    }
    return Reply.json(running ? 200 : 503, bytes(body), self);
  }

  /** The topology's own counters as a JSON object ({@code /metrics?format=json}). */
  private Reply countersReply() {
    ObjectNode body = MAPPER.createObjectNode();
    TopologyMetrics m = metrics;
    if (m != null) {
      m.values().forEach(body::put);
    }
    return Reply.json(200, bytes(body), self);
  }

  private Reply metricsReply() {
    PrometheusMeterRegistry r = registry;
    byte[] text = r == null ? new byte[0] : r.scrape().getBytes(StandardCharsets.UTF_8);
    return new Reply(200, text, hostString(self), "text/plain; version=0.0.4; charset=utf-8");
  }

  private static byte[] envelope(String field, ArrayNode items, List<String> missing) {
    ObjectNode body = MAPPER.createObjectNode();
    body.set(field, items);
    body.put("count", items.size());
    if (!missing.isEmpty()) {
      ArrayNode unanswered = body.putArray("unanswered_instances");
      missing.forEach(unanswered::add);
    }
    return bytes(body);
  }

  private Reply error(int status, String message) {
    return Reply.json(status, errorBody(status, message), self);
  }

  private static byte[] errorBody(int status, String message) {
    ObjectNode body = MAPPER.createObjectNode();
    body.put("status", status);
    body.put("error", message);
    return bytes(body);
  }

  private static JsonNode tree(byte[] json) {
    try {
      return MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("invalid JSON from an instance: " + e.getMessage(), e);
    }
  }

  private static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, String> params(String rawQuery) {
    Map<String, String> params = new LinkedHashMap<>();
    if (rawQuery == null || rawQuery.isEmpty()) {
      return params;
    }
    for (String pair : rawQuery.split("&")) {
      int eq = pair.indexOf('=');
      String name =
          URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
      String value =
          eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
      params.put(name, value);
    }
    return params;
  }

  private static int intParam(Map<String, String> params, String name) {
    try {
      return Integer.parseInt(params.get(name));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be an integer: " + params.get(name));
    }
  }

  private static Instant instant(Map<String, String> params, String name) {
    try {
      return Instant.parse(params.get(name));
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(
          name + " must be an ISO-8601 instant such as 2026-01-01T10:00:00Z: " + params.get(name));
    }
  }

  private static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  static String hostString(HostInfo host) {
    return host.host() + ":" + host.port();
  }
}
