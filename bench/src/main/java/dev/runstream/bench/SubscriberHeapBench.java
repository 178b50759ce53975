package dev.runstream.bench;

import dev.runstream.bench.internal.Percentiles;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.ClientStats;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.WorkflowStream;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.StepType;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Heap per live subscriber: {@code --subscribers} tails (push style, the gateway case) on as many
 * running workflows, on one client whose shared live readers already exist. Heap is measured after
 * full collections: before opening the subscribers, once they are all open, and once each has
 * received 10 text deltas (its buffer drained again).
 */
final class SubscriberHeapBench {
  private SubscriberHeapBench() {}

  /**
   * The figures.
   *
   * @param subscribers live subscribers
   * @param bytesPerSubscriberOpen heap per subscriber, open and idle
   * @param bytesPerSubscriberAfterTraffic heap per subscriber after deliveries
   * @param deliveries events delivered
   * @param latency publish to delivery of the measured deltas, nanoseconds
   */
  record Outcome(
      int subscribers,
      long bytesPerSubscriberOpen,
      long bytesPerSubscriberAfterTraffic,
      long deliveries,
      long[] latency) {}

  static Outcome run(LocalCluster cluster, Map<String, String> options) throws Exception {
    return run(cluster, ConsumerBench.intOption(options, "subscribers", 1_000), 10);
  }

  /** {@code subscribers} tails; {@code rounds} rounds of one delta per workflow after opening. */
  static Outcome run(LocalCluster cluster, int subscribers, int rounds) throws Exception {
    System.out.printf(
        Locale.ROOT, "%n== Heap per live subscriber, %,d subscribers ==%n", subscribers);
    try (AgentEventPublisher publisher =
            AgentEventPublisher.create(
                PublisherConfig.newBuilder()
                    .bootstrapServers(cluster.bootstrapServers())
                    .schemaRegistryUrl(cluster.schemaRegistryUrl())
                    .prices(DemoAgent.DEMO_PRICES)
                    .build());
        RunstreamClient client =
            RunstreamClient.create(
                ClientConfig.newBuilder()
                    .bootstrapServers(cluster.bootstrapServers())
                    .schemaRegistryUrl(cluster.schemaRegistryUrl())
                    .withoutView()
                    .build())) {
      List<AgentRun> runs = new ArrayList<>();
      List<RunStep> steps = new ArrayList<>();
      for (int i = 0; i < subscribers; i++) {
        AgentRun run = publisher.startRun("heap-agent", "run " + i);
        runs.add(run);
        steps.add(run.startStep("llm", StepType.LLM));
      }
      publisher.flush();

      // Warm-up: the shared live readers of every partition, the schema cache, the JIT.
      List<WorkflowStream> warm = new ArrayList<>();
      for (int i = 0; i < Math.min(60, subscribers); i++) {
        warm.add(client.tail(runs.get(i).workflowId()));
      }
      for (WorkflowStream s : warm) {
        s.opened().get(60, TimeUnit.SECONDS);
      }
      warm.forEach(WorkflowStream::close);
      Thread.sleep(500);

      long before = usedAfterGc();
      AtomicLong delivered = new AtomicLong();
      LatencyBench.Recorder latencies = new LatencyBench.Recorder(rounds * subscribers + 1_000);
      List<WorkflowStream> streams = new ArrayList<>();
      List<CompletableFuture<Void>> done = new ArrayList<>();
      for (AgentRun run : runs) {
        WorkflowStream stream = client.tail(run.workflowId());
        streams.add(stream);
        done.add(
            stream.forEachAsync(
                e -> {
                  delivered.incrementAndGet();
                  LatencyBench.observe(e, latencies);
                }));
      }
      for (WorkflowStream s : streams) {
        s.opened().get(60, TimeUnit.SECONDS);
      }
      long open = usedAfterGc();

      // Rounds of one delta per workflow, 20 ms apart, each carrying its publish time.
      for (int d = 0; d < rounds; d++) {
        for (RunStep step : steps) {
          step.textDelta("m" + System.nanoTime());
        }
        publisher.flush();
        Thread.sleep(20);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (delivered.get() < (long) rounds * subscribers && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      long afterTraffic = usedAfterGc();
      ClientStats stats = client.stats();

      System.out.printf(
          Locale.ROOT,
          "Heap used: %,.1f MB before, %,.1f MB with %,d open subscribers, %,.1f MB after %,d"
              + " deliveries%n",
          before / 1e6,
          open / 1e6,
          subscribers,
          afterTraffic / 1e6,
          delivered.get());
      System.out.printf(
          Locale.ROOT,
          "Per live subscriber: %,d bytes open and idle, %,d bytes after traffic; %d shared"
              + " consumers (live readers)%n",
          (open - before) / subscribers,
          (afterTraffic - before) / subscribers,
          stats.liveReaders());

      for (AgentRun run : runs) {
        run.step("llm").finish("{}");
        run.finish("done");
      }
      publisher.flush();
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
      Percentiles latency = Percentiles.ofNanos(latencies.sorted());
      System.out.printf(
          Locale.ROOT,
          "Delivery latency: p50 %.2f ms, p99 %.2f ms, p99.9 %.2f ms over %,d deliveries%n",
          latency.p50Ms(),
          latency.p99Ms(),
          latency.p999Ms(),
          latency.samples());
      return new Outcome(
          subscribers,
          (open - before) / subscribers,
          (afterTraffic - before) / subscribers,
          delivered.get(),
          latencies.sorted());
    }
  }

  private static long usedAfterGc() throws InterruptedException {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 5; i++) {
      System.gc();
      Thread.sleep(200);
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}
