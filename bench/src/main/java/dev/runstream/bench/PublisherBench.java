package dev.runstream.bench;

import dev.runstream.bench.internal.CpuMeter;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Publisher throughput against a raw Kafka producer, on a local cluster started for the run.
 *
 * <p>Each round first plays a realistic agent workload (pre-planned {@link DemoAgent} runs:
 * streamed tokens, tool calls, sub-agents, failures) through {@link AgentEventPublisher} as fast as
 * possible from several threads, timed until every event is acknowledged. It then reads back the
 * very records of that round, as bytes with their keys and headers, and sends them again through a
 * raw {@code KafkaProducer<byte[], byte[]>} with exactly the publisher's producer properties (acks,
 * idempotence, linger, batch size, compression), from as many threads, to a topic of the same
 * partition count, also timed until acknowledged. So both sides send the same number of records of
 * the same serialized sizes; the difference is what the library costs: the state machine, ids, Avro
 * encoding, headers and futures. The first round warms up both and is not counted.
 *
 * <p>Rounds are short and alternate which side goes first (ABBA), so that load from elsewhere on
 * the machine falls on both alike; the result is the ratio of the total rates, with the median of
 * the per-round ratios and the ratio of events per CPU-second (of this JVM and its child processes)
 * beside it. The raw side's header keys are decoded before it is timed, as the publisher's are
 * constants.
 *
 * <p>Options: {@code --events N} (events per round, default 200000), {@code --threads T} (4),
 * {@code --rounds R} (10 measured), {@code --warmup W} (2 rounds not counted), {@code --compression
 * C}, {@code --linger-ms L}, {@code --batch-size B} (publisher defaults otherwise).
 */
public final class PublisherBench {
  private static final String RAW_TOPIC = "bench-raw";

  private PublisherBench() {}

  /**
   * One side's figures.
   *
   * @param events events sent
   * @param bytes their serialized size
   * @param elapsed until all were acknowledged
   * @param cpuSeconds CPU time of this JVM and its child processes meanwhile
   */
  record Result(long events, long bytes, Duration elapsed, double cpuSeconds) {
    double perSecond() {
      return events / (elapsed.toNanos() / 1e9);
    }

    double megabytesPerSecond() {
      return bytes / (elapsed.toNanos() / 1e9) / 1e6;
    }

    double perCpuSecond() {
      return cpuSeconds > 0 ? events / cpuSeconds : Double.NaN;
    }
  }

  /**
   * Runs the bench and prints its figures.
   *
   * @param args the options
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    long targetEvents = Long.parseLong(options.getOrDefault("events", "200000"));
    int threads = Integer.parseInt(options.getOrDefault("threads", "4"));
    int warmups = Integer.parseInt(options.getOrDefault("warmup", "2"));
    int rounds = Integer.parseInt(options.getOrDefault("rounds", "10"));

    System.out.println("Starting a local cluster (KRaft broker + Apicurio registry)...");
    try (LocalCluster cluster =
        LocalCluster.start(LocalClusterConfig.newBuilder().freePorts().build())) {
      PublisherConfig.Builder builder =
          PublisherConfig.newBuilder()
              .bootstrapServers(cluster.bootstrapServers())
              .schemaRegistryUrl(cluster.schemaRegistryUrl())
              .prices(DemoAgent.DEMO_PRICES);
      if (options.containsKey("compression")) {
        builder.compressionType(options.get("compression"));
      }
      if (options.containsKey("linger-ms")) {
        builder.linger(Duration.ofMillis(Long.parseLong(options.get("linger-ms"))));
      }
      if (options.containsKey("batch-size")) {
        builder.batchSize(Integer.parseInt(options.get("batch-size")));
      }
      PublisherConfig config = builder.build();
      DemoAgent agent =
          new DemoAgent(DemoAgent.Options.newBuilder().seed(2024).tokensPerSecond(0).build());
      List<RunPlan> plans = new ArrayList<>();
      long planned = 0;
      for (long i = 0; planned < targetEvents; i++) {
        RunPlan plan = agent.plan(i);
        plans.add(plan);
        planned += plan.eventCount();
      }
      System.out.printf(
          Locale.ROOT,
          "Workload: %d runs (%d sub-agent runs, %d failing) = %d events per round; %d threads%n",
          plans.size(),
          plans.stream().mapToLong(RunPlan::childRuns).sum(),
          plans.stream().filter(RunPlan::fails).count(),
          planned,
          threads);
      System.out.println("Producer: " + describe(config));

      Comparison comparison =
          compare(cluster, config, agent, plans, threads, warmups, rounds, null);
      double ratio = comparison.publisher().perSecond() / comparison.raw().perSecond();
      System.out.printf(
          Locale.ROOT,
          "RESULT publisher %.0f events/s, raw KafkaProducer %.0f events/s, ratio %.3f (median"
              + " of rounds %.3f; per CPU-second %.3f; goal >= 0.8: %s)%n",
          comparison.publisher().perSecond(),
          comparison.raw().perSecond(),
          ratio,
          comparison.medianRatio(),
          comparison.publisher().perCpuSecond() / comparison.raw().perCpuSecond(),
          ratio >= 0.8 ? "met" : "NOT met");
    }
  }

  /** Called after each round with the round's records, as the raw producer sent them. */
  interface RoundHook {
    void afterRound(int round, List<ProducerRecord<byte[], byte[]>> records) throws Exception;
  }

