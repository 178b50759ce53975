package dev.runstream.bench;

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
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Publish-to-subscriber latency at a steady rate. {@code --workflows} runs stream text deltas
 * through {@link AgentEventPublisher} (linger 0), paced to {@code --rate} events per second in
 * total for {@code --seconds} (after a 5 s warm-up); each delta carries its {@code
 * System.nanoTime()} at the publish call. Each run has {@code --subscribers-per-workflow} tails on
 * one {@link RunstreamClient}; latency is taken when a subscriber's callback receives the event. A
 * plain {@code KafkaConsumer} reading the same records (assigned to all partitions, decoding each)
 * gives the baseline in the same run.
 */
final class LatencyBench {
  private static final String WARMUP = "w";
  private static final String MEASURE = "m";

  private LatencyBench() {}

  /** Latencies in nanoseconds, appended concurrently. */
  static final class Recorder {
    private final long[] values;
    private final AtomicInteger size = new AtomicInteger();

    Recorder(int capacity) {
      values = new long[capacity];
    }

    void record(long nanos) {
      int i = size.getAndIncrement();
      if (i < values.length) {
        values[i] = nanos;
      }
    }

    long[] sorted() {
      long[] copy = Arrays.copyOf(values, Math.min(size.get(), values.length));
      Arrays.sort(copy);
      return copy;
    }
  }

  static void run(LocalCluster cluster, Map<String, String> options) throws Exception {
    int rate = ConsumerBench.intOption(options, "rate", 10_000);
    int seconds = ConsumerBench.intOption(options, "seconds", 30);
    int workflows = ConsumerBench.intOption(options, "workflows", 100);
    int perWorkflow = ConsumerBench.intOption(options, "subscribers-per-workflow", 1);
    run(cluster, rate, seconds, 5, workflows, perWorkflow);
  }

  /**
   * The figures of one run.
   *
   * @param offered the paced rate asked for, events/s
   * @param achieved the rate reached while measuring
   * @param sdk publish to RunstreamClient subscriber, nanoseconds, sorted
   * @param raw publish to a plain KafkaConsumer (the baseline), nanoseconds, sorted
   * @param acks publish to broker acknowledgement, nanoseconds, sorted
   */
  record Outcome(int offered, double achieved, long[] sdk, long[] raw, long[] acks) {}

