package dev.runstream.bench;

import dev.runstream.bench.internal.FreshnessFigures;
import dev.runstream.bench.internal.FreshnessFigures.JoinPoint;
import dev.runstream.bench.internal.FreshnessFigures.ReadYourEvent;
import dev.runstream.bench.internal.Percentiles;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.RunSnapshot;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.client.ViewPosition;
import dev.runstream.client.WorkflowStream;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Issue 10, items 5 and 6, measured on one local cluster started for the run, each figure beside a
 * baseline from the same run:
 *
 * <ol>
 *   <li><b>Join latency, snapshot plus tail</b> ({@code RunstreamClient.join}): for runs of {@code
 *       --lengths} text deltas that are still running, the time from {@code join()} until the
 *       subscriber holds the whole text so far (the snapshot) and reads live — against the
 *       baseline, a full replay from the run's first event until the same text has been read. The
 *       join should stay flat as the run grows; the replay grows with it.
 *   <li><b>Read-your-event wait</b> ({@code view(id, position)}, IQv2 {@code PositionBound}): a
 *       probe publishes one delta, and once the broker acknowledged it asks the view at least as
 *       fresh as its position — against a plain query of the view at the same moment (fast, but
 *       stale in the share printed) and a client polling the plain query until the delta shows.
 * </ol>
 *
 * <pre>
 * ./mvnw -q -pl bench -am package -DskipTests   # once
 * java -cp "bench/target/runstream-bench-0.1.0-SNAPSHOT.jar:bench/target/lib/*" \
 *     dev.runstream.bench.FreshnessBench --lengths 1000,10000,100000 --repeats 5 --probes 200
 * </pre>
 */
public final class FreshnessBench {
  private FreshnessBench() {}

  /**
   * Runs the benches and prints their figures.
   *
   * @param args {@code --lengths 1000,10000,100000 --repeats R --probes P}
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = ConsumerBench.options(args);
    long[] lengths =
        Arrays.stream(options.getOrDefault("lengths", "1000,10000,100000").split(","))
            .mapToLong(s -> Long.parseLong(s.trim()))
            .toArray();
    int repeats = ConsumerBench.intOption(options, "repeats", 5);
    int probes = ConsumerBench.intOption(options, "probes", 200);
    System.out.println("Starting a local cluster (KRaft broker + Apicurio registry)...");
    try (LocalCluster cluster =
        LocalCluster.start(LocalClusterConfig.newBuilder().freePorts().build())) {
      print(measure(cluster, lengths, repeats, probes));
    }
  }

  /**
   * Measures on {@code cluster}, with topics of its own and a topology instance started for it.
   *
   * @param lengths run lengths in text deltas
   * @param repeats joins (and replays) per length
   * @param probes read-your-event probes
   * @return the figures
   */
  static FreshnessFigures measure(LocalCluster cluster, long[] lengths, int repeats, int probes)
      throws Exception {
    String prefix = "bench-freshness-" + UUID.randomUUID().toString().substring(0, 8);
    TopologyConfig.Topics topics =
        new TopologyConfig.Topics(prefix, prefix + "-runs", prefix + "-usage", prefix + "-dlq");
    TopologyBench.createTopologyTopics(cluster, topics);
    Path stateDir = Files.createTempDirectory("freshness-bench");
    try (AgentEventPublisher publisher =
            TopologyBench.uncoalescedPublisher(cluster, topics.events(), Duration.ofMillis(1));
        TopologyApp app = TopologyBench.startTopology(cluster, prefix, topics, stateDir)) {
      if (!app.awaitRunning(Duration.ofMinutes(2))) {
        throw new IllegalStateException("the topology did not reach RUNNING");
      }
      try (RunstreamClient client =
          RunstreamClient.create(
              ClientConfig.newBuilder()
                  .bootstrapServers(cluster.bootstrapServers())
                  .schemaRegistryUrl(cluster.schemaRegistryUrl())
                  .topic(topics.events())
                  .queryUrl(app.httpAddress().toString())
                  .build())) {
        List<JoinPoint> joins = new ArrayList<>();
        for (long length : lengths) {
          joins.add(join(publisher, client, length, repeats));
        }
        return new FreshnessFigures(
            joins, readYourEvent(publisher, client, probes), repeats, probes);
      }
    }
  }