  /**
   * The totals of the measured rounds.
   *
   * @param publisher the publisher's
   * @param raw the raw producer's
   * @param medianRatio the median of the per-round ratios
   */
  record Comparison(Result publisher, Result raw, double medianRatio) {}

  /** Creates the raw topic (as many partitions as the publisher's topic) and runs the rounds. */
  static Comparison compare(
      LocalCluster cluster,
      PublisherConfig config,
      DemoAgent agent,
      List<RunPlan> plans,
      int threads,
      int warmups,
      int rounds,
      RoundHook hook)
      throws Exception {
    int partitions;
    try (Admin admin = admin(cluster)) {
      partitions =
          admin
              .describeTopics(List.of(config.topic()))
              .allTopicNames()
              .get()
              .get(config.topic())
              .partitions()
              .size();
      if (!admin.listTopics().names().get().contains(RAW_TOPIC)) {
        admin.createTopics(List.of(new NewTopic(RAW_TOPIC, partitions, (short) 1))).all().get();
      }
    }
    List<Result> publisherResults = new ArrayList<>();
    List<Result> rawResults = new ArrayList<>();
    try (AgentEventPublisher publisher = AgentEventPublisher.create(config);
        KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(config.kafkaProducerProperties())) {
      List<ProducerRecord<byte[], byte[]>> previous = null;
      for (int round = 1 - warmups; round <= rounds; round++) {
        // Alternate which side goes first (ABBA), so drifting load from elsewhere on the machine
        // does not always fall on the same side. The raw side resends the previous round's
        // records when it goes first: the same plans, so the same count and sizes.
        boolean rawFirst = previous != null && round % 2 == 0;
        Result rawResult = null;
        if (rawFirst) {
          settle();
          rawResult = sendRaw(raw, previous, threads);
        }
        Map<TopicPartition, Long> before = endOffsets(cluster, config.topic(), partitions);
        settle();
        long start = System.nanoTime();
        double cpuStart = CpuMeter.processTreeSeconds();
        DemoAgent.LoadReport report = agent.playAll(publisher, plans, threads);
        Duration publisherTime = Duration.ofNanos(System.nanoTime() - start);
        double publisherCpu = CpuMeter.processTreeSeconds() - cpuStart;
        if (report.brokenRuns() > 0) {
          throw new IllegalStateException(report.brokenRuns() + " runs broke");
        }
        Map<TopicPartition, Long> after = endOffsets(cluster, config.topic(), partitions);
        List<ProducerRecord<byte[], byte[]>> records = readBack(cluster, before, after);
        if (records.size() != report.events()) {
          throw new IllegalStateException(
              "read back " + records.size() + " records, published " + report.events());
        }
        long bytes = records.stream().mapToLong(PublisherBench::size).sum();
        Result published = new Result(records.size(), bytes, publisherTime, publisherCpu);
        if (!rawFirst) {
          settle();
          rawResult = sendRaw(raw, records, threads);
        }
        previous = records;
        String label = round <= 0 ? "warm-up" : "round " + round;
        System.out.printf(
            Locale.ROOT,
            "%-8s publisher %,9.0f events/s (%5.1f MB/s, %,8.0f per CPU-s) | raw %,9.0f events/s"
                + " (%5.1f MB/s, %,8.0f per CPU-s) | ratio %.3f%s | %d events, avg %d B%n",
            label,
            published.perSecond(),
            published.megabytesPerSecond(),
            published.perCpuSecond(),
            rawResult.perSecond(),
            rawResult.megabytesPerSecond(),
            rawResult.perCpuSecond(),
            published.perSecond() / rawResult.perSecond(),
            rawFirst ? " (raw first)" : "",
            records.size(),
            bytes / records.size());
        if (round > 0) {
          publisherResults.add(published);
          rawResults.add(rawResult);
        }
        if (hook != null) {
          hook.afterRound(round, records);
        }
      }
    }
    List<Double> ratios = new ArrayList<>();
    for (int i = 0; i < publisherResults.size(); i++) {
      ratios.add(publisherResults.get(i).perSecond() / rawResults.get(i).perSecond());
    }
    ratios.sort(Double::compare);
    return new Comparison(
        total(publisherResults), total(rawResults), ratios.get(ratios.size() / 2));
  }

