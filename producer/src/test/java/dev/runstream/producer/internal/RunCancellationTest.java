package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.CancelRequest;
import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.InvalidTransitionException;
import dev.runstream.producer.RunPlan;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Cancel requests reaching runs, and the cancelled terminal event (on a MockProducer). */
class RunCancellationTest {
  private final Harness harness = new Harness();

  @AfterEach
  void close() {
    harness.close();
  }

  private static CancelRequest request(AgentRun run, String reason) {
    return new CancelRequest(
        "req-1",
        run.workflowId(),
        run.rootWorkflowId(),
        reason,
        "alice",
        "gateway",
        Instant.parse("2026-01-01T10:00:00Z"));
  }

  private List<AgentEvent> errors() {
    return harness.events().stream().filter(e -> EventType.of(e) == EventType.ERROR).toList();
  }

  @Test
  void shouldCompleteTheCancellationButKeepRunningWhenARequestArrives() throws Exception {
    AgentRun run = harness.publisher.startRun("agent", null);
    CompletableFuture<CancelRequest> seen = run.cancellation();
    assertThat(run.isCancelRequested()).isFalse();
    assertThat(seen).isNotDone();

    harness.publisher.cancelRequested(request(run, "stop"));

    assertThat(run.isCancelRequested()).isTrue();
    assertThat(seen.get(1, TimeUnit.SECONDS).reason()).isEqualTo("stop");
    assertThat(run.status()).isEqualTo(RunStatus.RUNNING);
    assertThat(harness.types()).containsExactly(EventType.AGENT_START);
    run.cancellation().complete(null); // a caller's copy: the run's request is untouched
    assertThat(run.cancellation().get().requestId()).isEqualTo("req-1");
  }

  @Test
  void shouldPublishACancelledErrorWithTheRequestWhenTheWorkerCancels() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("llm_1", StepType.LLM);
    step.textDelta("half");
    harness.publisher.cancelRequested(request(run, "user pressed stop"));

    run.cancel(null);

    assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    AgentError error = (AgentError) errors().get(0).getPayload();
    assertThat(error.getErrorType()).isEqualTo(EventType.CANCELLED_ERROR_TYPE);
    assertThat(error.getMessage()).isEqualTo("cancelled by alice: user pressed stop");
    assertThat(error.getRetryable()).isFalse();
    assertThat(error.getCancellation().getReason()).isEqualTo("user pressed stop");
    assertThat(error.getCancellation().getRequestedBy()).isEqualTo("alice");
    assertThat(error.getCancellation().getSource()).isEqualTo("gateway");
    assertThat(error.getCancellation().getRequestId()).isEqualTo("req-1");
    assertThat(EventType.cancellation(errors().get(0))).isPresent();
    assertThatThrownBy(() -> step.textDelta("more"))
        .isInstanceOf(InvalidTransitionException.class)
        .hasMessageContaining("cancelled");
    assertThatThrownBy(() -> run.cancel("again")).isInstanceOf(InvalidTransitionException.class);
  }

  @Test
  void shouldNameTheWorkerWhenCancelledWithoutARequest() {
    AgentRun run = harness.publisher.startRun("agent", null);
    run.cancel("deadline passed");
    AgentError error = (AgentError) errors().get(0).getPayload();
    assertThat(error.getCancellation().getRequestedBy()).isEqualTo("worker");
    assertThat(error.getCancellation().getRequestId()).isNull();
    assertThat(error.getCancellation().getReason()).isEqualTo("deadline passed");
  }

  @Test
  void shouldReachChildrenAndCancelThemFirstWhenTheParentIsCancelled() {
    AgentRun parent = harness.publisher.startRun("planner", null);
    AgentRun child = parent.startChildRun("researcher", null);
    child.startStep("s", StepType.LLM);
    harness.publisher.cancelRequested(request(parent, "budget"));
    assertThat(child.isCancelRequested()).isTrue();
    AgentRun late = parent.startChildRun("late", null);
    assertThat(late.isCancelRequested()).as("a child started after the request").isTrue();

    parent.cancel(null);

    List<String> ended = errors().stream().map(AgentEvent::getWorkflowId).toList();
    assertThat(ended)
        .containsExactlyInAnyOrder(child.workflowId(), late.workflowId(), parent.workflowId());
    assertThat(ended.get(2)).as("children first").isEqualTo(parent.workflowId());
    assertThat(errors())
        .allSatisfy(
            e ->
                assertThat(EventType.cancellation(e).orElseThrow().getReason())
                    .isEqualTo("budget"));
    assertThat(child.status()).isEqualTo(RunStatus.CANCELLED);
  }

  @Test
  void shouldIgnoreRequestsForOtherWorkflowsAndEndedRuns() {
    AgentRun run = harness.publisher.startRun("agent", null);
    AgentRun other = harness.publisher.startRun("agent", null);
    harness.publisher.cancelRequested(request(other, "x"));
    assertThat(run.isCancelRequested()).isFalse();
    other.finish("done");
    harness.publisher.cancelRequested(request(other, "late"));
    assertThat(other.status()).isEqualTo(RunStatus.FINISHED);
  }

  @Test
  void shouldStopTheDemoAgentAtTheNextActionWhenCancelIsRequested() throws Exception {
    DemoAgent demo =
        new DemoAgent(
            DemoAgent.Options.newBuilder()
                .seed(3)
                .tokensPerSecond(200)
                .llmSteps(3, 3)
                .tokensPerStep(100, 100)
                .subAgents(0.0, 1)
                .failureRate(0.0)
                .build());
    RunPlan plan = demo.plan(0);
    CompletableFuture<AgentRun> played =
        CompletableFuture.supplyAsync(() -> demo.play(harness.publisher, plan));
    while (harness.sent() < 10) {
      Thread.sleep(5);
    }
    AgentEvent first = harness.events().get(0);
    harness.publisher.cancelRequested(
        new CancelRequest(
            "req-9",
            first.getWorkflowId(),
            first.getRootWorkflowId(),
            "enough",
            null,
            "sdk",
            Instant.now()));
    AgentRun run = played.get(10, TimeUnit.SECONDS);
    assertThat(run.status()).isEqualTo(RunStatus.CANCELLED);
    assertThat(harness.sent()).isLessThan((int) plan.eventCount());
    AgentEvent last = harness.events().get(harness.sent() - 1);
    assertThat(EventType.cancellation(last).orElseThrow().getReason()).isEqualTo("enough");
  }
}
