package dev.runstream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.client.ClientConfig;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class GatewayConfigTest {
  private static GatewayConfig config(
      Map<String, ?> explicit, Map<String, String> env, Properties system) {
    return new GatewayConfig(explicit, env, system);
  }

  @Test
  void shouldUseTheLocalClusterDefaultsWhenNothingIsSet() {
    GatewayConfig c = config(Map.of(), Map.of(), new Properties());
    assertThat(c.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(c.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(c.queryUrls()).containsExactly(URI.create("http://127.0.0.1:8090"));
    assertThat(c.httpHost()).isEqualTo("127.0.0.1");
    assertThat(c.httpPort()).isEqualTo(8080);
    assertThat(c.sseKeepAlive()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.sseRetry()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.uiEnabled()).isTrue();
    assertThat(c.clientConfig().clientId()).isEqualTo("runstream-gateway");
    assertThat(c.clientConfig().bootstrapServers()).isEqualTo("127.0.0.1:9092");
  }

  @Test
  void shouldTakeEnvironmentThenSystemPropertiesThenExplicitValuesWhenLayered() {
    Properties system = new Properties();
    system.setProperty("runstream.gateway.http.port", "9000");
    system.setProperty("runstream.bootstrap.servers", "sys:9092");
    GatewayConfig c =
        config(
            Map.of(GatewayConfig.BOOTSTRAP_SERVERS_CONFIG, "explicit:9092"),
            Map.of(
                "RUNSTREAM_GATEWAY_HTTP_PORT", "7000",
                "RUNSTREAM_GATEWAY_HTTP_HOST", "0.0.0.0",
                "RUNSTREAM_QUERY_URL", "http://topology-1:8090,http://topology-2:8090/"),
            system);
    assertThat(c.httpPort()).isEqualTo(9000);
    assertThat(c.httpHost()).isEqualTo("0.0.0.0");
    assertThat(c.bootstrapServers()).isEqualTo("explicit:9092");
    assertThat(c.clientConfig().bootstrapServers()).isEqualTo("explicit:9092");
    assertThat(c.queryUrls())
        .containsExactly(
            URI.create("http://topology-1:8090"), URI.create("http://topology-2:8090"));
    assertThat(c.clientConfig().queryUrls())
        .containsExactly("http://topology-1:8090", "http://topology-2:8090");
  }

  @Test
  void shouldBuildWithTheBuilderMethodsWhenUsedFromCode() {
    GatewayConfig c =
        GatewayConfig.newBuilder()
            .bootstrapServers("kafka:9092")
            .schemaRegistryUrl("http://registry:8081")
            .queryUrl("http://topology:8090")
            .httpHost("0.0.0.0")
            .httpPort(0)
            .sseKeepAlive(Duration.ofSeconds(5))
            .sseStartTimeout(Duration.ofSeconds(3))
            .set(ClientConfig.BUFFER_SIZE_CONFIG, 64)
            .set("consumer.fetch.max.wait.ms", 100)
            .build();
    assertThat(c.httpPort()).isZero();
    assertThat(c.sseKeepAlive()).isEqualTo(Duration.ofSeconds(5));
    assertThat(c.sseStartTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.clientConfig().bufferSize()).isEqualTo(64);
    assertThat(c.clientConfig().consumerOverrides()).containsEntry("fetch.max.wait.ms", 100);
    assertThat(c.clientConfig().schemaRegistryUrl()).isEqualTo("http://registry:8081");
  }

  @Test
  void shouldFailNamingTheKeyWhenAValueIsInvalid() {
    assertThatThrownBy(() -> GatewayConfig.newBuilder().httpPort(70_000).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.HTTP_PORT_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().queryUrl("ftp://topology").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.QUERY_URL_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().queryUrl("").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.QUERY_URL_CONFIG);
    assertThatThrownBy(() -> GatewayConfig.newBuilder().httpHost("not a host").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.HTTP_HOST_CONFIG);
    assertThatThrownBy(
            () ->
                config(Map.of(), Map.of("RUNSTREAM_GATEWAY_HTTP_PORT", "eighty"), new Properties()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.HTTP_PORT_CONFIG);
    assertThatThrownBy(
            () -> GatewayConfig.newBuilder().set(GatewayConfig.SSE_KEEPALIVE_MS_CONFIG, 10).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(GatewayConfig.SSE_KEEPALIVE_MS_CONFIG);
  }

  @Test
  void shouldRefuseUnknownKeysWhenSetExplicitly() {
    assertThatThrownBy(() -> GatewayConfig.newBuilder().set("gateway.htpp.port", 1).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("gateway.htpp.port");
    assertThatThrownBy(() -> GatewayConfig.newBuilder().set("client.bufer.size", 1).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("client.bufer.size");
    assertThatThrownBy(
            () -> GatewayConfig.newBuilder().set(ClientConfig.BUFFER_SIZE_CONFIG, 0).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(ClientConfig.BUFFER_SIZE_CONFIG);
  }

  @Test
  void shouldDocumentEveryKeyWhenDefined() {
    ConfigDef def = GatewayConfig.configDef();
    assertThat(def.names())
        .contains(
            GatewayConfig.HTTP_HOST_CONFIG,
            GatewayConfig.HTTP_PORT_CONFIG,
            GatewayConfig.QUERY_URL_CONFIG);
    def.configKeys()
        .values()
        .forEach(
            key -> {
              assertThat(key.documentation).as(key.name).isNotBlank();
              assertThat(key.hasDefault()).as(key.name).isTrue();
              assertThat(
                      key.name.startsWith("gateway.")
                          || key.name.contains("url")
                          || key.name.equals("bootstrap.servers"))
                  .as(key.name)
                  .isTrue();
            });
  }
}
