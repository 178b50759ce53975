package dev.runstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link EndToEndScenario} on the embedded platform: the local cluster (a real KRaft broker and
 * Apicurio registry as child JVMs) and the topology in this JVM. Runs everywhere, no Docker needed.
 */
class EmbeddedEndToEndIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateDir;

  private static TopologyApp topology;
  private static EndToEndScenario scenario;

  @BeforeAll
  static void start() {
    topology =
        TopologyApp.start(
            TopologyConfig.newBuilder()
                .isolated()
                .bootstrapServers(CLUSTER.cluster().bootstrapServers())
                .schemaRegistryUrl(CLUSTER.cluster().schemaRegistryUrl())
                .applicationId("e2e-embedded-" + UUID.randomUUID())
                .stateDir(stateDir)
                .httpPort(0)
                .commitInterval(Duration.ofMillis(100))
                .snapshotInterval(Duration.ofMillis(200))
                .build());
    assertThat(topology.awaitRunning(Duration.ofSeconds(90))).isTrue();
    scenario =
        new EndToEndScenario(
            new EndToEndScenario.Endpoints(
                CLUSTER.cluster().bootstrapServers(),
                CLUSTER.cluster().schemaRegistryUrl(),
                topology.httpAddress()));
  }

  @AfterAll
  static void stop() {
    if (scenario != null) {
      scenario.close();
    }
    if (topology != null) {
      topology.close();
    }
  }

  @Test
  void shouldReplayThePublishedTextWhenTheTopologyHasMaterializedTheRuns() throws Exception {
    assertThat(scenario.publishMaterializeAndReplay()).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void shouldDeliverTheLiveTextWhenTailingARunWhileItIsPublished() throws Exception {
    assertThat(scenario.tailLiveRun()).startsWith("before live0 ").endsWith("live49 ");
  }

  @Test
  void shouldReplayTheMaterializedTextWhenSimulatedAgentsPublishRuns() throws Exception {
    assertThat(scenario.simulatedAgentsAreMaterialized()).hasSize(6).doesNotHaveDuplicates();
  }
}
