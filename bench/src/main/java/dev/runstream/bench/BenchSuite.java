package dev.runstream.bench;

import dev.runstream.bench.internal.Headline;
import dev.runstream.bench.internal.Headline.FanoutNames;
import dev.runstream.bench.internal.JsonReport;
import dev.runstream.bench.internal.MarkdownReport;
import dev.runstream.bench.internal.Percentiles;
import dev.runstream.bench.internal.Plots;
import dev.runstream.bench.internal.Progress;
import dev.runstream.bench.internal.RedisServer;
import dev.runstream.bench.internal.SuiteOptions;
import dev.runstream.bench.internal.SuiteReport;
import dev.runstream.bench.internal.SuiteReport.Fanout;
import dev.runstream.bench.internal.SuiteReport.FanoutRow;
import dev.runstream.bench.internal.SuiteReport.LatencyPoint;
import dev.runstream.bench.internal.SuiteReport.Materialization;
import dev.runstream.bench.internal.SuiteReport.ReplayPoint;
import dev.runstream.bench.internal.SuiteReport.Throughput;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.AppInfoParser;

/**
 * The benchmark suite: every benchmark in one session on one local cluster (and one redis-server
 * child process), each runstream figure beside its baseline and peer from the same run. Writes
 * {@code <out>/<date>.md}, {@code <out>/latest.json} and the PNG plots.
 *
 * <pre>
 * java -cp "$PWD/bench/target/runstream-bench-0.1.0-SNAPSHOT.jar:$PWD/bench/target/lib/*" \
 *     dev.runstream.bench.BenchSuite --mode short
 * </pre>
 *
 * <p>Options: {@code --mode short|full} (short, under 3 minutes), {@code --out DIR}
 * (bench/results), {@code --redis-server PATH} (default /usr/bin/redis-server or the PATH), and
 * overrides of the mode's parameters: {@code --runs N} concurrent runs in the paced sections,
 * {@code --events N} events per publish round, {@code --loads 1000,10000,50000}, {@code --sizes
 * 10000,100000,1000000}, {@code --latency-seconds S}, {@code --subscribers N}.
 */
public final class BenchSuite {
  private BenchSuite() {}

  /**
   * Runs the suite.
   *
   * @param args the options
   * @throws Exception on failure to start the cluster or write the report
   */
  public static void main(String[] args) throws Exception {
    if (args.length == 2 && args[0].equals("--render")) {
      // Re-renders the report and plots of a latest.json (e.g. after a change to the rendering).
      Path json = Path.of(args[1]);
      write(JsonReport.parse(Files.readString(json)), json.toAbsolutePath().getParent());
      return;
    }
    SuiteOptions options;
    try {
      options = SuiteOptions.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("BenchSuite: " + e.getMessage());
      System.err.println(SuiteOptions.USAGE);
      System.exit(2);
      return;
    }
    System.exit(run(options) ? 0 : 1);
  }

