package dev.runstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.schemas.StepType;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class BrokerDownIT {

  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @AfterEach
  void restartBroker(LocalCluster cluster) {
    cluster.startBroker();
  }

  private static PublisherConfig config(LocalCluster cluster) {
    return ClusterEvents.config(cluster, PublisherConfig.TOPIC_DEFAULT)
        .maxBlock(Duration.ofSeconds(2))
        .requestTimeout(Duration.ofSeconds(2))
        .deliveryTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void shouldFailCreationAfterMaxBlockWhenBrokerIsDown(LocalCluster cluster) {
    cluster.stopBroker();
    long start = System.nanoTime();
    assertThatThrownBy(() -> AgentEventPublisher.create(config(cluster)))
        .isInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("within max.block.ms=2000 ms")
        .hasMessageContaining(cluster.bootstrapServers())
        .satisfies(e -> assertThat(((PublishException) e).isRetriable()).isTrue());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
  }

  @Test
  void shouldFailEventAndAbortRunAfterDeliveryTimeoutWhenBrokerCrashes(LocalCluster cluster)
      throws Exception {
    try (AgentEventPublisher publisher = AgentEventPublisher.create(config(cluster))) {
      AgentRun run = publisher.startRun("weather-agent", "Tokyo?");
      RunStep step = run.startStep("llm_1", StepType.LLM);
      step.textDelta("It is").get(30, TimeUnit.SECONDS);

      // A crash keeps the client's cached metadata, so the event is accepted and then expires.
      cluster.killBroker();
      long start = System.nanoTime();
      CompletableFuture<PublishedEvent> lost;
      try {
        lost = step.textDelta(" sunny");
      } catch (BrokerUnavailableException e) {
        // The client dropped the topic's metadata first: refused within max.block.ms instead,
        // with nothing published, so the same run continues once the broker is back.
        assertThat(e).hasMessageContaining("within max.block.ms=2000 ms");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
        cluster.startBroker();
        step.textDelta(" sunny").get(60, TimeUnit.SECONDS);
        step.finish(null);
        run.finish("ok").get(60, TimeUnit.SECONDS);
        return;
      }
      assertThatThrownBy(() -> lost.get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(BrokerUnavailableException.class)
          .hasMessageContaining("not acknowledged")
          .hasMessageContaining("delivery.timeout.ms=5000");
      Duration waited = Duration.ofNanos(System.nanoTime() - start);
      assertThat(waited).isLessThan(Duration.ofSeconds(30));

      assertThatThrownBy(() -> step.textDelta(" and warm"))
          .isInstanceOf(RunAbortedException.class)
          .hasMessageContaining(run.workflowId());
      assertThatThrownBy(publisher::flush)
          .isInstanceOf(DeliveryFailedException.class)
          .hasMessageContaining("1 event(s)");

      cluster.startBroker();
      AgentRun next = publisher.startRun("weather-agent", "again");
      next.finish("recovered").get(60, TimeUnit.SECONDS);
      assertThat(publisher.stats().failed()).isEqualTo(1);
    }
  }
}
