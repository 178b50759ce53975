package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.InvalidTransitionException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepRetryTest {

  @Test
  void shouldPublishStepStartWithNextAttemptWhenStepIsRetried() {
    try (Harness harness = new Harness()) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep first = run.startStep("llm_1", StepType.LLM);
      first.textDelta("Partial");
      RunStep second = first.retry();
      second.textDelta("Whole");
      second.toolCall("call_1", "search", "{}");
      second.finish(null, "gpt-4o-mini", TokenUsage.of(10, 5));
      run.finish("done");

      List<AgentEvent> events = harness.events();
      assertThat(harness.types())
          .containsExactly(
              EventType.AGENT_START,
              EventType.STEP_START,
              EventType.TEXT_DELTA,
              EventType.STEP_START,
              EventType.TEXT_DELTA,
              EventType.TOOL_CALL,
              EventType.STEP_FINISH,
              EventType.AGENT_FINISH);
      assertThat(events).extracting(AgentEvent::getAttempt).containsExactly(1, 1, 1, 2, 2, 2, 2, 1);
      StepStart retried = (StepStart) events.get(3).getPayload();
      assertThat(retried.getStepKey()).isEqualTo("llm_1");
      assertThat(retried.getStepType()).isEqualTo(StepType.LLM);
      assertThat(first.attempt()).isEqualTo(1);
      assertThat(second.attempt()).isEqualTo(2);
      assertThat(first.isOpen()).isFalse();
      assertThat(((AgentFinish) events.get(7).getPayload()).getTotalSteps())
          .as("a retried step is still one step")
          .isEqualTo(1);
    }
  }

  @Test
  void shouldRefuseEveryCallWhenTheHandleWasSuperseded() {
    try (Harness harness = new Harness()) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep first = run.startStep("llm_1", StepType.LLM);
      RunStep second = first.retry();
      int sent = harness.sent();

      assertThatThrownBy(() -> first.textDelta("late"))
          .isInstanceOf(InvalidTransitionException.class)
          .hasMessageContaining("attempt 1 of step 'llm_1'", "superseded", "text_delta");
      assertThatThrownBy(() -> first.toolCall("c", "t", "{}"))
          .isInstanceOf(InvalidTransitionException.class)
          .hasMessageContaining("superseded");
      assertThatThrownBy(() -> first.finish(null))
          .isInstanceOf(InvalidTransitionException.class)
          .hasMessageContaining("superseded");
      assertThatThrownBy(first::retry)
          .isInstanceOf(InvalidTransitionException.class)
          .hasMessageContaining("superseded");
      assertThatThrownBy(() -> first.fail("x", "y", false))
          .isInstanceOf(InvalidTransitionException.class)
          .hasMessageContaining("superseded");
      assertThat(harness.sent()).isEqualTo(sent);
      assertThat(run.step("llm_1")).isSameAs(second);
      assertThat(second.retry().attempt()).isEqualTo(3);
    }
  }

  @Test
  void shouldRefuseRetryWhenStepIsFinished() {
    try (Harness harness = new Harness()) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep step = run.startStep("llm_1", StepType.LLM);
      step.finish(null);

      assertThatThrownBy(step::retry)
          .isInstanceOf(InvalidTransitionException.class)
          .hasMessageContaining("already finished");
    }
  }

  @Test
  void shouldSendPendingTextAsTheOldAttemptWhenRetriedWhileCoalescing() {
    try (Harness harness =
        new Harness(
            PublisherConfig.newBuilder()
                .coalesceWindow(Duration.ofMinutes(1))
                .coalesceMaxChars(10_000)
                .build())) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep first = run.startStep("llm_1", StepType.LLM);
      var pending = first.textDelta("Par");
      first.textDelta("tial");
      RunStep second = first.retry();
      second.textDelta("Wh");
      second.textDelta("ole");
      second.finish(null);

      List<AgentEvent> deltas =
          harness.events().stream().filter(e -> EventType.of(e) == EventType.TEXT_DELTA).toList();
      assertThat(deltas)
          .extracting(e -> ((TextDelta) e.getPayload()).getContent())
          .containsExactly("Partial", "Whole");
      assertThat(deltas).extracting(AgentEvent::getAttempt).containsExactly(1, 2);
      assertThat(pending).isCompleted();
      assertThat(pending.join().sequence()).isEqualTo(2);
    }
  }

  @Test
  void shouldNameTheAttemptWhenRetriedStepFailsTheRun() {
    try (Harness harness = new Harness()) {
      AgentRun run = harness.publisher.startRun("a", null);
      RunStep second = run.startStep("llm_1", StepType.LLM).retry();
      second.fail("timeout", "provider timed out twice", true);

      AgentEvent error = harness.events().get(harness.events().size() - 1);
      assertThat(((AgentError) error.getPayload()).getStepKey()).isEqualTo("llm_1");
      assertThat(error.getAttempt()).isEqualTo(2);
    }
  }
}
