package dev.runstream.bench;

import com.sun.net.httpserver.HttpServer;
import dev.runstream.bench.internal.Headline.ReplayNames;
import dev.runstream.bench.internal.Progress;
import dev.runstream.bench.internal.SuiteReport.ReplayPoint;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.StreamOptions;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.EventHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import redis.clients.jedis.Jedis;

/**
 * Replay of one workflow as the background grows: on a one-partition topic, background runs of the
 * workload are published through {@link AgentEventPublisher} up to each size, then one more run,
 * the target. The same records (read back as bytes) go to Redis, one stream per workflow. The
 * target is then read by runstream's indexed replay (the index, its first offset, served by a stub
 * of the view's HTTP API, as the topology would), by a plain consumer scanning the partition from
 * its start ({@link ReplayBench#fullScan}), and by {@code XRANGE}.
 */
final class ReplayScaleBench {
  private ReplayScaleBench() {}

  static List<ReplayPoint> run(
      LocalCluster cluster,
      DemoAgent agent,
      long[] sizes,
      int repeats,
      RedisPeer redis,
      String redisUnavailable,
      AvroDeserializer<AgentEvent> deserializer,
      Progress progress)
      throws Exception {
    String topic = ReplayBench.TOPIC;
    cluster.createTopics(List.of(new TopicSpec(topic, 1, Map.of())));
    if (redis != null) {
      redis.flushAll();
    }
    TopicPartition tp = new TopicPartition(topic, 0);
    List<ReplayPoint> points = new ArrayList<>();
    long nextPlan = 1_000_000;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(
            PublisherConfig.newBuilder()
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .topic(topic)
                .prices(DemoAgent.DEMO_PRICES)
                .build())) {
      long background = endOffset(cluster, tp);
      for (int s = 0; s < sizes.length; s++) {
        long size = sizes[s];
        double base = (double) s / sizes.length;
        double share = 1.0 / sizes.length;
        progress.step(
            base, String.format(Locale.ROOT, "publishing background to %,d events", size));
        long from = endOffset(cluster, tp);
        List<RunPlan> plans = new ArrayList<>();
        long planned = 0;
        while (background + planned < size) {
          RunPlan plan = agent.plan(nextPlan++);
          plans.add(plan);
          planned += plan.eventCount();
        }
        if (!plans.isEmpty()) {
          agent.playAll(publisher, plans, 4);
        }
        AgentRun target = agent.play(publisher, agent.plan(nextPlan++));
        publisher.flush();
        String targetId = target.workflowId();
        long to = endOffset(cluster, tp);

        progress.step(base + share * 0.3, "copying the new records to Redis, finding the target");
        long[] first = {-1};
        int[] targetEvents = {0};
        readRange(
            cluster,
            tp,
            from,
            to,
            batch -> {
              for (ConsumerRecord<byte[], byte[]> r : batch) {
                Header h = r.headers().lastHeader(EventHeaders.WORKFLOW_ID);
                if (h != null && targetId.equals(new String(h.value(), StandardCharsets.UTF_8))) {
                  if (first[0] < 0) {
                    first[0] = r.offset();
                  }
                  targetEvents[0]++;
                }
              }
              if (redis != null) {
                List<ProducerRecord<byte[], byte[]>> copies = new ArrayList<>(batch.size());
                for (ConsumerRecord<byte[], byte[]> r : batch) {
                  copies.add(
                      new ProducerRecord<>(
                          topic, null, r.timestamp(), r.key(), r.value(), r.headers()));
                }
                redis.append(copies);
              }
            });
        background = to;
        long behind = first[0];
        int expected = targetEvents[0];
        System.out.printf(
            Locale.ROOT,
            "%nReplay: target %s, %d events, first at offset %,d%n",
            targetId,
            expected,
            behind);

        progress.step(
            base + share * 0.5, String.format(Locale.ROOT, "replaying among %,d", behind));
        HttpServer stub = ReplayBench.viewServer(targetId, expected, 0, behind);
        try (RunstreamClient client =
            RunstreamClient.create(
                ReplayBench.clientConfig(cluster)
                    .queryUrl("http://127.0.0.1:" + stub.getAddress().getPort())
                    .build())) {
          ReplayBench.Measure m =
              ReplayBench.measure(
                  ReplayNames.INDEXED,
                  expected,
                  () -> ReplayBench.replay(client, targetId, StreamOptions.DEFAULTS, expected),
                  () -> client.stats().catchUpRecordsRead(),
                  repeats);
          points.add(point(ReplayNames.INDEXED, behind, expected, m));
        } finally {
          stub.stop(0);
        }
        progress.step(base + share * 0.7, String.format(Locale.ROOT, "full scan of %,d", behind));
        long[] scanned = new long[1];
        ReplayBench.Measure scan =
            ReplayBench.measure(
                ReplayNames.SCAN,
                expected,
                () -> ReplayBench.fullScan(cluster, targetId, false, scanned),
                () -> scanned[0],
                Math.max(1, repeats / 2));
        points.add(point(ReplayNames.SCAN, behind, expected, scan));
        if (redis != null) {
          try (Jedis jedis = redis.connect()) {
            long[] entriesRead = new long[1];
            ReplayBench.Measure x =
                ReplayBench.measure(
                    ReplayNames.REDIS,
                    expected,
                    () -> {
                      int read = redis.replay(jedis, targetId, deserializer);
                      entriesRead[0] += read;
                      return read;
                    },
                    () -> entriesRead[0],
                    repeats);
            points.add(point(ReplayNames.REDIS, behind, expected, x));
          }
        } else {
          points.add(
              ReplayPoint.unavailable(ReplayNames.REDIS, behind, expected, redisUnavailable));
        }
        for (ReplayPoint p : points.subList(points.size() - 3, points.size())) {
          System.out.printf(
              Locale.ROOT,
              "  %-34s cold %9.2f ms  median %9.2f ms  records read %,d%n",
              p.system(),
              p.coldMs(),
              p.medianMs(),
              p.recordsRead());
        }
      }
    }
    return points;
  }

  private static ReplayPoint point(
      String system, long background, int events, ReplayBench.Measure m) {
    return new ReplayPoint(
        system, background, events, m.coldMs(), m.medianMs(), m.recordsRead(), null);
  }

  private static long endOffset(LocalCluster cluster, TopicPartition tp) throws Exception {
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).all().get().get(tp).offset();
    }
  }

  interface BatchSink {
    void accept(List<ConsumerRecord<byte[], byte[]>> batch) throws Exception;
  }

  private static void readRange(
      LocalCluster cluster, TopicPartition tp, long from, long to, BatchSink sink)
      throws Exception {
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                10_000,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false),
            new ByteArrayDeserializer(),
            new ByteArrayDeserializer())) {
      consumer.assign(List.of(tp));
      consumer.seek(tp, from);
      long position = from;
      long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
      while (position < to && System.nanoTime() < deadline) {
        List<ConsumerRecord<byte[], byte[]>> batch = new ArrayList<>();
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          if (r.offset() < to) {
            batch.add(r);
          }
        }
        if (!batch.isEmpty()) {
          sink.accept(batch);
        }
        position = consumer.position(tp);
      }
    }
  }
}
