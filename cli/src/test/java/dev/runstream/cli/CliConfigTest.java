package dev.runstream.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class CliConfigTest {
  @Test
  void shouldUseTheLocalPlatformWhenNothingIsSet() {
    CliConfig config = new CliConfig(Map.of(), Map.of(), Map.of());
    assertThat(config.bootstrapServers()).isEqualTo("127.0.0.1:9092");
    assertThat(config.schemaRegistryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(config.queryUrl()).isEqualTo("http://127.0.0.1:8090");
    assertThat(config.queryPort()).isEqualTo(8090);
    assertThat(config.gatewayPort()).isEqualTo(8080);
    assertThat(config.connectTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(config.startTimeout()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void shouldLetSystemPropertiesWinOverEnvironmentAndOptionsWinOverBoth() {
    Map<String, String> env =
        Map.of(
            "RUNSTREAM_BOOTSTRAP_SERVERS", "env:9092",
            "RUNSTREAM_CLI_GATEWAY_PORT", "9000",
            "RUNSTREAM_QUERY_URL", "http://env:1/");
    Map<String, String> props =
        Map.of("runstream.bootstrap.servers", "prop:9092", "runstream.cli.gateway.port", "9001");
    CliConfig config = new CliConfig(Map.of(CliConfig.GATEWAY_PORT_CONFIG, 9002), env, props);
    assertThat(config.bootstrapServers()).isEqualTo("prop:9092");
    assertThat(config.gatewayPort()).isEqualTo(9002);
    assertThat(config.queryUrl()).isEqualTo("http://env:1");
  }

  @Test
  void shouldNameTheKeyWhenAValueIsInvalid() {
    assertThatThrownBy(
            () -> new CliConfig(Map.of(), Map.of("RUNSTREAM_CLI_GATEWAY_PORT", "70000"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(CliConfig.GATEWAY_PORT_CONFIG);
    assertThatThrownBy(() -> CliConfig.newBuilder().queryUrl("not a url").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(CliConfig.QUERY_URL_CONFIG);
  }

  @Test
  void shouldRefuseAnUnknownKeyWhenGivenExplicitly() {
    assertThatThrownBy(() -> CliConfig.newBuilder().set("bootstrap.server", "x").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("bootstrap.server");
  }

  @Test
  void shouldDocumentEveryKeyWhenAskedForTheDefinition() {
    assertThat(CliConfig.configDef().configKeys().values())
        .allSatisfy(key -> assertThat(key.documentation).isNotBlank());
  }
}
