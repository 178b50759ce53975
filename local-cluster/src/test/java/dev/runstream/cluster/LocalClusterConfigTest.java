package dev.runstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalClusterConfigTest {

  @TempDir Path workingDir;

  private Properties systemProperties(String... keyValues) {
    Properties properties = new Properties();
    properties.setProperty("user.dir", workingDir.toString());
    for (int i = 0; i < keyValues.length; i += 2) {
      properties.setProperty(keyValues[i], keyValues[i + 1]);
    }
    return properties;
  }

  @Test
  void shouldUseDefaultsWhenNothingIsSet() {
    LocalClusterConfig config = LocalClusterConfig.resolve(Map.of(), systemProperties(), Map.of());

    assertThat(config.brokerPort()).isEqualTo(9092);
    assertThat(config.controllerPort()).isEqualTo(9093);
    assertThat(config.registryPort()).isEqualTo(8081);
    assertThat(config.registryEnabled()).isTrue();
    assertThat(config.dataDir()).isEmpty();
    assertThat(config.keepData()).isFalse();
    assertThat(config.registryHome()).isEmpty();
    assertThat(config.topicPartitions()).isEqualTo(6);
    assertThat(config.startupTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(config.brokerHeap()).isEqualTo("512m");
    assertThat(config.registryHeap()).isEqualTo("256m");
    assertThat(config.topics())
        .extracting(TopicSpec::name, TopicSpec::partitions)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("agent-events", 6),
            org.assertj.core.groups.Tuple.tuple("workflow-runs", 6),
            org.assertj.core.groups.Tuple.tuple("usage-aggregates", 3),
            org.assertj.core.groups.Tuple.tuple("agent-events-dlq", 1),
            org.assertj.core.groups.Tuple.tuple("agent-control", 6),
            org.assertj.core.groups.Tuple.tuple("model-prices", 1),
            org.assertj.core.groups.Tuple.tuple("budgets", 1),
            org.assertj.core.groups.Tuple.tuple("budget-events", 3));
  }

  @Test
  void shouldUseEnvironmentVariableWhenOnlyItIsSet() {
    LocalClusterConfig config =
        LocalClusterConfig.resolve(
            Map.of("RUNSTREAM_CLUSTER_BROKER_PORT", "19092", "RUNSTREAM_CLUSTER_DATA_KEEP", "true"),
            systemProperties(),
            Map.of());

    assertThat(config.brokerPort()).isEqualTo(19092);
    assertThat(config.keepData()).isTrue();
  }

  @Test
  void shouldPreferSystemPropertyWhenEnvironmentVariableIsAlsoSet() {
    LocalClusterConfig config =
        LocalClusterConfig.resolve(
            Map.of("RUNSTREAM_CLUSTER_BROKER_PORT", "19092"),
            systemProperties("runstream.cluster.broker.port", "29092"),
            Map.of());

    assertThat(config.brokerPort()).isEqualTo(29092);
  }

  @Test
  void shouldPreferExplicitValueWhenSystemPropertyIsAlsoSet() {
    LocalClusterConfig config =
        LocalClusterConfig.resolve(
            Map.of("RUNSTREAM_CLUSTER_BROKER_PORT", "19092"),
            systemProperties("runstream.cluster.broker.port", "29092"),
            Map.of(LocalClusterConfig.BROKER_PORT_CONFIG, 0));

    assertThat(config.brokerPort()).isZero();
  }

  @Test
  void shouldApplyBuilderValuesWhenBuilt() {
    LocalClusterConfig config =
        LocalClusterConfig.newBuilder()
            .freePorts()
            .topicPartitions(2)
            .startupTimeout(Duration.ofSeconds(30))
            .brokerHeap("1g")
            .registryEnabled(false)
            .dataDir(workingDir)
            .build();

    assertThat(config.brokerPort()).isZero();
    assertThat(config.controllerPort()).isZero();
    assertThat(config.registryPort()).isZero();
    assertThat(config.startupTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.brokerHeap()).isEqualTo("1g");
    assertThat(config.registryEnabled()).isFalse();
    assertThat(config.dataDir()).contains(workingDir.toAbsolutePath());
    assertThat(config.topics())
        .extracting(TopicSpec::partitions)
        .containsExactly(2, 2, 1, 1, 2, 1, 1, 1);
  }

  @Test
  void shouldNameTheSourceWhenEnvironmentValueIsOutOfRange() {
    assertThatThrownBy(
            () ->
                LocalClusterConfig.resolve(
                    Map.of("RUNSTREAM_CLUSTER_BROKER_PORT", "70000"), systemProperties(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("70000")
        .hasMessageContaining("broker.port")
        .hasMessageContaining("environment variable RUNSTREAM_CLUSTER_BROKER_PORT");
  }

  @Test
  void shouldRejectWhenSystemPropertyIsNotANumber() {
    assertThatThrownBy(
            () ->
                LocalClusterConfig.resolve(
                    Map.of(),
                    systemProperties("runstream.cluster.topic.partitions", "many"),
                    Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topic.partitions")
        .hasMessageContaining("many")
        .hasMessageContaining("system property runstream.cluster.topic.partitions");
  }

  @Test
  void shouldRejectWhenHeapSizeIsMalformed() {
    assertThatThrownBy(() -> LocalClusterConfig.newBuilder().brokerHeap("lots").build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broker.heap")
        .hasMessageContaining("heap size");
  }

  @Test
  void shouldRejectWhenPartitionsAreZero() {
    assertThatThrownBy(() -> LocalClusterConfig.newBuilder().topicPartitions(0).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topic.partitions")
        .hasMessageContaining("at least 1");
  }

  @Test
  void shouldRejectWhenStartupTimeoutIsTooShort() {
    assertThatThrownBy(
            () -> LocalClusterConfig.newBuilder().startupTimeout(Duration.ofMillis(10)).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("startup.timeout.ms");
  }

  @Test
  void shouldRejectWhenKeyIsUnknown() {
    assertThatThrownBy(() -> LocalClusterConfig.fromEnvironment(Map.of("broker.prot", 1)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Unknown local cluster configuration 'broker.prot'");
  }

  @Test
  void shouldRejectWhenTwoFixedPortsAreEqual() {
    assertThatThrownBy(
            () -> LocalClusterConfig.newBuilder().brokerPort(19092).registryPort(19092).build())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("broker.port and registry.port must differ");
  }

  @Test
  void shouldAllowEqualPortsWhenBothAreFree() {
    assertThat(LocalClusterConfig.newBuilder().freePorts().build().brokerPort()).isZero();
  }

  @Test
  void shouldUseBuildPropertyWhenRegistryHomeIsNotConfigured() {
    LocalClusterConfig config =
        LocalClusterConfig.resolve(
            Map.of(), systemProperties("runstream.registry.home", "/opt/apicurio"), Map.of());

    assertThat(config.registryHome()).contains(Path.of("/opt/apicurio"));
  }

  @Test
  void shouldFindRegistryHomeUpwardsWhenNoPropertyIsSet() throws Exception {
    Path home =
        Files.createDirectories(workingDir.resolve("local-cluster/target/apicurio-registry"));
    Path nested = Files.createDirectories(workingDir.resolve("demo/src"));
    Properties properties = new Properties();
    properties.setProperty("user.dir", nested.toString());

    LocalClusterConfig config = LocalClusterConfig.resolve(Map.of(), properties, Map.of());

    assertThat(config.registryHome()).contains(home);
  }

  @Test
  void shouldPreferConfiguredRegistryHomeWhenBuildPropertyIsAlsoSet() {
    LocalClusterConfig config =
        LocalClusterConfig.resolve(
            Map.of("RUNSTREAM_CLUSTER_REGISTRY_HOME", "/srv/registry"),
            systemProperties("runstream.registry.home", "/opt/apicurio"),
            Map.of());

    assertThat(config.registryHome()).contains(Path.of("/srv/registry"));
  }

  @Test
  void shouldDeriveOverrideNamesWhenGivenAKey() {
    assertThat(LocalClusterConfig.envVarName("startup.timeout.ms"))
        .isEqualTo("RUNSTREAM_CLUSTER_STARTUP_TIMEOUT_MS");
    assertThat(LocalClusterConfig.systemPropertyName("broker.port"))
        .isEqualTo("runstream.cluster.broker.port");
  }

  @Test
  void shouldDocumentEveryKeyWhenDeclared() {
    ConfigDef definition = LocalClusterConfig.configDef();

    assertThat(definition.names()).hasSize(17);
    definition
        .configKeys()
        .values()
        .forEach(
            key -> {
              assertThat(key.documentation).as(key.name).isNotBlank();
              assertThat(key.hasDefault()).as(key.name).isTrue();
            });
  }

  @Test
  void shouldBeEqualWhenResolvedFromSameValues() {
    LocalClusterConfig a = LocalClusterConfig.newBuilder().freePorts().build();
    LocalClusterConfig b = LocalClusterConfig.newBuilder().freePorts().build();

    assertThat(a).isEqualTo(b).hasSameHashCodeAs(b);
    assertThat(a.values()).containsEntry("broker.port", 0);
    assertThatThrownBy(() -> a.values().put("broker.port", 1))
        .isInstanceOf(UnsupportedOperationException.class);
  }
}
