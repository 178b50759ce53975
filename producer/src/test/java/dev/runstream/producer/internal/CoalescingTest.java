package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class CoalescingTest {

  private static Harness harness(Duration window, int maxChars) {
    return new Harness(
        PublisherConfig.newBuilder().coalesceWindow(window).coalesceMaxChars(maxChars).build());
  }

  private static String text(List<AgentEvent> events, String workflowId) {
    return events.stream()
        .filter(e -> e.getWorkflowId().equals(workflowId))
        .filter(e -> EventType.of(e) == EventType.TEXT_DELTA)
        .map(e -> ((TextDelta) e.getPayload()).getContent())
        .collect(Collectors.joining());
  }

  @Test
  void shouldPublishEveryDeltaWhenCoalescingIsOff() {
    try (Harness harness = new Harness()) {
      RunStep step = harness.publisher.startRun("a", null).startStep("s", StepType.LLM);
      step.textDelta("one");
      step.textDelta(" two");
      assertThat(harness.types()).filteredOn(t -> t == EventType.TEXT_DELTA).hasSize(2);
    }
  }

  @Test
  void shouldMergeDeltasIntoOneEventWhenEmittedWithinWindow() {
    try (Harness harness = harness(Duration.ofMinutes(1), 10_000)) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep step = run.startStep("s", StepType.LLM);
      CompletableFuture<PublishedEvent> first = step.textDelta("It");
      CompletableFuture<PublishedEvent> second = step.textDelta(" is");
      step.textDelta(" sunny.");
      assertThat(harness.sent()).as("deltas wait for the window").isEqualTo(2);
      step.finish(null);

      assertThat(harness.types())
          .containsExactly(
              EventType.AGENT_START,
              EventType.STEP_START,
              EventType.TEXT_DELTA,
              EventType.STEP_FINISH);
      assertThat(text(harness.events(), run.workflowId())).isEqualTo("It is sunny.");
      assertThat(first).isSameAs(second).isCompleted();
      assertThat(first.join().sequence()).isEqualTo(2);
      assertThat(harness.publisher.stats().coalescedDeltas()).isEqualTo(2);
    }
  }

  @Test
  void shouldSendPendingTextWhenWindowElapses() throws Exception {
    try (Harness harness = harness(Duration.ofMillis(20), 10_000)) {
      RunStep step = harness.publisher.startRun("a", null).startStep("s", StepType.LLM);
      CompletableFuture<PublishedEvent> delta = step.textDelta("Hello");
      step.textDelta(" world");
      PublishedEvent event = delta.get(10, TimeUnit.SECONDS);
      assertThat(event.type()).isEqualTo(EventType.TEXT_DELTA);
      assertThat(((TextDelta) harness.events().get(2).getPayload()).getContent())
          .isEqualTo("Hello world");
    }
  }

  @Test
  void shouldKeepWorkflowTextOrderWhenDeltasOfTwoStepsInterleave() {
    try (Harness harness = harness(Duration.ofMinutes(1), 10_000)) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep a = run.startStep("a", StepType.LLM);
      RunStep b = run.startStep("b", StepType.LLM);
      a.textDelta("1");
      a.textDelta("2");
      b.textDelta("3");
      a.textDelta("4");
      harness.publisher.flush();
      List<AgentEvent> deltas =
          harness.events().stream().filter(e -> EventType.of(e) == EventType.TEXT_DELTA).toList();
      assertThat(deltas)
          .extracting(e -> ((TextDelta) e.getPayload()).getStepKey())
          .containsExactly("a", "b", "a");
      assertThat(text(harness.events(), run.workflowId())).isEqualTo("1234");
    }
  }

  @Test
  void shouldSendEarlyWhenMaxCharsReached() {
    try (Harness harness = harness(Duration.ofMinutes(1), 8)) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep step = run.startStep("s", StepType.LLM);
      for (String token : List.of("abc", "def", "ghi", "jk")) {
        step.textDelta(token);
      }
      assertThat(harness.types()).filteredOn(t -> t == EventType.TEXT_DELTA).hasSize(1);
      harness.publisher.flush();
      assertThat(text(harness.events(), run.workflowId())).isEqualTo("abcdefghijk");
    }
  }

  @Test
  void shouldSendPendingTextBeforeAnyOtherEventOfTheWorkflow() {
    try (Harness harness = harness(Duration.ofMinutes(1), 10_000)) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep step = run.startStep("s", StepType.LLM);
      step.textDelta("Let me check");
      step.toolCall("c1", "get_weather", "{}");
      step.textDelta(" more");
      run.fail("Boom", "x", false);
      assertThat(harness.types())
          .containsExactly(
              EventType.AGENT_START,
              EventType.STEP_START,
              EventType.TEXT_DELTA,
              EventType.TOOL_CALL,
              EventType.TEXT_DELTA,
              EventType.ERROR);
      assertThat(harness.events())
          .extracting(AgentEvent::getSequence)
          .containsExactly(0L, 1L, 2L, 3L, 4L, 5L);
    }
  }
}