  static boolean run(SuiteOptions o) throws Exception {
    // The JDK HTTP server reads this once, when its first instance starts: the replay section's
    // stub of the view would otherwise fix it before the topology's query server (which sets it)
    // and every interactive query of the later sections would wait on Nagle's algorithm.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
    OffsetDateTime started = OffsetDateTime.now().truncatedTo(ChronoUnit.SECONDS);
    long t0 = System.nanoTime();
    String loadStart = LatencyBench.loadAverage();
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("cluster", 20.0);
    weights.put("1 publish", o.full() ? 60.0 : 20.0);
    weights.put("2 latency", (double) o.loads().size() * (o.latencySeconds() + 8) * 2);
    weights.put("3 replay", o.full() ? 200.0 : 25.0);
    weights.put("4 materialization", o.full() ? 60.0 : 30.0);
    weights.put("5 fan-out", 20.0);
    weights.put("6 freshness", o.full() ? 60.0 : 25.0);
    weights.put("report", 2.0);
    Progress progress = new Progress(System.out, weights);
    List<String> notes = new ArrayList<>();

    DemoAgent agent = new DemoAgent(workloadOptions(o.seed()));
    List<RunPlan> plans = new ArrayList<>();
    long planned = 0;
    for (long i = 0; planned < o.events(); i++) {
      RunPlan plan = agent.plan(i);
      plans.add(plan);
      planned += plan.eventCount();
    }
    double eventsPerRun = (double) planned / plans.size();
    double[] deltasPerRun = {Double.NaN};

    progress.phase("cluster");
    Optional<Path> redisBinary = RedisServer.locate(o.redisServer(), System.getenv());
    String redisUnavailable =
        redisBinary.isEmpty() ? RedisServer.notFoundReason(o.redisServer()) : null;
    if (redisUnavailable != null) {
      System.out.println("*** Redis figures unavailable: " + redisUnavailable);
      notes.add("Redis figures are unavailable: " + redisUnavailable + ".");
    }
    progress.step(0.1, "starting a local cluster (KRaft broker + Apicurio registry)");
    List<Throughput> publish = new ArrayList<>();
    List<LatencyPoint> latency = new ArrayList<>();
    List<ReplayPoint> replay = new ArrayList<>();
    Materialization materialization;
    Fanout fanout;
    String redisVersion;
    try (LocalCluster cluster =
            LocalCluster.start(LocalClusterConfig.newBuilder().freePorts().build());
        RedisServer redisServer = startRedis(redisBinary, notes)) {
      RedisPeer redis = redisServer == null ? null : new RedisPeer(redisServer);
      if (redisServer == null && redisUnavailable == null) {
        redisUnavailable = "redis-server failed to start (see the notes)";
      }
      redisVersion =
          redisServer == null ? "unavailable: " + redisUnavailable : redisServer.version();
      AvroSerdeConfig serde =
          new AvroSerdeConfig(
              Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
      AvroSerializer<AgentEvent> serializer =
          new AvroSerializer<>(SchemaRegistry.connect(serde), serde, false);
      AvroDeserializer<AgentEvent> deserializer =
          new AvroDeserializer<>(AgentEvent.class, SchemaRegistry.connect(serde));

      // 1. Publish throughput.
      progress.phase("1 publish");
      try {
        publish.addAll(
            publish(cluster, o, agent, plans, redis, redisUnavailable, deltasPerRun, progress));
      } catch (Exception e) {
        failed(notes, "publish throughput", e);
        publish.add(Throughput.unavailable(SuiteReport.RUNSTREAM, "failed: " + e));
      }

      // 2. Latency.
      progress.phase("2 latency");
      int n = 0;
      for (int load : o.loads()) {
        double f = (double) n++ / o.loads().size();
        progress.step(
            f, String.format(Locale.ROOT, "runstream and raw Kafka at %,d events/s", load));
        try {
          LatencyBench.Outcome out =
              LatencyBench.run(cluster, load, o.latencySeconds(), o.warmupSeconds(), o.runs(), 1);
          latency.add(
              new LatencyPoint(
                  SuiteReport.RUNSTREAM,
                  load,
                  out.achieved(),
                  Percentiles.ofNanos(out.sdk()),
                  null));
          latency.add(
              new LatencyPoint(
                  SuiteReport.RAW_KAFKA,
                  load,
                  out.achieved(),
                  Percentiles.ofNanos(out.raw()),
                  null));
          noteUnreached(notes, "runstream", load, out.achieved());
        } catch (Exception e) {
          failed(notes, "latency at " + load, e);
          latency.add(LatencyPoint.unavailable(SuiteReport.RUNSTREAM, load, "failed: " + e));
          latency.add(LatencyPoint.unavailable(SuiteReport.RAW_KAFKA, load, "failed: " + e));
        }
        progress.step(
            f + 0.5 / o.loads().size(),
            String.format(Locale.ROOT, "Redis Streams at %,d events/s", load));
        if (redis == null) {
          latency.add(LatencyPoint.unavailable(SuiteReport.REDIS, load, redisUnavailable));
          continue;
        }
        try {
          LatencyBench.Outcome out =
              redis.latency(
                  load,
                  o.latencySeconds(),
                  o.warmupSeconds(),
                  o.runs(),
                  o.redisSenders(),
                  serializer,
                  deserializer);
          Percentiles redisLatency = Percentiles.ofNanos(out.sdk());
          latency.add(
              new LatencyPoint(SuiteReport.REDIS, load, out.achieved(), redisLatency, null));
          System.out.printf(
              Locale.ROOT,
              "Redis XREAD BLOCK at %,d events/s (achieved %,.0f): p50 %.2f ms, p99 %.2f ms,"
                  + " p99.9 %.2f ms%n",
              load,
              out.achieved(),
              redisLatency.p50Ms(),
              redisLatency.p99Ms(),
              redisLatency.p999Ms());
          noteUnreached(notes, "Redis", load, out.achieved());
        } catch (Exception e) {
          failed(notes, "Redis latency at " + load, e);
          latency.add(LatencyPoint.unavailable(SuiteReport.REDIS, load, "failed: " + e));
        }
      }

      // 3. Replay.
      progress.phase("3 replay");
      try {
        replay.addAll(
            ReplayScaleBench.run(
                cluster,
                new DemoAgent(workloadOptions(o.seed() + 1)),
                o.sizes(),
                o.replayRepeats(),
                redis,
                redisUnavailable,
                deserializer,
                progress));
      } catch (Exception e) {
        failed(notes, "replay", e);
      }

      // 4. Materialization.
      progress.phase("4 materialization");
      try {
        materialization = materialization(cluster, o, progress);
      } catch (Exception e) {
        failed(notes, "materialization", e);
        materialization = Materialization.unavailable("failed: " + e);
      }

      // 5. Fan-out, last.
      progress.phase("5 fan-out");
      try {
        fanout = fanout(cluster, o, progress);
      } catch (Exception e) {
        failed(notes, "fan-out", e);
        fanout =
            new Fanout(
                o.subscribers(),
                List.of(
                    FanoutRow.unavailable(FanoutNames.SDK, "failed: " + e),
                    FanoutRow.unavailable(FanoutNames.GATEWAY, "failed: " + e)),
                "failed: " + e);
      }

      // 6. Snapshot plus tail, and read-your-event (issue 10, items 6 and 5).
      progress.phase("6 freshness");
      try {
        dev.runstream.bench.internal.FreshnessFigures freshness =
            FreshnessBench.measure(
                cluster,
                o.full() ? new long[] {1_000, 10_000, 100_000} : new long[] {1_000, 10_000, 50_000},
                o.full() ? 10 : 5,
                o.full() ? 500 : 200);
        FreshnessBench.print(freshness);
        notes.addAll(FreshnessBench.sentences(freshness));
      } catch (Exception e) {
        failed(notes, "freshness", e);
      }
    }

    progress.phase("report");
    SuiteReport.Workload workload =
        new SuiteReport.Workload(
            o.runs(),
            (double) o.loads().get(o.loads().size() / 2) / o.runs(),
            planned,
            WORKLOAD_DESCRIPTION,
            eventsPerRun,
            deltasPerRun[0]);
    SuiteReport report =
        new SuiteReport(
            LocalDate.now().toString(),
            started.toString(),
            o.full() ? "full" : "short",
            (System.nanoTime() - t0) / 1e9,
            machine(loadStart, redisVersion),
            workload,
            publish,
            latency,
            replay,
            materialization,
            fanout,
            notes);
    write(report, o.out());
    progress.finish();
    for (Headline h : Headline.of(report)) {
      System.out.printf(
          Locale.ROOT,
          "%-45s runstream %12s | %s %s (%s) | %s %s (%s)%n",
          h.figure(),
          MarkdownReport.number(h.runstream()),
          h.baselineName(),
          MarkdownReport.number(h.baseline()),
          MarkdownReport.ratio(h.baselineRatio()),
          h.peerName() == null ? "" : h.peerName(),
          h.peerName() == null ? "" : MarkdownReport.number(h.peer()),
          h.peerName() == null ? "" : MarkdownReport.ratio(h.peerRatio()));
    }
    return true;
  }

  static final String GATEWAY_MEASURED =
      "one gateway (`dev.runstream.gateway.Gateway`) in a JVM of its own (-Xmx512m, ParallelGC),"
          + " one SSE connection per workflow (`from=now`), its heap read from its Prometheus"
          + " `/metrics` after `jcmd GC.run`; latency measured at the HTTP client in the bench JVM";

  static final String WORKLOAD_DESCRIPTION =
      "Simulated agent runs from the producer's `DemoAgent` (seeded): `agent_start`, 2–3 LLM"
          + " steps streaming one `text_delta` per token (100–140 tokens per step, words of 3–8"
          + " characters), a tool call with its TOOL step after every non-final LLM step (3–5"
          + " steps in all), usage priced per model, `agent_finish`; no sub-agents, no failures."
          + " The paced sections (latency, materialization lag, fan-out) spread text deltas"
          + " round-robin over the concurrent runs, each delta carrying its publish time as"
          + " content.";

  /** The workload every section publishes. */
  static DemoAgent.Options workloadOptions(long seed) {
    return DemoAgent.Options.newBuilder()
        .seed(seed)
        .tokensPerSecond(0)
        .llmSteps(2, 3)
        .tokensPerStep(100, 140)
        .toolCallProbability(1.0)
        .subAgents(0, 0)
        .failureRate(0)
        .retryRate(0)
        .build();
  }

  private static RedisServer startRedis(Optional<Path> binary, List<String> notes) {
    if (binary.isEmpty()) {
      return null;
    }
    try {
      RedisServer server = RedisServer.start(binary.get());
      System.out.printf(
          Locale.ROOT,
          "redis-server %s on 127.0.0.1:%d (AOF appendfsync everysec, no RDB)%n",
          server.version(),
          server.port());
      return server;
    } catch (Exception e) {
      notes.add("redis-server " + binary.get() + " failed to start: " + e.getMessage());
      return null;
    }
  }

  private static List<Throughput> publish(
      LocalCluster cluster,
      SuiteOptions o,
      DemoAgent agent,
      List<RunPlan> plans,
      RedisPeer redis,
      String redisUnavailable,
      double[] deltasPerRun,
      Progress progress)
      throws Exception {
    PublisherConfig config =
        PublisherConfig.newBuilder()
            .bootstrapServers(cluster.bootstrapServers())
            .schemaRegistryUrl(cluster.schemaRegistryUrl())
            .prices(DemoAgent.DEMO_PRICES)
            .build();
    List<PublisherBench.Result> pipelined = new ArrayList<>();
    List<PublisherBench.Result> single = new ArrayList<>();
    int totalRounds = o.publishWarmups() + o.publishRounds();
    PublisherBench.Comparison kafka =
        PublisherBench.compare(
            cluster,
            config,
            agent,
            plans,
            o.publishThreads(),
            o.publishWarmups(),
            o.publishRounds(),
            (round, records) -> {
              long deltas =
                  records.stream()
                      .filter(
                          r -> {
                            var h = r.headers().lastHeader(EventHeaders.EVENT_TYPE);
                            return h != null
                                && "text_delta"
                                    .equals(new String(h.value(), StandardCharsets.UTF_8));
                          })
                      .count();
              deltasPerRun[0] = (double) deltas / plans.size();
              if (redis != null) {
                redis.flushAll();
                PublisherBench.Result p = redis.publish(records, o.publishThreads(), true);
                redis.flushAll();
                PublisherBench.Result s = redis.publish(records, o.publishThreads(), false);
                redis.flushAll();
                System.out.printf(
                    Locale.ROOT,
                    "         Redis XADD pipelined %,9.0f events/s | one per round trip %,9.0f"
                        + " events/s%n",
                    p.perSecond(),
                    s.perSecond());
                if (round > 0) {
                  pipelined.add(p);
                  single.add(s);
                }
              }
              progress.step(
                  (double) (round + o.publishWarmups()) / totalRounds,
                  "round " + (round <= 0 ? "warm-up" : round) + " of " + o.publishRounds());
            });
    List<Throughput> rows = new ArrayList<>();
    rows.add(throughput(SuiteReport.RUNSTREAM, kafka.publisher()));
    rows.add(throughput(SuiteReport.RAW_KAFKA, kafka.raw()));
    if (redis == null) {
      rows.add(Throughput.unavailable(SuiteReport.REDIS_PIPELINED, redisUnavailable));
      rows.add(Throughput.unavailable(SuiteReport.REDIS, redisUnavailable));
    } else {
      rows.add(throughput(SuiteReport.REDIS_PIPELINED, PublisherBench.total(pipelined)));
      rows.add(throughput(SuiteReport.REDIS, PublisherBench.total(single)));
    }
    return rows;
  }

  private static Throughput throughput(String system, PublisherBench.Result r) {
    return Throughput.of(system, r.events(), r.elapsed().toNanos() / 1e9, r.cpuSeconds());
  }

  private static Materialization materialization(
      LocalCluster cluster, SuiteOptions o, Progress progress) throws Exception {
    String prefix = "bench-topology-" + UUID.randomUUID().toString().substring(0, 8);
    TopologyConfig.Topics topics =
        new TopologyConfig.Topics(prefix, prefix + "-runs", prefix + "-usage", prefix + "-dlq");
    int partitions;
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      partitions =
          admin
              .describeTopics(List.of("agent-events"))
              .allTopicNames()
              .get()
              .get("agent-events")
              .partitions()
              .size();
      TopologyBench.createTopologyTopics(admin, topics, partitions);
      awaitLeaders(admin, topics.events());
    }
    progress.step(0.05, "publishing the backlog");
    try (AgentEventPublisher publisher =
        TopologyBench.uncoalescedPublisher(cluster, topics.events(), Duration.ofMillis(5))) {
      long backlog =
          TopologyBench.publishBacklog(
              publisher, new DemoAgent(workloadOptions(o.seed() + 2)), o.topologyRuns());
      progress.step(0.2, "baseline: a plain consumer decoding the backlog");
      double baseline = plainConsumerRate(cluster, topics.events(), partitions, backlog);
      progress.step(0.3, "starting the topology");
      Path state = Files.createTempDirectory("bench-suite-topology");
      try (TopologyApp app = TopologyBench.startTopology(cluster, prefix, topics, state)) {
        double rate = TopologyBench.throughput(app, backlog);
        progress.step(0.6, "lag under a paced load");
        TopologyBench.Lag lag =
            TopologyBench.lag(
                app, publisher, o.topologyRate(), o.topologySeconds(), o.runs(), 4, 50);
        return new Materialization(
            backlog,
            rate,
            baseline,
            o.topologyRate(),
            lag.achievedLoad(),
            Percentiles.ofNanos(lag.lag()),
            Percentiles.ofNanos(lag.ack()),
            null);
      }
    }
  }

