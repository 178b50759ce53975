package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.CancelRequest;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.Cancellation;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Cancellation end to end on the real cluster: the SDK publishes the request to the control topic,
 * the publisher hands it to the run, the worker ends it cancelled, the topology materializes
 * CANCELLED and the SDK's streams and result report it.
 */
class CancelIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  @TempDir static Path stateDir;

  private static TopologyTestbed bed;
  private static AgentEventPublisher publisher;
  private static URI view;

  @BeforeAll
  static void start() {
    bed = new TopologyTestbed(CLUSTER.cluster(), stateDir, "sdk-cancel-it-");
    publisher = bed.publisher;
    view = bed.view;
  }

  @AfterAll
  static void stop() {
    if (bed != null) {
      bed.close();
    }
  }

  private static RunstreamClient client() {
    return bed.client();
  }

  @Test
  void shouldEndTheRunCancelledWhenTheClientCancelsIt() throws Exception {
    AgentRun run = publisher.startRun("researcher", "a long question");
    RunStep step = run.startStep("llm_1", StepType.LLM);
    step.textDelta("Thinking about ");
    try (RunstreamClient client = client()) {
      List<AgentEvent> seen = new CopyOnWriteArrayList<>();
      CompletableFuture<Void> streamEnded;
      WorkflowStream stream = client.replay(run.workflowId());
      streamEnded = stream.forEachAsync(seen::add);

      CancelReceipt receipt =
          client
              .cancel(
                  run.workflowId(),
                  CancelOptions.newBuilder()
                      .reason("user pressed stop")
                      .requestedBy("alice")
                      .build())
              .get(30, TimeUnit.SECONDS);
      assertThat(receipt.workflowId()).isEqualTo(run.workflowId());
      assertThat(receipt.rootWorkflowId()).isEqualTo(run.rootWorkflowId());
      assertThat(receipt.topic()).isEqualTo("agent-control");
      assertThat(receipt.offset()).isGreaterThanOrEqualTo(0);
      assertThat(receipt.source()).isEqualTo("sdk");

      CancelRequest request = run.cancellation().get(30, TimeUnit.SECONDS);
      assertThat(run.isCancelRequested()).isTrue();
      assertThat(request.requestId()).isEqualTo(receipt.requestId());
      assertThat(request.reason()).isEqualTo("user pressed stop");
      assertThat(request.requestedBy()).isEqualTo("alice");
      assertThat(run.status()).isEqualTo(RunStatus.RUNNING); // a request stops nothing by itself

      run.cancel(null).get(30, TimeUnit.SECONDS); // the worker stops, mid-step
      assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);

      streamEnded.get(30, TimeUnit.SECONDS); // the stream ends after the cancelled event
      stream.close();
      AgentEvent last = seen.get(seen.size() - 1);
      assertThat(EventType.of(last)).isEqualTo(EventType.ERROR);
      AgentError error = (AgentError) last.getPayload();
      assertThat(error.getErrorType()).isEqualTo("cancelled");
      Cancellation cancellation = EventType.cancellation(last).orElseThrow();
      assertThat(cancellation.getReason()).isEqualTo("user pressed stop");
      assertThat(cancellation.getRequestedBy()).isEqualTo("alice");
      assertThat(cancellation.getRequestId()).isEqualTo(receipt.requestId());

      RunResult result = client.result(run.workflowId()).get(30, TimeUnit.SECONDS);
      assertThat(result.isCancelled()).isTrue();
      assertThat(result.status()).isEqualTo(RunStatus.CANCELLED);
      assertThat(result.text()).isEqualTo("Thinking about ");
      assertThat(result.error())
          .hasValueSatisfying(e -> assertThat(e.getMessage()).contains("user pressed stop"));

      // Once materialized, the view answers CANCELLED and a second cancel is refused.
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Throwable second = null;
      while (System.nanoTime() < deadline) {
        try {
          client.cancel(run.workflowId(), "again").get(30, TimeUnit.SECONDS);
          Thread.sleep(200);
        } catch (ExecutionException e) {
          second = e.getCause();
          break;
        }
      }
      assertThat(second)
          .isInstanceOfSatisfying(
              WorkflowEndedException.class,
              e -> assertThat(e.status()).isEqualTo(RunStatus.CANCELLED));
      RunResult fromView = client.result(run.workflowId()).get(30, TimeUnit.SECONDS);
      assertThat(fromView.source()).isEqualTo(RunResult.Source.VIEW);
      assertThat(fromView.isCancelled()).isTrue();
    }
  }

  @Test
  void shouldReachAndCancelChildRunsWhenTheRootIsCancelled() throws Exception {
    AgentRun root = publisher.startRun("planner", "plan");
    AgentRun child = root.startChildRun("searcher", "search");
    child.startStep("llm_1", StepType.LLM).textDelta("searching");
    try (RunstreamClient client = client()) {
      client.cancel(root.workflowId(), "budget").get(30, TimeUnit.SECONDS);
      assertThat(child.cancellation().get(30, TimeUnit.SECONDS).workflowId())
          .isEqualTo(root.workflowId());
      assertThat(root.isCancelRequested()).isTrue();

      root.cancel(null).get(30, TimeUnit.SECONDS);
      assertThat(child.status()).isEqualTo(RunStatus.CANCELLED);
      RunResult childResult = client.result(child.workflowId()).get(30, TimeUnit.SECONDS);
      assertThat(childResult.isCancelled()).isTrue();
      assertThat(childResult.error())
          .hasValueSatisfying(e -> assertThat(e.getMessage()).contains("budget"));
    }
  }

  @Test
  void shouldRefuseWhenTheRunHasAlreadyFinished() throws Exception {
    AgentRun run = publisher.startRun("quick", "hi");
    run.finish("hello").get(30, TimeUnit.SECONDS);
    try (RunstreamClient client = client()) {
      RunResult finished = client.result(run.workflowId()).get(30, TimeUnit.SECONDS);
      assertThat(finished.isFinished()).isTrue();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      Throwable failure = null;
      while (failure == null && System.nanoTime() < deadline) {
        try {
          // The view may still say RUNNING for a commit interval: then the request is published
          // and harmless (the run has ended); the view's answer decides the next attempt.
          client.cancel(run.workflowId(), "too late").get(30, TimeUnit.SECONDS);
          Thread.sleep(200);
        } catch (ExecutionException e) {
          failure = e.getCause();
        }
      }
      assertThat(failure)
          .isInstanceOfSatisfying(
              WorkflowEndedException.class,
              e -> {
                assertThat(e.status()).isEqualTo(RunStatus.FINISHED);
                assertThat(e.isRetriable()).isFalse();
              });
    }
  }

  @Test
  void shouldFailWithUnknownWorkflowWhenTheViewNeverSawIt() {
    try (RunstreamClient client =
        RunstreamClient.create(
            ClusterEvents.config(CLUSTER.cluster())
                .queryUrl(view.toString())
                .set(ClientConfig.START_TIMEOUT_MS_CONFIG, 500L)
                .build())) {
      assertThatThrownBy(
              () -> client.cancel("no-such-" + UUID.randomUUID(), "x").get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(UnknownWorkflowException.class)
          .hasMessageContaining("nothing was published");
    }
  }

  @Test
  void shouldFailWithBrokerUnavailableWhenTheBrokerCannotBeReached() {
    try (RunstreamClient client =
        RunstreamClient.create(
            ClusterEvents.config(CLUSTER.cluster())
                .bootstrapServers("127.0.0.1:1")
                .withoutView()
                .brokerTimeout(Duration.ofMillis(1_500))
                .build())) {
      assertThatThrownBy(
              () ->
                  client
                      .cancel(
                          "wf-down",
                          CancelOptions.newBuilder().rootWorkflowId("wf-down").reason("x").build())
                      .get(30, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOfSatisfying(
              BrokerUnavailableException.class,
              e -> {
                assertThat(e.isRetriable()).isTrue();
                assertThat(e).hasMessageContaining("agent-control");
              });
    }
  }

  @Test
  void shouldNotCancelAnythingWhenAStreamIsClosedMidRun() throws Exception {
    AgentRun run = publisher.startRun("patient", "q");
    RunStep step = run.startStep("llm_1", StepType.LLM);
    try (RunstreamClient client = client()) {
      WorkflowStream stream = client.tail(run.workflowId());
      step.textDelta("a");
      stream.close();
      Thread.sleep(1_000);
      assertThat(run.isCancelRequested()).isFalse();
      step.finish("done");
      run.finish("done").get(30, TimeUnit.SECONDS);
      assertThat(client.result(run.workflowId()).get(30, TimeUnit.SECONDS).isFinished()).isTrue();
    }
  }
}
