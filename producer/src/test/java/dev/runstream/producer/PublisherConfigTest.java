package dev.runstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PublisherConfigTest {

  @Test
  void shouldUseLocalClusterDefaultsWhenNothingIsSet() {
    PublisherConfig config = PublisherConfig.newBuilder().build();
    assertThat(config.bootstrapServers()).containsExactly("127.0.0.1:9092");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(config.topic()).isEqualTo("agent-events");
    assertThat(config.linger()).isEqualTo(Duration.ofMillis(5));
    assertThat(config.batchSize()).isEqualTo(65_536);
    assertThat(config.compressionType()).isEqualTo("lz4");
    assertThat(config.coalesceWindow()).isZero();
    assertThat(config.prices().prices()).isEmpty();
    assertThat(config.maxBlock()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shouldFixDeliveryGuaranteesWhenBuildingKafkaProperties() {
    Map<String, Object> props =
        PublisherConfig.newBuilder()
            .linger(Duration.ofMillis(7))
            .kafkaProperty("send.buffer.bytes", 262_144)
            .build()
            .kafkaProducerProperties();
    assertThat(props)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", true)
        .containsEntry("max.in.flight.requests.per.connection", 5)
        .containsEntry("linger.ms", 7L)
        .containsEntry("send.buffer.bytes", 262_144)
        .doesNotContainKey("partitioner.class");
  }

  @Test
  void shouldTakeTypedValuesWhenSetOnBuilder() {
    PublisherConfig config =
        PublisherConfig.newBuilder()
            .bootstrapServers("k1:9092, k2:9092")
            .schemaRegistryUrl("https://registry:8081/")
            .topic("events")
            .batchSize(1024)
            .compressionType("zstd")
            .coalesceWindow(Duration.ofMillis(25))
            .prices("gpt-4o-mini:0.15:0.60")
            .deliveryTimeout(Duration.ofSeconds(60))
            .build();
    assertThat(config.bootstrapServers()).containsExactly("k1:9092", "k2:9092");
    assertThat(config.schemaRegistryUrl()).isEqualTo("https://registry:8081");
    assertThat(config.topic()).isEqualTo("events");
    assertThat(config.coalesceWindow()).isEqualTo(Duration.ofMillis(25));
    assertThat(config.prices().price("gpt-4o-mini")).isPresent();
    assertThat(config.toBuilder().build().toString()).isEqualTo(config.toString());
  }

  @Test
  void shouldOverrideDefaultsWhenSystemPropertyIsSet() {
    System.setProperty("runstream.publisher.coalesce.window.ms", "40");
    System.setProperty("runstream.linger.ms", "11");
    try {
      PublisherConfig config = PublisherConfig.fromEnvironment();
      assertThat(config.coalesceWindow()).isEqualTo(Duration.ofMillis(40));
      assertThat(config.linger()).isEqualTo(Duration.ofMillis(11));
      assertThat(PublisherConfig.newBuilder().linger(Duration.ofMillis(2)).build().linger())
          .as("builder values win")
          .isEqualTo(Duration.ofMillis(2));
    } finally {
      System.clearProperty("runstream.publisher.coalesce.window.ms");
      System.clearProperty("runstream.linger.ms");
    }
  }

  @Test
  void shouldFailAtStartupNamingTheKeyWhenValueIsInvalid() {
    record Case(String key, Object value, String message) {}
    for (Case c :
        List.of(
            new Case("linger.ms", -1, "linger.ms"),
            new Case("compression.type", "brotli", "compression.type"),
            new Case("publisher.coalesce.window.ms", "soon", "publisher.coalesce.window.ms"),
            new Case("publisher.prices", "gpt-4o:abc:1", "publisher.prices"),
            new Case("publisher.prices", "gpt-4o:1", "not model:inputPerMillion"),
            new Case("schema.registry.url", "ftp://x", "schema.registry.url"),
            new Case("bootstrap.servers", "", "bootstrap.servers"),
            new Case("publisher.topic", "", "publisher.topic"),
            new Case("batch.size", 0, "batch.size"),
            new Case("delivery.timeout.ms", 1_000, "delivery.timeout.ms"),
            new Case("kafka.acks", "1", "fixed by the publisher's delivery guarantees"),
            new Case("kafka.linger.ms", "1", "set linger.ms instead"),
            new Case("lnger.ms", "1", "not a publisher configuration key"))) {
      assertThatThrownBy(() -> PublisherConfig.newBuilder().set(c.key(), c.value()).build())
          .as(c.key() + "=" + c.value())
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining(c.message());
    }
  }

  @Test
  void shouldDocumentEveryKeyWhenDefinitionIsListed() {
    var def = PublisherConfig.configDef();
    assertThat(def.names())
        .contains(
            "bootstrap.servers",
            "schema.registry.url",
            "publisher.topic",
            "linger.ms",
            "batch.size",
            "compression.type",
            "publisher.coalesce.window.ms",
            "publisher.prices",
            "max.block.ms");
    def.configKeys().values().forEach(key -> assertThat(key.documentation).isNotBlank());
  }

  @Test
  void shouldDefaultToAnEnabledTenantScopedControlTopicWhenConfigured() {
    PublisherConfig plain = PublisherConfig.newBuilder().build();
    assertThat(plain.controlTopic()).isEqualTo("agent-control");
    assertThat(plain.controlEnabled()).isTrue();
    PublisherConfig acme = PublisherConfig.newBuilder().set("tenant.id", "acme").build();
    assertThat(acme.controlTopic()).isEqualTo("acme.agent-control");
    assertThat(acme.kafkaControlConsumerProperties())
        .containsEntry("enable.auto.commit", false)
        .doesNotContainKey("group.id");
    PublisherConfig off = PublisherConfig.newBuilder().controlEnabled(false).build();
    assertThat(off.controlEnabled()).isFalse();
  }
}