  /**
   * Waits until every partition of a new topic has a leader, so an idempotent producer's first
   * batches do not race the leader election (NOT_LEADER, then OUT_OF_ORDER_SEQUENCE retries).
   */
  private static void awaitLeaders(Admin admin, String topic) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      var description = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic);
      if (description.partitions().stream()
          .allMatch(p -> p.leader() != null && !p.leader().isEmpty())) {
        Thread.sleep(1_000);
        return;
      }
      Thread.sleep(100);
    }
  }

  /** Events per second of a plain consumer reading and decoding a whole topic. */
  private static double plainConsumerRate(
      LocalCluster cluster, String topic, int partitions, long events) {
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
    AvroDeserializer<AgentEvent> deserializer =
        new AvroDeserializer<>(AgentEvent.class, SchemaRegistry.connect(serde));
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed"),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      List<TopicPartition> tps = new ArrayList<>();
      for (int p = 0; p < partitions; p++) {
        tps.add(new TopicPartition(topic, p));
      }
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      long read = 0;
      long start = 0;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (read < events && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          if (start == 0) {
            start = System.nanoTime();
          }
          deserializer.deserialize(topic, r.value());
          read++;
        }
      }
      double rate = read / ((System.nanoTime() - start) / 1e9);
      System.out.printf(
          Locale.ROOT, "Plain consumer decoded %,d events: %,.0f events/s%n", read, rate);
      return rate;
    }
  }

  private static Fanout fanout(LocalCluster cluster, SuiteOptions o, Progress progress)
      throws Exception {
    List<FanoutRow> rows = new ArrayList<>();
    progress.step(0.1, o.subscribers() + " subscribers on one RunstreamClient");
    SubscriberHeapBench.Outcome sdk =
        SubscriberHeapBench.run(cluster, o.subscribers(), o.fanoutRounds());
    rows.add(
        new FanoutRow(
            FanoutNames.SDK,
            sdk.bytesPerSubscriberAfterTraffic(),
            sdk.deliveries(),
            Percentiles.ofNanos(sdk.latency()),
            null));
    progress.step(0.5, o.subscribers() + " SSE connections on one gateway");
    SubscriberHeapBench.Outcome gateway =
        GatewayFanoutBench.run(cluster, o.subscribers(), o.fanoutRounds());
    rows.add(
        new FanoutRow(
            FanoutNames.GATEWAY,
            gateway.bytesPerSubscriberAfterTraffic(),
            gateway.deliveries(),
            Percentiles.ofNanos(gateway.latency()),
            null));
    return new Fanout(o.subscribers(), rows, GATEWAY_MEASURED);
  }

  private static void noteUnreached(List<String> notes, String who, int load, double achieved) {
    if (achieved < 0.9 * load) {
      notes.add(
          String.format(
              Locale.ROOT,
              "%s reached only %,.0f of the %,d events/s offered (%.0f %%): the pacing publisher"
                  + " could not keep up on this machine, so that point measures a lower load.",
              who,
              achieved,
              load,
              100 * achieved / load));
    }
  }

  private static void failed(List<String> notes, String what, Exception e) {
    System.err.println("*** " + what + " failed: " + e);
    e.printStackTrace();
    notes.add(what + " failed: " + e);
  }

  private static SuiteReport.Machine machine(String loadStart, String redisVersion) {
    String cpu = "unknown";
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          cpu = line.substring(line.indexOf(':') + 1).trim();
          break;
        }
      }
    } catch (Exception e) {
      // Not Linux.
    }
    return new SuiteReport.Machine(
        Runtime.getRuntime().availableProcessors(),
        cpu,
        loadStart,
        LatencyBench.loadAverage(),
        System.getProperty("java.vm.vendor")
            + " "
            + System.getProperty("java.vm.name")
            + " "
            + System.getProperty("java.runtime.version")
            + ", max heap "
            + Runtime.getRuntime().maxMemory() / (1 << 20)
            + " MB",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"),
        AppInfoParser.getVersion() + " (clients and broker)",
        redisVersion);
  }

  static void write(SuiteReport report, Path out) throws Exception {
    Files.createDirectories(out);
    String latencyPlot = "latency-" + report.date() + ".png";
    String replayPlot = "replay-" + report.date() + ".png";
    boolean latencyDrawn = Plots.latency(report.latency(), out.resolve(latencyPlot));
    boolean replayDrawn = Plots.replay(report.replay(), out.resolve(replayPlot));
    Path md = out.resolve(report.date() + ".md");
    Files.writeString(
        md,
        MarkdownReport.render(
            report, latencyDrawn ? latencyPlot : null, replayDrawn ? replayPlot : null));
    Files.writeString(out.resolve("latest.json"), JsonReport.render(report));
    System.out.println("Report: " + md.toAbsolutePath());
    System.out.println("JSON:   " + out.resolve("latest.json").toAbsolutePath());
  }
}
