package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.topology.TopologyApp;
import dev.runstream.topology.TopologyConfig;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;

/**
 * The real topology (with its query service) and a publisher on a test class's local cluster, for
 * the client's ITs that read the materialized view.
 */
final class TopologyTestbed implements AutoCloseable {
  private final LocalCluster cluster;
  final TopologyApp topology;
  final AgentEventPublisher publisher;

  /** The topology's query service, for {@link ClientConfig.Builder#queryUrl}. */
  final URI view;

  /**
   * Starts the topology with a fresh application id {@code applicationIdPrefix + UUID} and fast
   * commits and snapshots, then a publisher with the demo prices.
   */
  TopologyTestbed(LocalCluster cluster, Path stateDir, String applicationIdPrefix) {
    this(cluster, stateDir, applicationIdPrefix, TopologyConfig.newBuilder());
  }

  /** As above, with {@code topologyConfig}'s own settings added. */
  TopologyTestbed(
      LocalCluster cluster,
      Path stateDir,
      String applicationIdPrefix,
      TopologyConfig.Builder topologyConfig) {
    this.cluster = cluster;
    topology =
        TopologyApp.start(
            topologyConfig
                .isolated()
                .bootstrapServers(cluster.bootstrapServers())
                .schemaRegistryUrl(cluster.schemaRegistryUrl())
                .applicationId(applicationIdPrefix + UUID.randomUUID())
                .stateDir(stateDir)
                .httpPort(0)
                .commitInterval(Duration.ofMillis(100))
                .snapshotInterval(Duration.ofMillis(200))
                .build());
    try {
      assertThat(topology.awaitRunning(Duration.ofSeconds(90))).isTrue();
      view = topology.httpAddress();
      publisher = publisher(cluster);
    } catch (RuntimeException | Error e) {
      topology.close();
      throw e;
    }
  }

  /** A publisher on {@code cluster} that sends at once (1 ms linger), with the demo prices. */
  static AgentEventPublisher publisher(LocalCluster cluster) {
    return AgentEventPublisher.create(
        PublisherConfig.newBuilder()
            .bootstrapServers(cluster.bootstrapServers())
            .schemaRegistryUrl(cluster.schemaRegistryUrl())
            .linger(Duration.ofMillis(1))
            .set(PublisherConfig.PRICES_CONFIG, DemoAgent.DEMO_PRICES)
            .build());
  }

  /** A new client of the cluster that reads the topology's view; the caller closes it. */
  RunstreamClient client() {
    return RunstreamClient.create(ClusterEvents.config(cluster).queryUrl(view.toString()).build());
  }

  @Override
  public void close() {
    publisher.close();
    topology.close();
  }
}
