package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.schemas.AgentEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The broker and the registry going away under the client. */
class FaultsIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static RunstreamClient client(Duration brokerTimeout) {
    return RunstreamClient.create(
        ClusterEvents.config(CLUSTER.cluster())
            .brokerTimeout(brokerTimeout)
            .set("schema.registry.max.retries", 1)
            .set("schema.registry.retry.backoff.ms", 50L)
            .set("schema.registry.request.timeout.ms", 1_000)
            .build());
  }

  private static List<Long> sequences(Iterable<AgentEvent> stream) {
    List<Long> out = new ArrayList<>();
    stream.forEach(e -> out.add(e.getSequence()));
    return out;
  }

  private static List<Long> range(long from, long toExclusive) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i < toExclusive; i++) {
      out.add(i);
    }
    return out;
  }

  @Test
  void shouldCarryOnWithoutLossWhenTheBrokerRestartsDuringATail() throws Exception {
    String wf = "restart-" + UUID.randomUUID();
    List<AgentEvent> run = TestEvents.run(wf, 40);
    try (RunstreamClient client = client(Duration.ofSeconds(10))) {
      try (ClusterEvents events = new ClusterEvents(CLUSTER.cluster())) {
        events.sendAll(run.subList(0, 1));
      }
      WorkflowStream tail = client.tail(wf);
      tail.opened().get(20, TimeUnit.SECONDS);
      CompletableFuture<List<Long>> got = CompletableFuture.supplyAsync(() -> sequences(tail));
      try (ClusterEvents events = new ClusterEvents(CLUSTER.cluster())) {
        events.sendAll(run.subList(1, 20));
      }

      CLUSTER.cluster().stopBroker();
      try {
        Thread.sleep(2_000);
        assertThat(got).isNotDone();
      } finally {
        CLUSTER.cluster().startBroker();
      }

      try (ClusterEvents events = new ClusterEvents(CLUSTER.cluster())) {
        events.sendAll(run.subList(20, run.size()));
      }
      assertThat(got.get(60, TimeUnit.SECONDS)).isEqualTo(range(1, run.size()));
    }
  }

  @Test
  void shouldFailWithBrokerUnavailableWhenOpeningWhileTheBrokerIsDown() throws Exception {
    CLUSTER.cluster().stopBroker();
    try (RunstreamClient client = client(Duration.ofSeconds(2))) {
      long start = System.nanoTime();
      WorkflowStream stream = client.replay("down-" + UUID.randomUUID());
      assertThatThrownBy(() -> stream.opened().get(30, TimeUnit.SECONDS))
          .hasCauseInstanceOf(BrokerUnavailableException.class);
      assertThatThrownBy(() -> stream.iterator().hasNext())
          .isInstanceOfSatisfying(
              BrokerUnavailableException.class,
              e -> {
                assertThat(e.isRetriable()).isTrue();
                assertThat(e.getMessage()).contains(CLUSTER.cluster().bootstrapServers());
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(15));
    } finally {
      CLUSTER.cluster().startBroker();
    }
  }

  @Test
  void shouldWaitForTheRegistryAndDecodeOnceItIsBackWhenItWasDown() throws Exception {
    String before = "registry-before-" + UUID.randomUUID();
    String during = "registry-during-" + UUID.randomUUID();
    List<AgentEvent> first = TestEvents.run(before, 5);
    List<AgentEvent> second = TestEvents.run(during, 5);
    try (ClusterEvents events = new ClusterEvents(CLUSTER.cluster());
        RunstreamClient warm = client(Duration.ofSeconds(10))) {
      events.sendAll(first);
      assertThat(sequences(warm.replay(before))).isEqualTo(range(0, first.size()));
      // The publisher caches the schema id, so it can publish while the registry is down.
      events.serialize(second.get(0));

      CLUSTER.cluster().stopRegistry();
      try (RunstreamClient cold = client(Duration.ofSeconds(10))) {
        WorkflowStream coldReplay = cold.replay(before);
        CompletableFuture<List<Long>> coldGot =
            CompletableFuture.supplyAsync(() -> sequences(coldReplay));

        WorkflowStream warmTail = warm.tail(during);
        warmTail.opened().get(20, TimeUnit.SECONDS);
        events.sendAll(second);
        assertThat(sequences(warmTail))
            .as("a client with the schema cached keeps decoding")
            .isEqualTo(range(0, second.size()));

        Thread.sleep(2_000);
        assertThat(coldGot).as("a client without the schema waits").isNotDone();
        CLUSTER.cluster().startRegistry();
        assertThat(coldGot.get(60, TimeUnit.SECONDS)).isEqualTo(range(0, first.size()));
        assertThat(cold.stats().skippedRecords()).isZero();
      } finally {
        CLUSTER.cluster().startRegistry();
      }
    }
  }
}