  static JoinPoint join(
      AgentEventPublisher publisher, RunstreamClient client, long deltas, int repeats)
      throws Exception {
    AgentRun run = publisher.startRun("freshness-bench-join", "a long text");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    long textLength = 0;
    for (long i = 0; i < deltas; i++) {
      String chunk = "token" + i + " ";
      llm.textDelta(chunk);
      textLength += chunk.length();
    }
    publisher.flush();
    long lastSequence = deltas + 1; // agent_start 0, step_start 1, deltas 2..deltas+1
    awaitView(client, run.workflowId(), lastSequence);
    long[] join = new long[repeats];
    long[] replay = new long[repeats];
    // One untimed round first (class loading, JIT, connections), then the timed ones.
    for (int r = -1; r < repeats; r++) {
      long t0 = System.nanoTime();
      try (WorkflowStream stream = client.join(run.workflowId())) {
        stream.opened().get(60, TimeUnit.SECONDS);
        RunSnapshot snapshot = stream.snapshot().orElseThrow();
        if (r >= 0) {
          join[r] = System.nanoTime() - t0;
        }
        if (snapshot.text().length() != textLength) {
          throw new IllegalStateException(
              "the snapshot holds " + snapshot.text().length() + " of " + textLength + " chars");
        }
      }
      t0 = System.nanoTime();
      try (WorkflowStream stream = client.replay(run.workflowId())) {
        long read = 0;
        Iterator<AgentEvent> it = stream.iterator();
        while (read < textLength && it.hasNext()) {
          if (it.next().getPayload() instanceof TextDelta d) {
            read += d.getContent().length();
          }
        }
        if (r >= 0) {
          replay[r] = System.nanoTime() - t0;
        }
      }
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(10, deltas));
    run.finish("done").get(60, TimeUnit.SECONDS);
    System.out.printf(Locale.ROOT, "  joined a run of %,d deltas %d times%n", deltas, repeats);
    return new JoinPoint(
        deltas, textLength, Percentiles.ofNanos(join), Percentiles.ofNanos(replay));
  }

