package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class ClientConfigTest {
  private static ClientConfig config(
      Map<String, ?> explicit, Map<String, String> env, Map<String, String> props) {
    Properties p = new Properties();
    p.putAll(props);
    return new ClientConfig(explicit, env, p);
  }

  @Test
  void shouldUseDefaultsForTheLocalClusterWhenNothingIsSet() {
    ClientConfig c = config(Map.of(), Map.of(), Map.of());
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(c.queryUrls()).containsExactly("http://127.0.0.1:8090");
    assertThat(c.topic()).isEqualTo("agent-events");
    assertThat(c.bufferSize()).isEqualTo(1024);
    assertThat(c.overflowPolicy()).isEqualTo(OverflowPolicy.FAIL);
    assertThat(c.gapPolicy()).isEqualTo(GapPolicy.REPORT);
    assertThat(c.idleTimeout()).isZero();
    assertThat(c.startTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.replayLookbackMax()).isEqualTo(Duration.ofHours(6));
    assertThat(c.controlTopic()).isEqualTo("agent-control");
  }

  @Test
  void shouldPrefixTheControlTopicWithTheTenantWhenItIsNotSet() {
    assertThat(config(Map.of("tenant.id", "acme"), Map.of(), Map.of()).controlTopic())
        .isEqualTo("acme.agent-control");
    assertThat(
            config(
                    Map.of(
                        "tenant.id", "acme", ClientConfig.CONTROL_TOPIC_CONFIG, "shared-control"),
                    Map.of(),
                    Map.of())
                .controlTopic())
        .isEqualTo("shared-control");
  }

  @Test
  void shouldLetExplicitBeatSystemPropertiesBeatEnvironmentWhenAllAreSet() {
    Map<String, String> env =
        Map.of(
            "RUNSTREAM_CLIENT_BUFFER_SIZE", "10",
            "RUNSTREAM_QUERY_URL", "http://env:1",
            "RUNSTREAM_BOOTSTRAP_SERVERS", "env:9092");
    Map<String, String> props =
        Map.of("runstream.client.buffer.size", "20", "runstream.query.url", "http://prop:2");
    ClientConfig c = config(Map.of(ClientConfig.BUFFER_SIZE_CONFIG, 30), env, props);
    assertThat(c.bufferSize()).isEqualTo(30);
    assertThat(c.queryUrls()).containsExactly("http://prop:2");
    assertThat(c.bootstrapServers()).isEqualTo("env:9092");
  }

  @Test
  void shouldFailNamingTheKeyWhenAValueIsInvalid() {
    assertThatThrownBy(() -> config(Map.of(ClientConfig.BUFFER_SIZE_CONFIG, 0), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.BUFFER_SIZE_CONFIG);
    assertThatThrownBy(
            () -> config(Map.of(), Map.of("RUNSTREAM_CLIENT_OVERFLOW_POLICY", "DROP"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.OVERFLOW_POLICY_CONFIG)
        .hasMessageContaining("FAIL");
    assertThatThrownBy(
            () -> config(Map.of(ClientConfig.QUERY_URL_CONFIG, "ftp://x"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.QUERY_URL_CONFIG);
    assertThatThrownBy(
            () -> config(Map.of(ClientConfig.GAP_WAIT_MS_CONFIG, "soon"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.GAP_WAIT_MS_CONFIG);
  }

  @Test
  void shouldRefuseTheLookbackBoundWhenBelowTheFirstWindow() {
    assertThatThrownBy(
            () ->
                config(
                    Map.of(
                        ClientConfig.REPLAY_LOOKBACK_INITIAL_MS_CONFIG, 60_000,
                        ClientConfig.REPLAY_LOOKBACK_MAX_MS_CONFIG, 1_000),
                    Map.of(),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.REPLAY_LOOKBACK_MAX_MS_CONFIG);
  }

  @Test
  void shouldRefuseUnknownKeysWhenGivenExplicitly() {
    assertThatThrownBy(() -> config(Map.of("client.bufer.size", 3), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client.bufer.size");
  }

  @Test
  void shouldPassConsumerSettingsExceptReservedOnesWhenPrefixed() {
    ClientConfig c = config(Map.of("consumer.fetch.max.bytes", 1_000_000), Map.of(), Map.of());
    assertThat(c.consumerOverrides()).containsEntry("fetch.max.bytes", 1_000_000);
    assertThatThrownBy(() -> config(Map.of("consumer.group.id", "mine"), Map.of(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("consumer.group.id");
  }

  @Test
  void shouldAcceptRegistryClientKeysAndDisableTheViewWhenTheUrlIsEmpty() {
    ClientConfig c =
        ClientConfig.newBuilder()
            .withoutView()
            .set("schema.registry.max.retries", 1)
            .schemaRegistryUrl("http://registry:8081")
            .build();
    assertThat(c.queryUrls()).isEmpty();
    assertThat(c.serdeConfig().maxRetries()).isEqualTo(1);
    assertThat(c.serdeConfig().registryUrl()).isEqualTo("http://registry:8081");
  }

  @Test
  void shouldParseSeveralQueryUrlsWhenCommaSeparated() {
    ClientConfig c = ClientConfig.newBuilder().queryUrl("http://a:1/, http://b:2").build();
    assertThat(c.queryUrls()).isEqualTo(List.of("http://a:1", "http://b:2"));
  }

  @Test
  void shouldDocumentEveryKeyWhenDescribed() {
    for (var key : ClientConfig.configDef().configKeys().values()) {
      assertThat(key.documentation).as(key.name).isNotBlank();
    }
  }
}
