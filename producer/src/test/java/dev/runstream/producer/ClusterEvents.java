package dev.runstream.producer;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.SchemaRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;

/** Test support: topics of their own, and reading events back with runstream's deserializer. */
final class ClusterEvents {
  static final int PARTITIONS = 6;

  private ClusterEvents() {}

  static String createTopic(LocalCluster cluster, String name) throws Exception {
    cluster.createTopics(List.of(new TopicSpec(name, PARTITIONS, Map.of())));
    return name;
  }

  static PublisherConfig.Builder config(LocalCluster cluster, String topic) {
    return PublisherConfig.newBuilder()
        .bootstrapServers(cluster.bootstrapServers())
        .schemaRegistryUrl(cluster.schemaRegistryUrl())
        .topic(topic)
        .prices(DemoAgent.DEMO_PRICES + ",gpt-4o-mini-test:0.15:0.60");
  }

  /** The partition the default partitioner gives a key: what the consumer SDK computes too. */
  static int partitionOf(String rootWorkflowId) {
    return Utils.toPositive(
            Utils.murmur2(rootWorkflowId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        % PARTITIONS;
  }

  /** Reads the topic from the beginning until {@code expected} records arrived (or 60 s). */
  static List<ConsumerRecord<String, AgentEvent>> readAll(
      LocalCluster cluster, String topic, long expected) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
    List<ConsumerRecord<String, AgentEvent>> records = new ArrayList<>();
    try (KafkaConsumer<String, AgentEvent> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            new AvroDeserializer<>(AgentEvent.class, SchemaRegistry.connect(serde)))) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (int p = 0; p < PARTITIONS; p++) {
        partitions.add(new TopicPartition(topic, p));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (records.size() < expected && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      // Anything beyond the expected count would be a record that should not exist.
      consumer.poll(Duration.ofMillis(500)).forEach(records::add);
    }
    return records;
  }
}
