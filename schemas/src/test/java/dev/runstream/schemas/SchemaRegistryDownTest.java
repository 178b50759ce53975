package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A registry that is down: real connection refusals on a closed local port, no mocks. */
class SchemaRegistryDownTest {

  @Test
  void shouldGiveUpAfterBoundedRetriesWhenRegistryIsDown() throws IOException {
    int port = AvroDeserializerTest.closedPort();
    AvroSerdeConfig config =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                "http://127.0.0.1:" + port,
                AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG,
                3,
                AvroSerdeConfig.REGISTRY_RETRY_BACKOFF_MS_CONFIG,
                50L,
                AvroSerdeConfig.REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG,
                200L));
    SchemaRegistry registry = SchemaRegistry.connect(config);

    long started = System.nanoTime();
    assertThatThrownBy(() -> registry.register("agent-events-value", AgentEvent.getClassSchema()))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("127.0.0.1:" + port)
        .hasMessageContaining("failed 4 times")
        .hasMessageContaining("ConnectException");
    Duration elapsed = Duration.ofNanos(System.nanoTime() - started);

    // three backoffs of about 50, 100 and 200 ms (±20% jitter): bounded, and it did wait
    assertThat(elapsed).isBetween(Duration.ofMillis(250), Duration.ofSeconds(10));
  }

  @Test
  void shouldFailSerializationWithRetriableErrorWhenRegistryIsDown() throws IOException {
    AvroSerdeConfig config =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                "http://127.0.0.1:" + AvroDeserializerTest.closedPort(),
                AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG,
                1));
    var serde = AvroSerde.specific(AgentEvent.class, config);

    assertThatThrownBy(
            () -> serde.serializer().serialize("agent-events", SampleEvents.agentStart()))
        .isInstanceOfSatisfying(
            AvroSerdeException.class, e -> assertThat(e.isRetriable()).isTrue());
  }
}
