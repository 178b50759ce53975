package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Framing errors are detected from the bytes alone, before any registry call. */
class AvroDeserializerTest {

  private static AvroDeserializer<AgentEvent> deserializerWithUnreachableRegistry()
      throws IOException {
    AvroSerdeConfig config =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                "http://127.0.0.1:" + closedPort(),
                AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG,
                0));
    return new AvroDeserializer<>(AgentEvent.class, SchemaRegistry.connect(config));
  }

  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

  @Test
  void shouldReturnNullWhenBytesAreNull() throws IOException {
    assertThat(deserializerWithUnreachableRegistry().deserialize("agent-events", null)).isNull();
  }

  @Test
  void shouldRejectWhenMagicByteIsUnknown() throws IOException {
    byte[] data = {1, 0, 0, 0, 7, 2, 4};

    assertThatThrownBy(
            () -> deserializerWithUnreachableRegistry().deserialize("agent-events", data))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("agent-events")
        .hasMessageContaining("magic byte 0x01")
        .satisfies(e -> assertThat(((AvroSerdeException) e).isRetriable()).isFalse());
  }

  @Test
  void shouldRejectWhenHeaderIsTruncated() throws IOException {
    byte[] data = {0, 0, 1};

    assertThatThrownBy(
            () -> deserializerWithUnreachableRegistry().deserialize("agent-events", data))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("has 3 bytes")
        .hasMessageContaining("at least 5");
  }

  @Test
  void shouldRejectWhenBytesAreNotAvroAtAll() throws IOException {
    byte[] json = "{\"event\":\"agent_start\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8);

    assertThatThrownBy(
            () -> deserializerWithUnreachableRegistry().deserialize("agent-events", json))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("magic byte 0x7b");
  }

  @Test
  void shouldReportRegistryUnavailableAsRetriableWhenTheSchemaMustBeFetched() throws IOException {
    byte[] data = {0, 0, 0, 0, 42, 2};

    assertThatThrownBy(
            () -> deserializerWithUnreachableRegistry().deserialize("agent-events", data))
        .isInstanceOf(SchemaRegistryUnavailableException.class)
        .hasMessageContaining("/schemas/ids/42")
        .hasMessageContaining("failed 1 times")
        .satisfies(e -> assertThat(((AvroSerdeException) e).isRetriable()).isTrue());
  }

  @Test
  void shouldFailConfiguredUseWhenNotConfigured() {
    assertThatThrownBy(() -> new AvroDeserializer<AgentEvent>().deserialize("t", new byte[] {0}))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not configured");
  }
}
