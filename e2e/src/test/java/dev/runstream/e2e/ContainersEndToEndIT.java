package dev.runstream.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.e2e.ComposeFile.Service;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.startupcheck.OneShotStartupCheckStrategy;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.kafka.KafkaContainer;

/**
 * {@link EndToEndScenario} on the Docker images of docker-compose.yml: the pinned Kafka and schema
 * registry images, the compose file's one-shot topic creation, and the topology built from the root
 * Dockerfile, each configured with the image, command and environment of its compose service, on
 * one network where the compose service names resolve.
 *
 * <p>Skipped, with the reason "No Docker environment is available", where there is no Docker engine
 * (as on the CI machines); {@code EmbeddedEndToEndIT} runs the same scenario there.
 */
@Testcontainers(disabledWithoutDocker = true)
class ContainersEndToEndIT {
  private static final Logger LOG = LoggerFactory.getLogger(ContainersEndToEndIT.class);

  /** The compose service whose image, command and environment the topology container uses. */
  private static final String TOPOLOGY_SERVICE = "topology-1";

  private static Network network;
  private static KafkaContainer kafka;
  private static GenericContainer<?> registry;
  private static GenericContainer<?> topology;
  private static EndToEndScenario scenario;

  @BeforeAll
  static void start() {
    ComposeFile compose = ComposeFile.load();
    Service kafkaService = compose.service("kafka");
    Service topicsService = compose.service("topics");
    Service registryService = compose.service("schema-registry");
    Service topologyService = compose.service(TOPOLOGY_SERVICE);
    Map<String, String> topologyEnv = topologyService.environment();
    // The listener the apps use inside the network, e.g. kafka:19092.
    String internalBootstrap = topologyEnv.get("RUNSTREAM_BOOTSTRAP_SERVERS");

    network = Network.newNetwork();
    kafka =
        new KafkaContainer(kafkaService.image().orElseThrow())
            .withNetwork(network)
            .withListener(internalBootstrap)
            .withEnv(
                "KAFKA_AUTO_CREATE_TOPICS_ENABLE",
                kafkaService.environment().get("KAFKA_AUTO_CREATE_TOPICS_ENABLE"))
            .withLogConsumer(new Slf4jLogConsumer(LOG).withPrefix("kafka"));
    kafka.start();

    try (GenericContainer<?> topics =
        new GenericContainer<>(topicsService.image().orElseThrow())
            .withNetwork(network)
            .withCreateContainerCmdModifier(
                cmd -> cmd.withEntrypoint(topicsService.entrypoint().toArray(String[]::new)))
            .withCommand(topicsService.command().toArray(String[]::new))
            .withStartupCheckStrategy(
                new OneShotStartupCheckStrategy().withTimeout(Duration.ofMinutes(2)))
            .withLogConsumer(new Slf4jLogConsumer(LOG).withPrefix("topics"))) {
      topics.start();
    }

    int registryPort = registryService.ports().get(0).containerPort();
    registry =
        new GenericContainer<>(registryService.image().orElseThrow())
            .withNetwork(network)
            .withNetworkAliases(registryService.name())
            .withEnv(registryService.environment())
            .withExposedPorts(registryPort)
            .waitingFor(
                Wait.forHttp("/health/ready")
                    .forPort(registryPort)
                    .withStartupTimeout(Duration.ofMinutes(3)))
            .withLogConsumer(new Slf4jLogConsumer(LOG).withPrefix("registry"));
    registry.start();

    int topologyPort = Integer.parseInt(topologyEnv.get("RUNSTREAM_TOPOLOGY_HTTP_PORT"));
    topology =
        new GenericContainer<>(
                new ImageFromDockerfile("runstream-app-e2e", true)
                    .withDockerfile(ProjectRoot.path().resolve("Dockerfile")))
            .withNetwork(network)
            .withNetworkAliases(TOPOLOGY_SERVICE)
            .withEnv(topologyEnv)
            .withCommand(topologyService.command().toArray(String[]::new))
            .withExposedPorts(topologyPort)
            .waitingFor(
                Wait.forHttp("/health")
                    .forPort(topologyPort)
                    .forStatusCode(200)
                    .withStartupTimeout(Duration.ofMinutes(3)))
            .withLogConsumer(new Slf4jLogConsumer(LOG).withPrefix(TOPOLOGY_SERVICE));
    topology.start();

    String registryPath = URI.create(topologyEnv.get("RUNSTREAM_SCHEMA_REGISTRY_URL")).getPath();
    scenario =
        new EndToEndScenario(
            new EndToEndScenario.Endpoints(
                kafka.getBootstrapServers(),
                "http://"
                    + registry.getHost()
                    + ":"
                    + registry.getMappedPort(registryPort)
                    + registryPath,
                URI.create(
                    "http://" + topology.getHost() + ":" + topology.getMappedPort(topologyPort))));
  }

  @AfterAll
  static void stop() {
    if (scenario != null) {
      scenario.close();
    }
    for (AutoCloseable c : List.<AutoCloseable>of(closeable(topology), closeable(registry))) {
      try {
        c.close();
      } catch (Exception e) {
        LOG.warn("stopping a container failed", e);
      }
    }
    if (kafka != null) {
      kafka.stop();
    }
    if (network != null) {
      network.close();
    }
  }

  private static AutoCloseable closeable(GenericContainer<?> container) {
    return () -> {
      if (container != null) {
        container.stop();
      }
    };
  }

  @Test
  void shouldReplayThePublishedTextWhenTheTopologyImageHasMaterializedTheRuns() throws Exception {
    assertThat(scenario.publishMaterializeAndReplay()).hasSize(3).doesNotHaveDuplicates();
  }

  @Test
  void shouldDeliverTheLiveTextWhenTailingARunThroughTheContainers() throws Exception {
    assertThat(scenario.tailLiveRun()).startsWith("before live0 ").endsWith("live49 ");
  }

  @Test
  void shouldReplayTheMaterializedTextWhenSimulatedAgentsPublishToTheContainers() throws Exception {
    assertThat(scenario.simulatedAgentsAreMaterialized()).hasSize(6).doesNotHaveDuplicates();
  }
}
