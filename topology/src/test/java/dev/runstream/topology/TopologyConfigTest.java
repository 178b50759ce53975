package dev.runstream.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TopologyConfigTest {

  @AfterEach
  void clearSystemProperties() {
    System.clearProperty("runstream.topology.http.port");
    System.clearProperty("runstream.streams.num.standby.replicas");
    System.clearProperty("runstream.topology.snapshot.interval.ms");
  }

  @Test
  void shouldUseDefaultsThatWorkAgainstTheLocalClusterWhenNothingIsSet() {
    TopologyConfig config = TopologyConfig.isolated(Map.of());
    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(config.applicationId()).isEqualTo("runstream-topology");
    assertThat(config.topics())
        .isEqualTo(
            new TopologyConfig.Topics(
                "agent-events", "workflow-runs", "usage-aggregates", "agent-events-dlq"));
    assertThat(config.pricesTopic()).isEqualTo("model-prices");
    assertThat(config.snapshotInterval()).isEqualTo(Duration.ofSeconds(1));
    assertThat(config.http().port()).isEqualTo(8090);
    assertThat(config.http().advertisedHost()).isEqualTo("127.0.0.1");
    assertThat(config.usageWindows())
        .isEqualTo(
            new TopologyConfig.UsageWindows(
                Duration.ofHours(1),
                Duration.ofMinutes(5),
                Duration.ofDays(7),
                TopologyConfig.UsageEmit.FINAL));
    assertThat(config.commitInterval()).isEqualTo(Duration.ofMillis(100));
    assertThat(config.stateDir().getFileName()).isEqualTo(Path.of("runstream-topology"));
    assertThat(config.inMemoryStores()).isFalse();
    assertThat(config.budgetsEnabled()).isTrue();
    assertThat(config.budgetTopics())
        .isEqualTo(new TopologyConfig.BudgetTopics("budgets", "budget-events", "agent-control"));
  }

  @Test
  void shouldPrefixTheBudgetTopicsWhenATenantIsSetAndRefuseABadTopicName() {
    TopologyConfig config = TopologyConfig.isolated(Map.of("tenant.id", "acme"));
    assertThat(config.budgetTopics())
        .isEqualTo(
            new TopologyConfig.BudgetTopics(
                "acme.budgets", "acme.budget-events", "acme.agent-control"));
    assertThatThrownBy(
            () -> TopologyConfig.isolated(Map.of(TopologyConfig.BUDGETS_TOPIC_CONFIG, "bad name")))
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining(TopologyConfig.BUDGETS_TOPIC_CONFIG);
    assertThatThrownBy(
            () -> TopologyConfig.isolated(Map.of(TopologyConfig.BUDGETS_ENABLED_CONFIG, "maybe")))
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining(TopologyConfig.BUDGETS_ENABLED_CONFIG);
  }

  @Test
  void shouldLetSystemPropertiesOverrideDefaultsAndExplicitValuesOverrideBoth() {
    System.setProperty("runstream.topology.http.port", "9999");
    System.setProperty("runstream.topology.snapshot.interval.ms", "250");
    System.setProperty("runstream.streams.num.standby.replicas", "1");
    TopologyConfig config =
        TopologyConfig.fromEnvironment(Map.of(TopologyConfig.HTTP_PORT_CONFIG, 0));
    assertThat(config.http().port()).isZero();
    assertThat(config.snapshotInterval()).isEqualTo(Duration.ofMillis(250));
    assertThat(config.streamsOverrides()).containsEntry("num.standby.replicas", "1");
  }

  @Test
  void shouldFailAtStartupNamingTheKeyWhenValueIsInvalid() {
    assertThatThrownBy(
            () -> TopologyConfig.newBuilder().isolated().set("topology.http.port", 70000).build())
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining("topology.http.port")
        .satisfies(
            e -> assertThat(((TopologyConfigException) e).key()).isEqualTo("topology.http.port"));
    assertThatThrownBy(
            () -> TopologyConfig.newBuilder().isolated().schemaRegistryUrl("registry:8081").build())
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining("schema.registry.url");
    assertThatThrownBy(
            () ->
                TopologyConfig.newBuilder()
                    .isolated()
                    .set("topology.usage.emit", "sometimes")
                    .build())
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining("topology.usage.emit");
    assertThatThrownBy(
            () ->
                TopologyConfig.newBuilder()
                    .isolated()
                    .set("topology.topic.runs", "bad topic!")
                    .build())
        .isInstanceOf(RunstreamTopologyException.class)
        .hasMessageContaining("topology.topic.runs");
  }

  @Test
  void shouldBoundTheReadYourEventWaitWhenItIsConfigured() {
    assertThat(TopologyConfig.newBuilder().isolated().build().queryFreshnessMaxWait())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(
            TopologyConfig.newBuilder()
                .isolated()
                .set(TopologyConfig.QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG, 250L)
                .build()
                .queryFreshnessMaxWait())
        .isEqualTo(Duration.ofMillis(250));
    assertThatThrownBy(
            () ->
                TopologyConfig.newBuilder()
                    .isolated()
                    .set(TopologyConfig.QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG, 60_000L)
                    .build())
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining(TopologyConfig.QUERY_FRESHNESS_MAX_WAIT_MS_CONFIG);
  }

  @Test
  void shouldRefuseUnknownKeysAndInconsistentValues() {
    assertThatThrownBy(() -> TopologyConfig.isolated(Map.of("topology.http.prot", 1)))
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining("Unknown topology configuration key 'topology.http.prot'");
    assertThatThrownBy(
            () ->
                TopologyConfig.newBuilder()
                    .isolated()
                    .usageWindow(Duration.ofDays(6), Duration.ofDays(2))
                    .build())
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining(TopologyConfig.USAGE_RETENTION_MS_CONFIG);
    assertThatThrownBy(
            () ->
                TopologyConfig.newBuilder()
                    .isolated()
                    .topics(new TopologyConfig.Topics("same", "same", "u", "d"))
                    .build())
        .isInstanceOf(TopologyConfigException.class);
    assertThatThrownBy(
            () -> TopologyConfig.newBuilder().isolated().pricesTopic("agent-events").build())
        .isInstanceOf(TopologyConfigException.class)
        .hasMessageContaining("the prices topic 'agent-events' must differ")
        .satisfies(
            e ->
                assertThat(((TopologyConfigException) e).key())
                    .isEqualTo(TopologyConfig.PRICES_TOPIC_CONFIG));
  }

  @Test
  void shouldPrefixThePricesTopicWithTheTenantWhenATenantIsSet() {
    TopologyConfig config =
        TopologyConfig.isolated(
            Map.of(dev.runstream.schemas.TenantConfigs.TENANT_ID_CONFIG, "acme"));
    assertThat(config.pricesTopic()).isEqualTo("acme.model-prices");
    assertThat(config.topics().events()).isEqualTo("acme.agent-events");
  }

  @Test
  void shouldPinExactlyOnceAndDeadLetterSettingsWhenStreamsOverridesTryToChangeThem() {
    TopologyConfig config =
        TopologyConfig.newBuilder()
            .isolated()
            .streamsProperty(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, "at_least_once")
            .streamsProperty(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG, "elsewhere")
            .streamsProperty(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 1)
            .build();
    try (WorkflowTopology topology =
        WorkflowTopology.create(
            config,
            TopologySerdes.registry(
                new dev.runstream.schemas.AvroSerdeConfig(Map.of()),
                new InMemorySchemaRegistry()))) {
      Properties props = topology.streamsProperties();
      assertThat(props.get(StreamsConfig.PROCESSING_GUARANTEE_CONFIG))
          .isEqualTo(StreamsConfig.EXACTLY_ONCE_V2);
      assertThat(props.get(StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG))
          .isEqualTo("agent-events-dlq");
      assertThat(props.get(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG)).isEqualTo(1);
      assertThat(props.get("producer.max.request.size")).isEqualTo(16 * 1024 * 1024);
    }
  }

  @Test
  void shouldRoundTripThroughToBuilder() {
    TopologyConfig config =
        TopologyConfig.newBuilder()
            .isolated()
            .httpPort(1234)
            .snapshotInterval(Duration.ZERO)
            .streamsProperty("num.standby.replicas", 2)
            .build();
    assertThat(config.toBuilder().isolated().build()).isEqualTo(config);
    assertThat(config.snapshotInterval()).isZero();
    assertThat(TopologyConfig.configDef().names()).contains(TopologyConfig.HTTP_PORT_CONFIG);
  }
}
