package dev.runstream.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.runstream.cluster.LocalCluster;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.schemas.AvroSerde;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.WorkflowRun;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the integration tests share: configs for the local cluster, HTTP and topic reads. */
final class ItSupport {
  static final ObjectMapper JSON = new ObjectMapper();
  static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private ItSupport() {}

  /** A topology config for the cluster: free HTTP port, fast commits and snapshots. */
  static TopologyConfig.Builder topologyConfig(LocalCluster cluster, Path stateDir, String appId) {
    return TopologyConfig.newBuilder()
        .isolated()
        .bootstrapServers(cluster.bootstrapServers())
        .schemaRegistryUrl(cluster.schemaRegistryUrl())
        .applicationId(appId)
        .stateDir(stateDir)
        .httpPort(0)
        .commitInterval(Duration.ofMillis(100))
        .snapshotInterval(Duration.ofMillis(200))
        // A killed or closed instance's partitions move on within seconds, not 45 s.
        .streamsProperty("session.timeout.ms", 6000)
        .streamsProperty("heartbeat.interval.ms", 1000)
        .streamsProperty("consumer.max.poll.records", 2000);
  }

  static PublisherConfig.Builder publisherConfig(LocalCluster cluster) {
    return PublisherConfig.newBuilder()
        .bootstrapServers(cluster.bootstrapServers())
        .schemaRegistryUrl(cluster.schemaRegistryUrl())
        .linger(Duration.ofMillis(5));
  }

  record Reply(int status, JsonNode body, String servedBy) {}

  static Reply get(URI base, String pathAndQuery) {
    try {
      HttpResponse<String> response =
          HTTP.send(
              HttpRequest.newBuilder(base.resolve(pathAndQuery))
                  .timeout(Duration.ofSeconds(30))
                  .GET()
                  .build(),
              HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Reply(
          response.statusCode(),
          JSON.readTree(response.body()),
          response.headers().firstValue(TopologyApp.SERVED_BY_HEADER).orElse(null));
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** A read_committed consumer of the runs topic, from the beginning. */
  static KafkaConsumer<String, WorkflowRun> runsConsumer(LocalCluster cluster) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
    KafkaConsumer<String, WorkflowRun> consumer =
        new KafkaConsumer<>(
            props,
            new StringDeserializer(),
            AvroSerde.specific(WorkflowRun.class, serde).deserializer());
    consumer.subscribe(List.of("workflow-runs"));
    return consumer;
  }

  /** A read_committed byte consumer of a topic, from the beginning. */
  static KafkaConsumer<byte[], byte[]> bytesConsumer(LocalCluster cluster, String topic) {
    Map<String, Object> props = new HashMap<>();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "it-" + System.nanoTime());
    KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(List.of(topic));
    return consumer;
  }

  /**
   * Polls until {@code done} holds for the latest value per key, or fails after {@code timeout}.
   */
  static Map<String, WorkflowRun> latestRuns(
      KafkaConsumer<String, WorkflowRun> consumer,
      Map<String, WorkflowRun> latest,
      Predicate<Map<String, WorkflowRun>> done,
      Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.test(latest)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            "runs topic did not reach the expected state; latest: " + latest.keySet());
      }
      for (ConsumerRecord<String, WorkflowRun> r : consumer.poll(Duration.ofMillis(200))) {
        latest.put(r.key(), r.value());
      }
    }
    return latest;
  }
}
