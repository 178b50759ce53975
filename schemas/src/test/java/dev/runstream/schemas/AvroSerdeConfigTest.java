package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class AvroSerdeConfigTest {

  @Test
  void shouldUseLocalClusterDefaultsWhenNothingIsSet() {
    AvroSerdeConfig config = new AvroSerdeConfig(Map.of());

    assertThat(config.registryUrl()).isEqualTo("http://127.0.0.1:8081/apis/ccompat/v7");
    assertThat(config.autoRegisterSchemas()).isTrue();
    assertThat(config.maxRetries()).isEqualTo(5);
    assertThat(config.basicAuthUserInfo()).isEmpty();
  }

  @Test
  void shouldApplyEnvThenSystemPropertiesThenExplicitValuesWhenAllAreSet() {
    var def = AvroSerdeConfig.configDef();
    Properties system = new Properties();
    system.setProperty("runstream.schema.registry.max.retries", "7");
    system.setProperty("runstream.schema.registry.request.timeout.ms", "1234");
    Map<String, String> env =
        Map.of(
            "RUNSTREAM_SCHEMA_REGISTRY_URL", "http://env:8081",
            "RUNSTREAM_SCHEMA_REGISTRY_MAX_RETRIES", "9");

    Map<String, Object> resolved =
        ConfigSources.resolve(
            def, Map.of(AvroSerdeConfig.REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, 99), env, system);

    assertThat(resolved)
        .containsEntry(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://env:8081")
        .containsEntry(AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG, "7")
        .containsEntry(AvroSerdeConfig.REGISTRY_REQUEST_TIMEOUT_MS_CONFIG, 99);
  }

  @Test
  void shouldNameTheEnvironmentVariableAfterTheKey() {
    assertThat(ConfigSources.envName("schema.registry.url"))
        .isEqualTo("RUNSTREAM_SCHEMA_REGISTRY_URL");
  }

  @Test
  void shouldRejectWhenUrlIsNotHttp() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "ftp://registry:21")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.url")
        .hasMessageContaining("http(s)");
  }

  @Test
  void shouldRejectWhenRetriesAreNegative() {
    assertThatThrownBy(
            () -> new AvroSerdeConfig(Map.of(AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG, -1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.max.retries");
  }

  @Test
  void shouldRejectWhenMaxBackoffIsBelowInitialBackoff() {
    assertThatThrownBy(
            () ->
                new AvroSerdeConfig(
                    Map.of(
                        AvroSerdeConfig.REGISTRY_RETRY_BACKOFF_MS_CONFIG, 500L,
                        AvroSerdeConfig.REGISTRY_RETRY_BACKOFF_MAX_MS_CONFIG, 100L)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.retry.backoff.max.ms");
  }

  @Test
  void shouldStripTrailingSlashWhenUrlHasOne() {
    assertThat(
            new AvroSerdeConfig(
                    Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, "http://r:8081/"))
                .registryUrl())
        .isEqualTo("http://r:8081");
  }
}