  /** Starts a timed phase on a collected heap, so neither phase pays for the other's garbage. */
  private static void settle() throws InterruptedException {
    System.gc();
    Thread.sleep(500);
  }

  private static String describe(PublisherConfig config) {
    Map<String, Object> props = config.kafkaProducerProperties();
    return String.join(
        ", ",
        Arrays.stream(
                new String[] {
                  "acks",
                  "enable.idempotence",
                  "linger.ms",
                  "batch.size",
                  "compression.type",
                  "max.in.flight.requests.per.connection"
                })
            .map(key -> key + "=" + props.get(key))
            .toList());
  }

  static Result total(List<Result> results) {
    return new Result(
        results.stream().mapToLong(Result::events).sum(),
        results.stream().mapToLong(Result::bytes).sum(),
        results.stream().map(Result::elapsed).reduce(Duration.ZERO, Duration::plus),
        results.stream().mapToDouble(Result::cpuSeconds).sum());
  }

  static long size(ProducerRecord<byte[], byte[]> record) {
    long size = record.key().length + record.value().length;
    for (var header : record.headers()) {
      size += header.key().length() + header.value().length;
    }
    return size;
  }

  private static Result sendRaw(
      KafkaProducer<byte[], byte[]> producer,
      List<ProducerRecord<byte[], byte[]>> records,
      int threads)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      // Dealt round-robin from publish order, so every thread interleaves partitions as the
      // publisher's threads did (per-partition runs would batch unrealistically well).
      List<List<ProducerRecord<byte[], byte[]>>> parts = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        parts.add(new ArrayList<>(records.size() / threads + 1));
      }
      for (int i = 0; i < records.size(); i++) {
        parts.get(i % threads).add(records.get(i));
      }
      long start = System.nanoTime();
      double cpuStart = CpuMeter.processTreeSeconds();
      List<Future<?>> futures = new ArrayList<>();
      for (List<ProducerRecord<byte[], byte[]>> part : parts) {
        futures.add(
            pool.submit(
                () -> {
                  for (ProducerRecord<byte[], byte[]> record : part) {
                    producer.send(record);
                  }
                }));
      }
      for (Future<?> future : futures) {
        future.get();
      }
      producer.flush();
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return new Result(
          records.size(),
          records.stream().mapToLong(PublisherBench::size).sum(),
          elapsed,
          CpuMeter.processTreeSeconds() - cpuStart);
    } finally {
      pool.shutdownNow();
    }
  }

  private static Admin admin(LocalCluster cluster) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
  }

  private static Map<TopicPartition, Long> endOffsets(
      LocalCluster cluster, String topic, int partitions) throws Exception {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    for (int p = 0; p < partitions; p++) {
      request.put(new TopicPartition(topic, p), OffsetSpec.latest());
    }
    Map<TopicPartition, Long> offsets = new HashMap<>();
    try (Admin admin = admin(cluster)) {
      admin.listOffsets(request).all().get().forEach((tp, info) -> offsets.put(tp, info.offset()));
    }
    return offsets;
  }

  /** The records between two offset snapshots, as bytes, addressed to the raw topic. */
  private static List<ProducerRecord<byte[], byte[]>> readBack(
      LocalCluster cluster, Map<TopicPartition, Long> from, Map<TopicPartition, Long> to) {
    List<ProducerRecord<byte[], byte[]>> records = new ArrayList<>();
    Map<Long, Integer> rank = new HashMap<>();
    Map<ProducerRecord<byte[], byte[]>, Long> order = new java.util.IdentityHashMap<>();
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            cluster.bootstrapServers(),
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            10_000,
            ConsumerConfig.FETCH_MAX_BYTES_CONFIG,
            64 * 1024 * 1024);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      long expected =
          to.entrySet().stream().mapToLong(e -> e.getValue() - from.get(e.getKey())).sum();
      long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          TopicPartition tp = new TopicPartition(record.topic(), record.partition());
          if (record.offset() < to.get(tp)) {
            // Header keys decoded here, not in the timed send: the publisher's keys are Strings.
            RecordHeaders headers = new RecordHeaders();
            for (Header header : record.headers()) {
              headers.add(new RecordHeader(header.key(), header.value()));
            }
            ProducerRecord<byte[], byte[]> copy =
                new ProducerRecord<>(
                    RAW_TOPIC, null, record.timestamp(), record.key(), record.value(), headers);
            records.add(copy);
            int r = rank.merge(record.timestamp() * 64 + record.partition(), 1, Integer::sum);
            order.put(copy, (long) r * 64 + record.partition());
          }
        }
      }
    }
    // Back into publish order (timestamps are the publish times; stable within a partition).
    // Within a millisecond, deal the partitions' records round-robin.
    records.sort(
        java.util.Comparator.<ProducerRecord<byte[], byte[]>>comparingLong(
                ProducerRecord::timestamp)
            .thenComparingLong(order::get));
    return records;
  }
}
