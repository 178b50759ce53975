package dev.runstream.producer;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.ControlCommandType;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.SchemaRegistry;
import dev.runstream.schemas.StepType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The publisher's control listener on the real broker and registry: any producer's ControlCommand
 * on the control topic reaches the run it names; commands from before the publisher started, a
 * disabled listener and a missing control topic leave runs alone.
 */
class ControlTopicIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  /** Publishes a CANCEL command naming {@code run} to the default control topic. */
  private static void sendCancel(LocalCluster cluster, AgentRun run) throws Exception {
    sendCommand(
        cluster,
        TopicSpec.AGENT_CONTROL,
        run.workflowId(),
        run.rootWorkflowId(),
        ControlCommandType.CANCEL);
  }

  private static void sendCommand(
      LocalCluster cluster, String topic, String workflowId, String root, ControlCommandType type)
      throws Exception {
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                cluster.schemaRegistryUrl(),
                AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG,
                true));
    try (KafkaProducer<String, ControlCommand> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers()),
            new StringSerializer(),
            new AvroSerializer<>(SchemaRegistry.connect(serde), serde, false))) {
      producer
          .send(
              new ProducerRecord<>(
                  topic,
                  root,
                  ControlCommand.newBuilder()
                      .setRequestId("req-" + UUID.randomUUID())
                      .setRootWorkflowId(root)
                      .setWorkflowId(workflowId)
                      .setCommand(type)
                      .setReason("raw command")
                      .setRequestedBy("ops")
                      .setSource("script")
                      .setTimestamp(Instant.now())
                      .build()))
          .get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldHandACommandToItsRunAndPublishTheCancelledEventWhenOneArrives(LocalCluster cluster)
      throws Exception {
    String events = ClusterEvents.createTopic(cluster, "control-it-events");
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(ClusterEvents.config(cluster, events).build())) {
      AgentRun run = publisher.startRun("agent", "q");
      AgentRun bystander = publisher.startRun("agent", "q");
      RunStep step = run.startStep("llm_1", StepType.LLM);
      step.textDelta("half");
      sendCancel(cluster, run);

      CancelRequest request = run.cancellation().get(30, TimeUnit.SECONDS);
      assertThat(request.reason()).isEqualTo("raw command");
      assertThat(request.requestedBy()).isEqualTo("ops");
      assertThat(request.source()).isEqualTo("script");
      assertThat(bystander.isCancelRequested()).isFalse();
      run.cancel(null).get(30, TimeUnit.SECONDS);
      bystander.finish("ok").get(30, TimeUnit.SECONDS);

      List<AgentEvent> all =
          ClusterEvents.readAll(cluster, events, 6).stream().map(r -> r.value()).toList();
      AgentEvent last =
          all.stream().filter(e -> e.getWorkflowId().equals(run.workflowId())).toList().get(3);
      assertThat(EventType.of(last)).isEqualTo(EventType.ERROR);
      assertThat(((AgentError) last.getPayload()).getCancellation().getRequestId())
          .isEqualTo(request.requestId());
      assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    }
  }

  @Test
  void shouldIgnoreCommandsFromBeforeItStartedAndUnknownCommandTypes(LocalCluster cluster)
      throws Exception {
    String events = ClusterEvents.createTopic(cluster, "control-it-old");
    String id = "wf-" + UUID.randomUUID();
    sendCommand(cluster, TopicSpec.AGENT_CONTROL, id, id, ControlCommandType.CANCEL);
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(ClusterEvents.config(cluster, events).build())) {
      AgentRun run =
          publisher.startRun(RunOptions.newBuilder().agentId("agent").workflowId(id).build());
      sendCommand(cluster, TopicSpec.AGENT_CONTROL, id, id, ControlCommandType.UNKNOWN);
      Thread.sleep(2_000);
      assertThat(run.isCancelRequested()).isFalse();
      run.finish("ok").get(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void shouldPublishWithoutCancellationWhenDisabledOrTheControlTopicIsMissing(LocalCluster cluster)
      throws Exception {
    String events = ClusterEvents.createTopic(cluster, "control-it-missing");
    for (PublisherConfig config :
        List.of(
            ClusterEvents.config(cluster, events).controlEnabled(false).build(),
            ClusterEvents.config(cluster, events)
                .controlTopic("no-such-control-topic")
                .maxBlock(Duration.ofSeconds(3))
                .build())) {
      long start = System.nanoTime();
      try (AgentEventPublisher publisher = AgentEventPublisher.create(config)) {
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(20));
        AgentRun run = publisher.startRun("agent", "q");
        sendCancel(cluster, run);
        Thread.sleep(1_500);
        assertThat(run.isCancelRequested()).as(config.toString()).isFalse();
        run.finish("ok").get(30, TimeUnit.SECONDS);
        assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
      }
    }
  }
}