  static Outcome run(
      LocalCluster cluster,
      int rate,
      int seconds,
      int warmupSeconds,
      int workflows,
      int perWorkflow)
      throws Exception {
    System.out.printf(
        Locale.ROOT,
        "%n== Latency: publish -> subscriber at %,d events/s for %d s, %d workflows,"
            + " %,d subscribers ==%n",
        rate,
        seconds,
        workflows,
        workflows * perWorkflow);
    int measured = rate * seconds;
    Recorder sdk = new Recorder(measured * perWorkflow + 1_000);
    Recorder raw = new Recorder(measured + 1_000);
    Recorder acks = new Recorder(measured + 1_000);
    try (AgentEventPublisher publisher =
            AgentEventPublisher.create(
                PublisherConfig.newBuilder()
                    .bootstrapServers(cluster.bootstrapServers())
                    .schemaRegistryUrl(cluster.schemaRegistryUrl())
                    .linger(Duration.ZERO)
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
      for (int i = 0; i < workflows; i++) {
        AgentRun run = publisher.startRun("latency-agent", "run " + i);
        runs.add(run);
        steps.add(run.startStep("llm", StepType.LLM));
      }
      publisher.flush();

      List<CompletableFuture<Void>> done = new ArrayList<>();
      List<WorkflowStream> streams = new ArrayList<>();
      for (AgentRun run : runs) {
        for (int k = 0; k < perWorkflow; k++) {
          WorkflowStream stream = client.tail(run.workflowId());
          streams.add(stream);
          done.add(stream.forEachAsync(e -> observe(e, sdk)));
        }
      }
      for (WorkflowStream s : streams) {
        s.opened().get(60, TimeUnit.SECONDS);
      }

      RawReader baseline = new RawReader(cluster, publisher.config().topic(), raw);
      baseline.start();
      baseline.ready.get(30, TimeUnit.SECONDS);

      pace(steps, rate, warmupSeconds, WARMUP, null);
      long start = System.nanoTime();
      pace(steps, rate, seconds, MEASURE, acks);
      double elapsed = (System.nanoTime() - start) / 1e9;
      for (AgentRun run : runs) {
        run.step("llm").finish("{}");
        run.finish("done");
      }
      publisher.flush();
      CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
      Thread.sleep(500);
      baseline.halt();

      System.out.printf(
          Locale.ROOT,
          "Published %,d measured deltas in %.1f s = %,.0f events/s%n",
          measured,
          elapsed,
          measured / elapsed);
      print("RunstreamClient subscribers", sdk.sorted());
      print("plain KafkaConsumer (baseline)", raw.sorted());
      print("publisher send -> broker ack", acks.sorted());
      System.out.printf(Locale.ROOT, "Load average during the run: %s%n", loadAverage());
      ClientStats stats = client.stats();
      System.out.printf(
          Locale.ROOT,
          "Client: %d live readers (consumers) for %,d subscribers; %,d records read, %,d"
              + " decoded, %d overflows%n",
          stats.liveReaders(),
          streams.size(),
          stats.liveRecordsRead(),
          stats.recordsDecoded(),
          stats.overflows());
      return new Outcome(rate, measured / elapsed, sdk.sorted(), raw.sorted(), acks.sorted());
    }
  }

  static void observe(AgentEvent e, Recorder recorder) {
    if (e.getPayload() instanceof TextDelta delta) {
      String content = delta.getContent();
      if (content.startsWith(MEASURE)) {
        recorder.record(System.nanoTime() - Long.parseLong(content.substring(1)));
      }
    }
  }

  /** Publishes deltas round-robin over the runs at {@code rate} per second. */
  private static void pace(List<RunStep> steps, int rate, int seconds, String tag, Recorder acks) {
    pace(
        (i, content) -> {
          long sent = System.nanoTime();
          CompletableFuture<?> ack = steps.get(i % steps.size()).textDelta(content);
          if (acks != null) {
            ack.thenRun(() -> acks.record(System.nanoTime() - sent));
          }
        },
        rate,
        seconds,
        tag);
  }

  /** Sends one text delta with the given content on run {@code i} (modulo the runs). */
  interface DeltaSender {
    void send(int i, String content) throws Exception;
  }

  /** Paces {@code rate * seconds} deltas tagged with their send time; the warm-up tag if so. */
  static void pace(DeltaSender sender, int rate, int seconds, boolean measure) throws Exception {
    pace(sender, rate, seconds, measure ? MEASURE : WARMUP);
  }

  private static void pace(DeltaSender sender, int rate, int seconds, String tag) {
    long total = (long) rate * seconds;
    long interval = 1_000_000_000L / rate;
    long start = System.nanoTime();
    for (long i = 0; i < total; i++) {
      long due = start + i * interval;
      long wait = due - System.nanoTime();
      if (wait > 20_000) {
        LockSupport.parkNanos(wait - 10_000);
      }
      while (System.nanoTime() < due) {
        Thread.onSpinWait();
      }
      try {
        sender.send((int) (i % Integer.MAX_VALUE), tag + System.nanoTime());
      } catch (RuntimeException e) {
        throw e;
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }
  }

  private static void print(String name, long[] sorted) {
    if (sorted.length == 0) {
      System.out.printf(Locale.ROOT, "%-32s no samples%n", name);
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "%-32s samples %,9d   p50 %6.2f ms   p99 %6.2f ms   p99.9 %6.2f ms   max %7.2f ms%n",
        name,
        sorted.length,
        percentile(sorted, 50),
        percentile(sorted, 99),
        percentile(sorted, 99.9),
        sorted[sorted.length - 1] / 1e6);
  }

  static String loadAverage() {
    try {
      return java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).trim();
    } catch (java.io.IOException e) {
      return "unknown";
    }
  }

  private static double percentile(long[] sorted, double p) {
    int index = (int) Math.ceil(p / 100 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1e6;
  }

  /** The baseline: one plain consumer on every partition, decoding every record. */
  private static final class RawReader extends Thread {
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    private final LocalCluster cluster;
    private final String topic;
    private final Recorder recorder;
    private volatile boolean running = true;

    RawReader(LocalCluster cluster, String topic, Recorder recorder) {
      super("raw-latency-reader");
      setDaemon(true);
      this.cluster = cluster;
      this.topic = topic;
      this.recorder = recorder;
    }

    @Override
    public void run() {
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
        List<TopicPartition> partitions = new ArrayList<>();
        for (PartitionInfo p : consumer.partitionsFor(topic)) {
          partitions.add(new TopicPartition(topic, p.partition()));
        }
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        ready.complete(null);
        while (running) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            observe(deserializer.deserialize(topic, r.value()), recorder);
          }
        }
      } catch (RuntimeException e) {
        ready.completeExceptionally(e);
        throw e;
      }
    }

    void halt() throws InterruptedException {
      running = false;
      join(5_000);
    }
  }
}