  static ReadYourEvent readYourEvent(
      AgentEventPublisher publisher, RunstreamClient client, int probes) throws Exception {
    AgentRun run = publisher.startRun("freshness-bench-ryw", "probes");
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    publisher.flush();
    awaitView(client, run.workflowId(), 1);
    long[] plain = new long[probes];
    long[] atLeast = new long[probes];
    long[] polling = new long[probes];
    int stale = 0;
    for (int i = 0; i < probes; i++) {
      // Plain query right after the ack (the baseline): how long, and is the delta in it?
      PublishedEvent a = llm.textDelta("a" + i + " ").get(30, TimeUnit.SECONDS);
      long t0 = System.nanoTime();
      long seen = plainSequence(client, run.workflowId());
      plain[i] = System.nanoTime() - t0;
      if (seen < a.sequence()) {
        stale++;
      }
      // A client polling the plain query until its delta shows.
      PublishedEvent b = llm.textDelta("b" + i + " ").get(30, TimeUnit.SECONDS);
      t0 = System.nanoTime();
      while (plainSequence(client, run.workflowId()) < b.sequence()) {
        // next query at once
      }
      polling[i] = System.nanoTime() - t0;
      // Read-your-event: one query that the server holds until its store has the delta.
      PublishedEvent c = llm.textDelta("c" + i + " ").get(30, TimeUnit.SECONDS);
      t0 = System.nanoTime();
      RunSnapshot fresh =
          client
              .view(run.workflowId(), new ViewPosition(c.partition(), c.offset()))
              .get(60, TimeUnit.SECONDS);
      atLeast[i] = System.nanoTime() - t0;
      if (fresh.lastSequence() < c.sequence()) {
        throw new IllegalStateException("a read-your-event answer missed its event");
      }
    }
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1, probes));
    run.finish("done").get(60, TimeUnit.SECONDS);
    return new ReadYourEvent(
        Percentiles.ofNanos(plain),
        (double) stale / probes,
        Percentiles.ofNanos(atLeast),
        Percentiles.ofNanos(polling));
  }

  /** The view's last sequence of the run by a plain query, -1 while it does not know the run. */
  private static long plainSequence(RunstreamClient client, String id) throws Exception {
    try {
      return client.view(id).get(30, TimeUnit.SECONDS).lastSequence();
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownWorkflowException) {
        return -1;
      }
      throw e;
    }
  }

  private static void awaitView(RunstreamClient client, String id, long lastSequence)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    while (System.nanoTime() < deadline) {
      try {
        if (client.view(id).get(30, TimeUnit.SECONDS).lastSequence() >= lastSequence) {
          return;
        }
      } catch (ExecutionException e) {
        // not in the view yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the view did not apply " + id + " up to " + lastSequence);
  }

  /** The figures as sentences, for the suite report's notes. */
  static List<String> sentences(FreshnessFigures r) {
    List<String> out = new ArrayList<>();
    for (JoinPoint p : r.joins()) {
      out.add(
          String.format(
              Locale.ROOT,
              "Item 6, join latency of a late joiner to a running run of %,d text deltas (%,d KiB"
                  + " of text): snapshot plus tail p50 %.1f ms (max %.1f); baseline, a full replay"
                  + " from its first event, p50 %.1f ms (max %.1f): %.1fx.",
              p.deltas(),
              p.textChars() / 1024,
              p.join().p50Ms(),
              p.join().maxMs(),
              p.replay().p50Ms(),
              p.replay().maxMs(),
              p.replay().p50Ms() / p.join().p50Ms()));
    }
    ReadYourEvent y = r.readYourEvent();
    out.add(
        String.format(
            Locale.ROOT,
            "Item 5, read-your-event wait over %d probes, each right after the broker's ack:"
                + " at_least (IQv2 PositionBound) p50 %.2f ms, p99 %.2f ms, never stale; baseline,"
                + " a plain query, p50 %.2f ms, p99 %.2f ms, stale in %.0f%% of answers; a client"
                + " polling the plain query until fresh p50 %.2f ms, p99 %.2f ms.",
            r.probes(),
            y.atLeast().p50Ms(),
            y.atLeast().p99Ms(),
            y.plain().p50Ms(),
            y.plain().p99Ms(),
            y.plainStaleShare() * 100,
            y.polling().p50Ms(),
            y.polling().p99Ms()));
    return out;
  }

  static void print(FreshnessFigures r) {
    ReadYourEvent ryw = r.readYourEvent();
    System.out.printf(
        Locale.ROOT,
        "%n== Item 6: join latency of a late joiner, snapshot plus tail vs full replay"
            + " (%d joins per length) ==%n",
        r.repeats());
    System.out.printf(
        Locale.ROOT,
        "%12s  %11s  %14s  %14s  %14s  %14s  %8s%n",
        "run (deltas)",
        "text (KiB)",
        "join p50 ms",
        "join max ms",
        "replay p50 ms",
        "replay max ms",
        "ratio");
    for (JoinPoint p : r.joins()) {
      System.out.printf(
          Locale.ROOT,
          "%,12d  %,11d  %14.1f  %14.1f  %14.1f  %14.1f  %7.1fx%n",
          p.deltas(),
          p.textChars() / 1024,
          p.join().p50Ms(),
          p.join().maxMs(),
          p.replay().p50Ms(),
          p.replay().maxMs(),
          p.replay().p50Ms() / p.join().p50Ms());
    }
    System.out.printf(
        Locale.ROOT,
        "%n== Item 5: read-your-event wait, %d probes, each after the broker's ack ==%n",
        r.probes());
    System.out.printf(
        Locale.ROOT,
        "  plain query (baseline)        p50 %7.2f ms  p99 %7.2f ms  stale in %.0f%% of answers%n",
        ryw.plain().p50Ms(),
        ryw.plain().p99Ms(),
        ryw.plainStaleShare() * 100);
    System.out.printf(
        Locale.ROOT,
        "  at_least (IQv2 PositionBound) p50 %7.2f ms  p99 %7.2f ms  never stale%n",
        ryw.atLeast().p50Ms(),
        ryw.atLeast().p99Ms());
    System.out.printf(
        Locale.ROOT,
        "  client polling until fresh    p50 %7.2f ms  p99 %7.2f ms%n",
        ryw.polling().p50Ms(),
        ryw.polling().p99Ms());
  }
}
