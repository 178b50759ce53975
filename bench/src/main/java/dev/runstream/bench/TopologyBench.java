package dev.runstream.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.StepType;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * The topology's figures on one local cluster started for the run:
 *
 * <ol>
 *   <li><b>Materialization throughput</b>: {@code --runs} simulated runs ({@link DemoAgent}, one
 *       {@code text_delta} per token, no coalescing) are published first; then a topology instance
 *       starts and the time until it has applied every event gives events per second (exactly-once,
 *       RocksDB, one stream thread).
 *   <li><b>Lag, publish to visible in the store</b>: under a steady load of {@code --rate} events/s
 *       spread over {@code --workflows} runs, {@code --probes} probe runs each publish a delta,
 *       then poll {@code GET /workflows/{id}} (interactive query) until its sequence is applied,
 *       and wait {@code --probe-pause-ms} before the next one; p50/p99 over {@code --seconds} after
 *       a 5 s warm-up.
 * </ol>
 *
 * <pre>
 * ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.runstream.bench.TopologyBench \
 *     -Dexec.args="--runs 1000 --rate 2000 --seconds 30"
 * </pre>
 */
public final class TopologyBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  /** How long a probe waits between two queries of its run. */
  private static long pollNanos = 1_000_000;

  private TopologyBench() {}

  /**
   * Runs the benches and prints their figures.
   *
   * @param args {@code --runs N --rate R --seconds S --workflows W --probes P --probe-pause-ms M}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = ConsumerBench.options(args);
    int runs = ConsumerBench.intOption(options, "runs", 1000);
    int rate = ConsumerBench.intOption(options, "rate", 2000);
    int seconds = ConsumerBench.intOption(options, "seconds", 30);
    int workflows = ConsumerBench.intOption(options, "workflows", 100);
    int probes = ConsumerBench.intOption(options, "probes", 4);
    int probePauseMs = ConsumerBench.intOption(options, "probe-pause-ms", 50);
    pollNanos = ConsumerBench.intOption(options, "poll-us", 1000) * 1000L;
    System.out.println("Starting a local cluster (KRaft broker + Apicurio registry)...");
    Path stateDir = Files.createTempDirectory("topology-bench");
    try (LocalCluster cluster =
            LocalCluster.start(LocalClusterConfig.newBuilder().freePorts().build());
        AgentEventPublisher publisher =
            AgentEventPublisher.create(
                PublisherConfig.newBuilder()
                    .bootstrapServers(cluster.bootstrapServers())
                    .schemaRegistryUrl(cluster.schemaRegistryUrl())
                    .linger(Duration.ofMillis(5))
                    .coalesceWindow(Duration.ZERO)
                    .prices(DemoAgent.DEMO_PRICES)
                    .build())) {
      long backlog =
          publishBacklog(
              publisher,
              new DemoAgent(DemoAgent.Options.newBuilder().seed(7).tokensPerSecond(0).build()),
              runs);
      TopologyConfig config =
          TopologyConfig.newBuilder()
              .bootstrapServers(cluster.bootstrapServers())
              .schemaRegistryUrl(cluster.schemaRegistryUrl())
              .applicationId("topology-bench")
              .stateDir(stateDir)
              .httpPort(0)
              .build();
      try (TopologyApp app = TopologyApp.start(config)) {
        throughput(app, backlog);
        lag(app, publisher, rate, seconds, workflows, probes, probePauseMs);
      }
    }
  }

  /**
   * Creates the topology's topics: events and runs (compacted) with {@code partitions} partitions,
   * usage with half as many (at least one), and a one-partition dead-letter topic.
   */
  static void createTopologyTopics(Admin admin, TopologyConfig.Topics topics, int partitions)
      throws Exception {
    admin
        .createTopics(
            List.of(
                new NewTopic(topics.events(), partitions, (short) 1),
                new NewTopic(topics.runs(), partitions, (short) 1)
                    .configs(Map.of("cleanup.policy", "compact")),
                new NewTopic(topics.usage(), Math.max(1, partitions / 2), (short) 1),
                new NewTopic(topics.deadLetter(), 1, (short) 1)))
        .all()
        .get();
  }

  /** As {@link #createTopologyTopics(Admin, TopologyConfig.Topics, int)}, one partition each. */
  static void createTopologyTopics(LocalCluster cluster, TopologyConfig.Topics topics)
      throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      createTopologyTopics(admin, topics, 1);
    }
  }

  /**
   * A topology instance on {@code topics}, configured only here (no environment overrides), with
   * its query service on a free port; the caller waits for it to run and closes it.
   */
  static TopologyApp startTopology(
      LocalCluster cluster, String applicationId, TopologyConfig.Topics topics, Path stateDir) {
    return TopologyApp.start(
        TopologyConfig.newBuilder()
            .isolated()
            .bootstrapServers(cluster.bootstrapServers())
            .schemaRegistryUrl(cluster.schemaRegistryUrl())
            .applicationId(applicationId)
            .topics(topics)
            .stateDir(stateDir)
            .httpPort(0)
            .build());
  }

  /**
   * A publisher to {@code topic} with {@code linger}, no coalescing (one {@code text_delta} per
   * token) and the demo prices.
   */
  static AgentEventPublisher uncoalescedPublisher(
      LocalCluster cluster, String topic, Duration linger) {
    return AgentEventPublisher.create(
        PublisherConfig.newBuilder()
            .bootstrapServers(cluster.bootstrapServers())
            .schemaRegistryUrl(cluster.schemaRegistryUrl())
            .topic(topic)
            .linger(linger)
            .coalesceWindow(Duration.ZERO)
            .prices(DemoAgent.DEMO_PRICES)
            .build());
  }

  static long publishBacklog(AgentEventPublisher publisher, DemoAgent agent, int runs) {
    List<RunPlan> plans = agent.plans(0, runs);
    DemoAgent.LoadReport report = agent.playAll(publisher, plans, 4);
    System.out.printf(
        Locale.ROOT,
        "%n== Backlog: %,d runs (+%,d sub-agent runs), %,d events published in %.1f s"
            + " (%,.0f events/s) ==%n",
        report.runs(),
        report.childRuns(),
        report.events(),
        report.elapsed().toMillis() / 1000.0,
        report.eventsPerSecond());
    return report.events();
  }

  /** Waits until the topology applied {@code events} events; its events per second. */
  static double throughput(TopologyApp app, long events) throws InterruptedException {
    if (!app.awaitRunning(Duration.ofMinutes(2))) {
      throw new IllegalStateException("the topology did not reach RUNNING");
    }
    long start = 0;
    long last = System.nanoTime() + Duration.ofMinutes(10).toNanos();
    double applied = 0;
    while (applied < events) {
      applied = app.metricTotal("events-applied-total");
      if (start == 0 && applied > 0) {
        start = System.nanoTime();
      }
      if (System.nanoTime() > last) {
        throw new IllegalStateException("only " + applied + " of " + events + " events applied");
      }
      Thread.sleep(5);
    }
    double elapsed = (System.nanoTime() - start) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "%n== Materialization throughput (exactly_once_v2, RocksDB, 1 stream thread) ==%n"
            + "applied %,d events in %.2f s: %,.0f events/s;"
            + " final records %,.0f, dead letters %,.0f%n",
        events,
        elapsed,
        events / elapsed,
        app.metricTotal("final-records-published-total"),
        app.metricTotal("dead-letter-records-total"));
    return events / elapsed;
  }

  /**
   * The lag figures.
   *
   * @param achievedLoad the paced load reached, events/s
   * @param lag publish to visible in the store, nanoseconds, sorted
   * @param ack publish to broker acknowledgement, nanoseconds, sorted
   */
  record Lag(double achievedLoad, long[] lag, long[] ack) {}

  static Lag lag(
      TopologyApp app,
      AgentEventPublisher publisher,
      int rate,
      int seconds,
      int workflows,
      int probes,
      int probePauseMs)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== Lag publish -> visible in the store (IQ over HTTP), %,d events/s over %d runs,"
            + " %d probes, %d s ==%n",
        rate,
        workflows,
        probes,
        seconds);
    List<RunStep> load = new ArrayList<>();
    List<AgentRun> loadRuns = new ArrayList<>();
    for (int i = 0; i < workflows; i++) {
      AgentRun run = publisher.startRun("load-agent", null);
      loadRuns.add(run);
      load.add(run.startStep("llm", StepType.LLM));
    }
    publisher.flush();
    AtomicBoolean stop = new AtomicBoolean();
    AtomicBoolean measuring = new AtomicBoolean();
    long[][] samples = new long[probes][];
    long[][] acks = new long[probes][];
    int[] counts = new int[probes];
    ExecutorService pool = Executors.newFixedThreadPool(probes + 1);
    List<Future<?>> futures = new ArrayList<>();
    long[] loadEvents = new long[1];
    futures.add(
        pool.submit(
            () -> {
              long interval = 1_000_000_000L / rate;
              long next = System.nanoTime();
              int i = 0;
              while (!stop.get()) {
                load.get(i++ % load.size()).textDelta("token ");
                loadEvents[0]++;
                next += interval;
                long wait = next - System.nanoTime();
                if (wait > 0) {
                  LockSupport.parkNanos(wait);
                }
              }
              return null;
            }));
    URI base = app.httpAddress();
    for (int p = 0; p < probes; p++) {
      int probe = p;
      samples[p] = new long[seconds * 1000 * 2];
      acks[p] = new long[seconds * 1000 * 2];
      AgentRun run = publisher.startRun("probe-agent", null);
      RunStep step = run.startStep("probe", StepType.LLM);
      futures.add(
          pool.submit(
              () -> {
                long sequence = 1;
                while (!stop.get()) {
                  long t0 = System.nanoTime();
                  java.util.concurrent.atomic.AtomicLong ackedAt =
                      new java.util.concurrent.atomic.AtomicLong();
                  step.textDelta("x").thenRun(() -> ackedAt.set(System.nanoTime()));
                  sequence++;
                  while (lastSequence(base, run.workflowId()) < sequence) {
                    LockSupport.parkNanos(pollNanos);
                    if (stop.get()) {
                      return null;
                    }
                  }
                  long lag = System.nanoTime() - t0;
                  if (measuring.get() && counts[probe] < samples[probe].length) {
                    acks[probe][counts[probe]] = Math.max(0, ackedAt.get() - t0);
                    samples[probe][counts[probe]++] = lag;
                  }
                  Thread.sleep(probePauseMs);
                }
                return null;
              }));
    }
    Thread.sleep(5_000);
    long loadStart = loadEvents[0];
    measuring.set(true);
    long start = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - start) / 1e9;
    long loadSent = loadEvents[0] - loadStart;
    stop.set(true);
    for (Future<?> f : futures) {
      f.get();
    }
    pool.shutdown();
    for (int i = 0; i < load.size(); i++) {
      load.get(i).finish(null);
      loadRuns.get(i).finish("done");
    }
    publisher.flush();

    int total = Arrays.stream(counts).sum();
    long[] all = new long[total];
    int k = 0;
    for (int p = 0; p < probes; p++) {
      System.arraycopy(samples[p], 0, all, k, counts[p]);
      k += counts[p];
    }
    Arrays.sort(all);
    long[] ackAll = new long[total];
    k = 0;
    for (int p = 0; p < probes; p++) {
      System.arraycopy(acks[p], 0, ackAll, k, counts[p]);
      k += counts[p];
    }
    Arrays.sort(ackAll);
    if (total == 0) {
      // No percentile of nothing: say why there is no figure instead of printing zeros.
      System.out.printf(
          Locale.ROOT,
          "load %,.0f events/s achieved; no lag samples: no probe's delta became visible in the"
              + " store within the %d s window (is the machine overloaded? see the stream thread's"
              + " commit rate below)%n",
          loadSent / elapsed,
          seconds);
    } else {
      System.out.printf(
          Locale.ROOT,
          "publish -> broker ack alone: p50 %.1f ms, p99 %.1f ms%n",
          percentile(ackAll, 50),
          percentile(ackAll, 99));
      System.out.printf(
          Locale.ROOT,
          "load %,.0f events/s achieved; %,d lag samples: p50 %.1f ms, p90 %.1f ms, p99 %.1f ms,"
              + " max %.1f ms%n",
          loadSent / elapsed,
          total,
          percentile(all, 50),
          percentile(all, 90),
          percentile(all, 99),
          all[total - 1] / 1e6);
    }
    StringBuilder thread = new StringBuilder("stream thread:");
    app.streams()
        .metrics()
        .forEach(
            (name, metric) -> {
              if (name.group().equals("stream-thread-metrics")
                  && List.of(
                          "commit-latency-avg",
                          "commit-latency-max",
                          "poll-latency-avg",
                          "process-latency-avg",
                          "punctuate-latency-avg",
                          "punctuate-latency-max",
                          "commit-rate")
                      .contains(name.name())) {
                thread.append(
                    String.format(
                        Locale.ROOT,
                        " %s=%.1f",
                        name.name(),
                        ((Number) metric.metricValue()).doubleValue()));
              }
            });
    System.out.println(thread);
    return new Lag(loadSent / elapsed, all, ackAll);
  }

  private static long lastSequence(URI base, String id) {
    try {
      HttpResponse<byte[]> response =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve("workflows/" + id)).GET().build(),
              HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200) {
        return -1;
      }
      JsonNode run = JSON.readTree(response.body());
      return run.path("last_sequence").asLong(-1);
    } catch (java.io.IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Long.MAX_VALUE;
    }
  }

  private static double percentile(long[] sorted, int p) {
    if (sorted.length == 0) {
      return 0;
    }
    int index = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }
}
