package dev.runstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LocalClusterIT {

  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static final String AVRO_SCHEMA_REQUEST =
      "{\"schema\":\"{\\\"type\\\":\\\"record\\\",\\\"name\\\":\\\"Probe\\\","
          + "\\\"fields\\\":[{\\\"name\\\":\\\"id\\\",\\\"type\\\":\\\"string\\\"}]}\"}";

  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @Test
  void shouldCreateRunstreamTopicsWhenStarted(LocalCluster cluster) throws Exception {
    try (Admin admin = admin(cluster)) {
      Map<String, TopicDescription> topics =
          admin
              .describeTopics(
                  List.of(
                      "agent-events",
                      "workflow-runs",
                      "usage-aggregates",
                      "agent-events-dlq",
                      "agent-control",
                      "model-prices",
                      "budgets",
                      "budget-events"))
              .allTopicNames()
              .get();
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(
                  topics.keySet().stream()
                      .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                      .toList())
              .all()
              .get();

      assertThat(topics)
          .extractingFromEntries(e -> e.getKey() + "=" + e.getValue().partitions().size())
          .containsExactlyInAnyOrder(
              "agent-events=6",
              "workflow-runs=6",
              "usage-aggregates=3",
              "agent-events-dlq=1",
              "agent-control=6",
              "model-prices=1",
              "budgets=1",
              "budget-events=3");
      assertThat(topics.values())
          .allSatisfy(t -> assertThat(t.partitions().get(0).replicas()).hasSize(1));
      assertThat(cleanupPolicy(configs, "agent-events")).isEqualTo("delete");
      assertThat(retentionMs(configs, "agent-events")).isEqualTo(7L * 24 * 60 * 60 * 1000);
      assertThat(cleanupPolicy(configs, "workflow-runs")).isEqualTo("compact");
      assertThat(cleanupPolicy(configs, "usage-aggregates")).isEqualTo("delete");
      assertThat(cleanupPolicy(configs, "agent-events-dlq")).isEqualTo("delete");
      assertThat(cleanupPolicy(configs, "agent-control")).isEqualTo("delete");
      assertThat(retentionMs(configs, "agent-control")).isEqualTo(24L * 60 * 60 * 1000);
      assertThat(cleanupPolicy(configs, "model-prices")).isEqualTo("compact");
      assertThat(cleanupPolicy(configs, "budgets")).isEqualTo("compact");
      assertThat(cleanupPolicy(configs, "budget-events")).isEqualTo("delete");
    }
    assertThat(cluster.topics()).extracting(TopicSpec::name).hasSize(8);
  }

  @Test
  void shouldGiveEveryPartitionALeaderWhenTopicsAreCreatedAfterStart(LocalCluster cluster)
      throws Exception {
    String name = "later-" + UUID.randomUUID();
    TopicSpec spec = new TopicSpec(name, 12, Map.of("cleanup.policy", "compact"));

    cluster.createTopics(List.of(spec));
    // Creating it again leaves it as it is.
    cluster.createTopics(List.of(spec, new TopicSpec(name, 3, Map.of())));

    try (Admin admin = admin(cluster)) {
      TopicDescription topic = admin.describeTopics(List.of(name)).allTopicNames().get().get(name);
      assertThat(topic.partitions()).hasSize(12);
      assertThat(topic.partitions()).allSatisfy(p -> assertThat(p.leader()).isNotNull());
      Map<ConfigResource, Config> configs =
          admin
              .describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, name)))
              .all()
              .get();
      assertThat(cleanupPolicy(configs, name)).isEqualTo("compact");
    }
    assertThatThrownBy(() -> cluster.createTopics(List.of(new TopicSpec("bad/name", 1, Map.of()))))
        .isInstanceOf(LocalClusterException.class)
        .hasMessageContaining("bad/name");
  }

  @Test
  void shouldConsumeRecordWhenProducedWithAcksAllAndIdempotence() throws Exception {
    String key = "run-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      producer.send(new ProducerRecord<>(TopicSpec.AGENT_EVENTS, key, "started")).get();
    }

    assertThat(readAll(TopicSpec.AGENT_EVENTS, "read_uncommitted"))
        .anySatisfy(
            r -> {
              assertThat(r.key()).isEqualTo(key);
              assertThat(r.value()).isEqualTo("started");
            });
  }

  @Test
  void shouldExposeRecordToReadCommittedConsumerWhenTransactionCommits() throws Exception {
    String key = "run-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer =
        producer(Map.of(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "tx-" + key))) {
      producer.initTransactions();
      producer.beginTransaction();
      producer.send(new ProducerRecord<>(TopicSpec.WORKFLOW_RUNS, key, "RUNNING"));
      producer.send(new ProducerRecord<>(TopicSpec.USAGE_AGGREGATES, key, "42"));
      producer.commitTransaction();
    }

    // commitTransaction() returns once the coordinator has logged the commit; the markers reach the
    // partitions a moment later, and until then the last stable offset hides the records.
    assertThat(readCommittedUntilKey(TopicSpec.WORKFLOW_RUNS, key))
        .anySatisfy(r -> assertThat(r.key()).isEqualTo(key));
    assertThat(readCommittedUntilKey(TopicSpec.USAGE_AGGREGATES, key))
        .anySatisfy(r -> assertThat(r.key()).isEqualTo(key));
  }

  private static List<ConsumerRecord<String, String>> readCommittedUntilKey(
      String topic, String key) {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    List<ConsumerRecord<String, String>> records = readAll(topic, "read_committed");
    while (records.stream().noneMatch(r -> key.equals(r.key())) && System.nanoTime() < deadline) {
      records = readAll(topic, "read_committed");
    }
    return records;
  }

  @Test
  void shouldRegisterAndFetchSchemaWhenRegistryIsUp(LocalCluster cluster) throws Exception {
    assertThat(cluster.schemaRegistryUrl()).matches("http://127\\.0\\.0\\.1:\\d+/apis/ccompat/v7");

    int id = register(cluster, "probe-value");
    HttpResponse<String> fetched = get(cluster.schemaRegistryUrl() + "/schemas/ids/" + id);

    assertThat(fetched.statusCode()).isEqualTo(200);
    assertThat(fetched.body()).contains("Probe");
    assertThat(register(cluster, "probe-value")).as("same schema, same id").isEqualTo(id);
  }

  @Test
  void shouldKeepTopicAndRecordsWhenBrokerRestarts(LocalCluster cluster) throws Exception {
    String bootstrap = cluster.bootstrapServers();
    String key = "restart-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      producer.send(new ProducerRecord<>(TopicSpec.AGENT_EVENTS_DLQ, key, "before")).get();
    }

    cluster.stopBroker();
    assertThat(cluster.isBrokerRunning()).isFalse();
    cluster.startBroker();

    assertThat(cluster.bootstrapServers()).isEqualTo(bootstrap);
    assertThat(readAll(TopicSpec.AGENT_EVENTS_DLQ, "read_uncommitted"))
        .anySatisfy(r -> assertThat(r.key()).isEqualTo(key));
    try (Admin admin = admin(cluster)) {
      assertThat(admin.listTopics().names().get()).contains(TopicSpec.AGENT_EVENTS_DLQ);
    }
  }

  @Test
  void shouldRecoverRecordsWhenBrokerIsKilled(LocalCluster cluster) throws Exception {
    String key = "kill-" + UUID.randomUUID();
    try (KafkaProducer<String, String> producer = producer(Map.of())) {
      producer.send(new ProducerRecord<>(TopicSpec.AGENT_EVENTS, key, "before-crash")).get();
    }

    cluster.killBroker();
    assertThat(cluster.isBrokerRunning()).isFalse();
    cluster.startBroker();

    assertThat(readAll(TopicSpec.AGENT_EVENTS, "read_uncommitted"))
        .anySatisfy(r -> assertThat(r.key()).isEqualTo(key));
  }

  @Test
  void shouldServeSchemasAgainWhenRegistryRestarts(LocalCluster cluster) throws Exception {
    int id = register(cluster, "restart-value");

    cluster.stopRegistry();
    assertThat(cluster.isRegistryRunning()).isFalse();
    assertThatThrownBy(() -> get(cluster.schemaRegistryUrl() + "/schemas/ids/" + id))
        .isInstanceOf(ConnectException.class);
    cluster.startRegistry();

    assertThat(cluster.isRegistryRunning()).isTrue();
    assertThat(get(cluster.schemaRegistryUrl() + "/schemas/ids/" + id).statusCode()).isEqualTo(200);
  }

  private static Admin admin(LocalCluster cluster) {
    return Admin.create(
        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()));
  }

  private static String cleanupPolicy(Map<ConfigResource, Config> configs, String topic) {
    return configs
        .get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
        .get("cleanup.policy")
        .value();
  }

  private static long retentionMs(Map<ConfigResource, Config> configs, String topic) {
    return Long.parseLong(
        configs
            .get(new ConfigResource(ConfigResource.Type.TOPIC, topic))
            .get("retention.ms")
            .value());
  }

  private static KafkaProducer<String, String> producer(Map<String, Object> extra) {
    Map<String, Object> props = new java.util.HashMap<>(extra);
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.cluster().bootstrapServers());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
    return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
  }

  /** Reads every partition of a topic from the beginning up to its current end. */
  private static List<ConsumerRecord<String, String>> readAll(String topic, String isolation) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            CLUSTER.cluster().bootstrapServers(),
            ConsumerConfig.ISOLATION_LEVEL_CONFIG,
            isolation,
            ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
            false);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .collect(Collectors.toList());
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      List<ConsumerRecord<String, String>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (!caughtUp(consumer, end.keySet(), end) && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
      return records;
    }
  }

  private static boolean caughtUp(
      KafkaConsumer<String, String> consumer,
      Collection<TopicPartition> partitions,
      Map<TopicPartition, Long> end) {
    return partitions.stream().allMatch(p -> consumer.position(p) >= end.get(p));
  }

  private int register(LocalCluster cluster, String subject)
      throws IOException, InterruptedException {
    HttpResponse<String> response =
        http.send(
            HttpRequest.newBuilder(
                    URI.create(cluster.schemaRegistryUrl() + "/subjects/" + subject + "/versions"))
                .header("Content-Type", "application/vnd.schemaregistry.v1+json")
                .POST(HttpRequest.BodyPublishers.ofString(AVRO_SCHEMA_REQUEST))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    Matcher id = Pattern.compile("\"id\"\\s*:\\s*(\\d+)").matcher(response.body());
    assertThat(id.find()).as(response.body()).isTrue();
    return Integer.parseInt(id.group(1));
  }

  private HttpResponse<String> get(String url) throws IOException, InterruptedException {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).GET().build(),
        HttpResponse.BodyHandlers.ofString());
  }
}
