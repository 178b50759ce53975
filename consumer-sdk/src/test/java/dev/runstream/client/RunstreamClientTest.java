package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** What the client decides without a broker: argument and cursor validation, lifecycle. */
class RunstreamClientTest {
  private static RunstreamClient clientWithoutBroker() {
    return RunstreamClient.create(
        ClientConfig.newBuilder()
            .bootstrapServers("127.0.0.1:1")
            .withoutView()
            .brokerTimeout(Duration.ofMillis(300))
            .build());
  }

  @Test
  void shouldRefuseACursorBelowMinusOneWhenResuming() {
    try (RunstreamClient client = clientWithoutBroker()) {
      assertThatThrownBy(() -> client.resume("wf", -2))
          .isInstanceOfSatisfying(
              InvalidCursorException.class,
              e -> {
                assertThat(e.afterSequence()).isEqualTo(-2);
                assertThat(e.workflowId()).isEqualTo("wf");
                assertThat(e.isRetriable()).isFalse();
              });
    }
  }

  @Test
  void shouldRefuseInvalidIdsAndReasonsWhenCancelling() {
    try (RunstreamClient client = clientWithoutBroker()) {
      assertThatThrownBy(() -> client.cancel(" ", "r"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("blank");
      assertThatThrownBy(() -> client.cancel(null, "r")).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> client.cancel("x".repeat(257), "r"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at most 256");
      assertThatThrownBy(() -> client.cancel("wf\n1", "r"))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("control characters");
      assertThatThrownBy(() -> client.cancel("wf", "r".repeat(1_001)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("reason");
    }
  }

  @Test
  void shouldFailWithViewUnavailableWhenCancellingWithoutViewOrRoot() {
    try (RunstreamClient client = clientWithoutBroker()) {
      assertThatThrownBy(() -> client.cancel("wf-1", "stop").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              ViewUnavailableException.class,
              e -> {
                assertThat(e.isRetriable()).isTrue();
                assertThat(e).hasMessageContaining("rootWorkflowId");
              });
    }
  }

  @Test
  void shouldRefuseABlankOrNullWorkflowIdWhenOpening() {
    try (RunstreamClient client = clientWithoutBroker()) {
      assertThatThrownBy(() -> client.replay(" ")).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> client.tail(null)).isInstanceOf(NullPointerException.class);
      assertThatThrownBy(() -> client.result("")).isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void shouldFailWithBrokerUnavailableAfterTheBrokerTimeoutWhenNoBrokerAnswers() {
    try (RunstreamClient client = clientWithoutBroker()) {
      long start = System.nanoTime();
      WorkflowStream stream = client.replay("wf");
      assertThatThrownBy(() -> stream.iterator().hasNext())
          .isInstanceOfSatisfying(
              BrokerUnavailableException.class,
              e -> {
                assertThat(e.isRetriable()).isTrue();
                assertThat(e.getMessage()).contains("127.0.0.1:1");
              });
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
      assertThatThrownBy(() -> client.result("wf").get(10, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(BrokerUnavailableException.class);
    }
  }

  @Test
  void shouldEndOpenStreamsAndRefuseNewOnesWhenClosed() {
    RunstreamClient client = clientWithoutBroker();
    WorkflowStream stream = client.tail("wf");
    client.close();
    assertThatThrownBy(() -> stream.iterator().hasNext()).isInstanceOf(ClientClosedException.class);
    assertThatThrownBy(() -> client.replay("wf")).isInstanceOf(ClientClosedException.class);
    client.close();
  }

  @Test
  void shouldExposeTheConsumersKafkaMetricsWhenAStreamHasOpenedConsumers() {
    try (RunstreamClient client = clientWithoutBroker()) {
      assertThat(client.metrics()).isEmpty();
      WorkflowStream stream = client.replay("wf");
      assertThatThrownBy(() -> stream.iterator().hasNext())
          .isInstanceOf(BrokerUnavailableException.class);
      assertThat(client.metrics().keySet())
          .anySatisfy(
              name -> {
                assertThat(name.group()).isEqualTo("consumer-metrics");
                assertThat(name.tags().get("client-id")).startsWith("runstream-client-");
              });
      client.close();
      assertThat(client.metrics()).isEmpty();
    }
  }
}
