package dev.runstream.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The per-suite mode, here with the registry disabled and one partition per topic. */
class LocalClusterExtensionIT {

  private static final LocalClusterConfig KAFKA_ONLY =
      LocalClusterConfig.newBuilder().freePorts().registryEnabled(false).topicPartitions(1).build();

  // Registration order decides which configuration the shared cluster gets: the first one wins.
  @Order(1)
  @RegisterExtension
  static final LocalClusterExtension SUITE = LocalClusterExtension.perSuite(KAFKA_ONLY);

  @Order(2)
  @RegisterExtension
  static final LocalClusterExtension SAME_SUITE = LocalClusterExtension.perSuite();

  @Test
  void shouldShareOneClusterWhenRegisteredTwicePerSuite() {
    assertThat(SAME_SUITE.cluster()).isSameAs(SUITE.cluster());
    assertThat(SUITE.cluster().config()).isEqualTo(KAFKA_ONLY);
  }

  @Test
  void shouldServeKafkaWithoutRegistryWhenRegistryIsDisabled() throws Exception {
    LocalCluster cluster = SUITE.cluster();
    try (Admin admin =
        Admin.create(
            Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()))) {
      assertThat(admin.listTopics().names().get()).contains(TopicSpec.AGENT_EVENTS);
    }
    assertThat(cluster.isRegistryRunning()).isFalse();
    assertThatThrownBy(cluster::schemaRegistryUrl)
        .isInstanceOf(LocalClusterException.class)
        .hasMessageContaining("registry.enabled=false");
  }

  @Nested
  class WhenNested {

    @Test
    void shouldSeeTheSameClusterWhenNested() {
      assertThat(SUITE.cluster().isBrokerRunning()).isTrue();
      assertThat(SAME_SUITE.cluster()).isSameAs(SUITE.cluster());
    }
  }
}
