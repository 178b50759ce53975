package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.InvalidEventException;
import dev.runstream.producer.InvalidTransitionException;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublisherClosedException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RunStateMachineTest {
  private final Harness harness = new Harness();

  @AfterEach
  void close() {
    harness.close();
  }

  private void assertRefused(
      ThrowingCallable call, Class<? extends PublishException> type, String fragment) {
    int before = harness.sent();
    long refusedBefore = harness.publisher.stats().refused();
    assertThatThrownBy(call).isInstanceOf(type).hasMessageContaining(fragment);
    assertThat(harness.sent()).as("records sent by a refused call").isEqualTo(before);
    assertThat(harness.publisher.stats().refused()).isEqualTo(refusedBefore + 1);
  }

  @Test
  void shouldPublishGaplessOrderedEventsWithHeadersWhenRunIsDriven() {
    AgentRun run =
        harness.publisher.startRun(
            RunOptions.newBuilder()
                .agentId("weather-agent")
                .input("Weather in Tokyo?")
                .config("model", "gpt-4o-mini")
                .tenantId("acme")
                .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
                .build());
    RunStep llm = run.startStep("llm_1", StepType.LLM);
    llm.textDelta("It is ");
    llm.toolCall("call_1", "get_weather", "{\"city\":\"Tokyo\"}");
    llm.finish(null, "gpt-4o-mini", TokenUsage.of(1_000, 500));
    RunStep tool = run.startToolStep("get_weather_1", "call_1");
    tool.finish("{\"temp_c\":18}");
    var finished = run.finish("18 °C");

    assertThat(harness.types())
        .containsExactly(
            EventType.AGENT_START,
            EventType.STEP_START,
            EventType.TEXT_DELTA,
            EventType.TOOL_CALL,
            EventType.STEP_FINISH,
            EventType.STEP_START,
            EventType.STEP_FINISH,
            EventType.AGENT_FINISH);
    List<AgentEvent> events = harness.events();
    for (int i = 0; i < events.size(); i++) {
      AgentEvent event = events.get(i);
      ProducerRecord<byte[], byte[]> record = harness.records().get(i);
      assertThat(event.getSequence()).isEqualTo(i);
      assertThat(event.getWorkflowId()).isEqualTo(run.workflowId());
      assertThat(event.getRootWorkflowId()).isEqualTo(run.workflowId());
      assertThat(event.getParentWorkflowId()).isNull();
      assertThat(event.getTenantId()).isEqualTo("acme");
      assertThat(UUID.fromString(event.getEventId())).isNotNull();
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(run.workflowId());
      assertThat(record.partition()).as("default partitioner").isNull();
      assertThat(record.timestamp()).isEqualTo(event.getTimestamp().toEpochMilli());
      assertThat(Harness.header(record, EventHeaders.WORKFLOW_ID)).isEqualTo(run.workflowId());
      assertThat(Harness.header(record, EventHeaders.SEQUENCE)).isEqualTo(Integer.toString(i));
      assertThat(Harness.header(record, EventHeaders.EVENT_TYPE))
          .isEqualTo(EventType.of(event).wireName());
      assertThat(Harness.header(record, EventHeaders.TENANT_ID)).isEqualTo("acme");
      assertThat(Harness.header(record, EventHeaders.TRACEPARENT)).startsWith("00-4bf92f");
    }
    assertThat(events.stream().map(AgentEvent::getEventId).distinct()).hasSize(events.size());
    AgentStart start = (AgentStart) events.get(0).getPayload();
    assertThat(start.getInput()).isEqualTo("Weather in Tokyo?");
    assertThat(start.getConfig()).containsEntry("model", "gpt-4o-mini");
    StepFinish llmFinish = (StepFinish) events.get(4).getPayload();
    assertThat(llmFinish.getModel()).isEqualTo("gpt-4o-mini");
    assertThat(llmFinish.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0.000450000000"));
    assertThat(llmFinish.getUsage().getTotalTokens()).isEqualTo(1_500);
    StepStart toolStart = (StepStart) events.get(5).getPayload();
    assertThat(toolStart.getStepType()).isEqualTo(StepType.TOOL);
    assertThat(toolStart.getToolCallId()).isEqualTo("call_1");
    AgentFinish finish = (AgentFinish) events.get(7).getPayload();
    assertThat(finish.getTotalSteps()).isEqualTo(2);
    assertThat(finish.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0.000450000000"));
    assertThat(finish.getToolResults()).hasSize(1);
    assertThat(finish.getToolResults().get(0).getOutput()).isEqualTo("{\"temp_c\":18}");
    assertThat(finish.getToolResults().get(0).getArguments()).isEqualTo("{\"city\":\"Tokyo\"}");
    assertThat(finished).isCompleted();
    assertThat(finished.join().sequence()).isEqualTo(7);
    assertThat(finished.join().type()).isEqualTo(EventType.AGENT_FINISH);
    assertThat(run.status()).isEqualTo(RunStatus.FINISHED);
    assertThat(harness.publisher.stats().acknowledged()).isEqualTo(8);
  }

  @Test
  void shouldRefuseEveryEventWhenRunHasFinished() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep open = run.startStep("s1", StepType.LLM);
    open.finish("x");
    run.finish("done");
    assertRefused(
        () -> run.startStep("s2", StepType.LLM), InvalidTransitionException.class, "ended");
    assertRefused(() -> open.textDelta("late"), InvalidTransitionException.class, "ended");
    assertRefused(() -> run.finish("again"), InvalidTransitionException.class, "agent_finish");
    assertRefused(
        () -> run.fail("Boom", "after finish", false), InvalidTransitionException.class, "ended");
    assertRefused(
        () -> run.startChildRun("child", null), InvalidTransitionException.class, "ended");
  }

  @Test
  void shouldRefuseSecondTerminalEventWhenRunHasFailed() {
    AgentRun run = harness.publisher.startRun("agent", null);
    run.fail("RateLimitError", "429", true);
    assertRefused(() -> run.finish("late"), InvalidTransitionException.class, "error published");
    assertRefused(() -> run.fail("Again", "x", false), InvalidTransitionException.class, "ended");
    assertThat(run.status()).isEqualTo(RunStatus.FAILED);
  }

  @Test
  void shouldRefuseFinishingStepTwiceWhenAlreadyFinished() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("s1", StepType.LLM);
    step.finish(null);
    assertRefused(() -> step.finish(null), InvalidTransitionException.class, "already finished");
    assertRefused(() -> step.textDelta("x"), InvalidTransitionException.class, "already finished");
    assertRefused(
        () -> step.toolCall("c", "t", "{}"), InvalidTransitionException.class, "already finished");
    assertThat(step.isOpen()).isFalse();
  }

  @Test
  void shouldRefuseUnknownStepWhenLookedUpByKey() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("s1", StepType.LLM);
    assertThat(run.step("s1")).isSameAs(step);
    assertRefused(() -> run.step("nope"), InvalidTransitionException.class, "no step 'nope'");
    step.finish(null);
    assertRefused(() -> run.step("s1"), InvalidTransitionException.class, "already finished");
  }

  @Test
  void shouldRefuseDuplicateKeysWhenStepOrCallIdReused() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("s1", StepType.LLM);
    step.toolCall("call_1", "search", "{}");
    assertRefused(
        () -> run.startStep("s1", StepType.OTHER), InvalidTransitionException.class, "already");
    assertRefused(
        () -> step.toolCall("call_1", "search", "{}"), InvalidTransitionException.class, "call_1");
  }

  @Test
  void shouldRefuseToolStepWhenCallIsUnknownOrAlreadyExecuted() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep llm = run.startStep("llm", StepType.LLM);
    llm.toolCall("call_1", "search", "{\"q\":1}");
    llm.finish(null);
    assertRefused(
        () -> run.startToolStep("t0", "call_9"), InvalidTransitionException.class, "unknown");
    run.startToolStep("t1", "call_1");
    assertRefused(
        () -> run.startToolStep("t2", "call_1"), InvalidTransitionException.class, "already");
    assertRefused(
        () -> run.startStep("t3", StepType.TOOL), InvalidEventException.class, "startToolStep");
  }

  @Test
  void shouldRefuseToolCallWhenArgumentsAreNotJson() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("s1", StepType.LLM);
    assertRefused(
        () -> step.toolCall("c1", "search", "{\"q\": "), InvalidEventException.class, "not JSON");
    assertRefused(
        () -> step.toolCall("c1", "search", "{} {}"), InvalidEventException.class, "not JSON");
    assertRefused(() -> step.toolCall("c1", "search", ""), InvalidEventException.class, "empty");
    step.toolCall("c1", "search", "[1, \"two\", {\"three\": null}]");
  }

  @Test
  void shouldRefuseFinishWhenStepsAreOpen() {
    AgentRun run = harness.publisher.startRun("agent", null);
    run.startStep("a", StepType.LLM);
    run.startStep("b", StepType.OTHER);
    assertRefused(() -> run.finish("x"), InvalidTransitionException.class, "steps are open: a, b");
  }

  @Test
  void shouldAllowFailWithOpenStepsAndNameTheStepWhenStepFails() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("a", StepType.LLM);
    step.textDelta("partial");
    step.fail("ProviderTimeout", "no answer", true);
    AgentError error = (AgentError) harness.events().get(3).getPayload();
    assertThat(error.getStepKey()).isEqualTo("a");
    assertThat(error.getRetryable()).isTrue();
    assertThat(step.isOpen()).isFalse();
    assertRefused(() -> step.textDelta("more"), InvalidTransitionException.class, "ended");
  }

  @Test
  void shouldShareRootAndRecordParentWhenChildRunStarts() {
    AgentRun parent =
        harness.publisher.startRun(
            RunOptions.newBuilder().agentId("planner").tenantId("acme").build());
    AgentRun child = parent.startChildRun("researcher", "find it");
    AgentRun grandchild = child.startChildRun("summarizer", null);
    grandchild.finish("short");
    child.finish("found");
    parent.finish("done");

    assertThat(child.rootWorkflowId()).isEqualTo(parent.workflowId());
    assertThat(grandchild.rootWorkflowId()).isEqualTo(parent.workflowId());
    assertThat(child.parentWorkflowId()).contains(parent.workflowId());
    assertThat(grandchild.parentWorkflowId()).contains(child.workflowId());
    for (ProducerRecord<byte[], byte[]> record : harness.records()) {
      assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(parent.workflowId());
    }
    List<AgentEvent> childEvents =
        harness.events().stream()
            .filter(e -> e.getWorkflowId().equals(child.workflowId()))
            .toList();
    assertThat(childEvents).extracting(AgentEvent::getSequence).containsExactly(0L, 1L);
    assertThat(childEvents.get(0).getParentWorkflowId()).isEqualTo(parent.workflowId());
    assertThat(childEvents.get(0).getTenantId()).as("inherited").isEqualTo("acme");
  }

  @Test
  void shouldRefuseParentFinishWhenChildRunIsOpen() {
    AgentRun parent = harness.publisher.startRun("planner", null);
    AgentRun child = parent.startChildRun("researcher", null);
    assertRefused(() -> parent.finish("x"), InvalidTransitionException.class, child.workflowId());
    child.finish("ok");
    parent.finish("x");
  }

  @Test
  void shouldFailOpenChildrenFirstAndRefuseTheirEventsWhenParentFails() {
    AgentRun parent = harness.publisher.startRun("planner", null);
    AgentRun child = parent.startChildRun("researcher", null);
    AgentRun grandchild = child.startChildRun("summarizer", null);
    RunStep childStep = child.startStep("s", StepType.LLM);
    parent.fail("Crash", "worker crashed", false);

    List<AgentEvent> errors =
        harness.events().stream().filter(e -> EventType.of(e) == EventType.ERROR).toList();
    assertThat(errors)
        .extracting(AgentEvent::getWorkflowId)
        .containsExactly(grandchild.workflowId(), child.workflowId(), parent.workflowId());
    assertThat(((AgentError) errors.get(0).getPayload()).getErrorType())
        .isEqualTo(AgentRun.PARENT_FAILED);
    assertThat(child.status()).isEqualTo(RunStatus.FAILED);
    assertRefused(() -> childStep.textDelta("late"), InvalidTransitionException.class, "ended");
    assertRefused(() -> child.finish("late"), InvalidTransitionException.class, "ended");
    assertRefused(
        () -> grandchild.startStep("x", StepType.LLM), InvalidTransitionException.class, "ended");
  }

  @Test
  void shouldComputeCostOrKeepGivenCostWhenStepsReportUsage() {
    AgentRun run = harness.publisher.startRun("agent", null);
    run.startStep("a", StepType.LLM)
        .finish(null, "claude-sonnet", TokenUsage.of(2_000, 1_000)); // 0.006 + 0.015
    run.startStep("b", StepType.LLM)
        .finish(null, "custom", TokenUsage.of(10, 10, new BigDecimal("0.000000000001")));
    run.finish("x");
    AgentFinish finish = (AgentFinish) harness.events().get(5).getPayload();
    assertThat(finish.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0.021000000001"));
    assertThat(finish.getUsage().getInputTokens()).isEqualTo(2_010);
    assertThat(finish.getUsage().getOutputTokens()).isEqualTo(1_010);
  }

  @Test
  void shouldRefuseUsageWhenModelHasNoPriceAndNoCostGiven() {
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("a", StepType.LLM);
    assertRefused(
        () -> step.finish(null, "gpt-9", TokenUsage.of(1, 1)),
        InvalidEventException.class,
        "no price for model 'gpt-9'");
    assertThat(step.isOpen()).isTrue();
  }

  @Test
  void shouldPublishTokenCountsAtCostZeroWhenThePublisherHasNoPrices() {
    try (Harness priceless = new Harness(PublisherConfig.newBuilder().build())) {
      AgentRun run = priceless.publisher.startRun("agent", null);
      run.startStep("a", StepType.LLM).finish(null, "gpt-9", TokenUsage.of(1_000, 500));
      run.finish("x", TokenUsage.of(1_000, 500));
      StepFinish step = (StepFinish) priceless.events().get(2).getPayload();
      assertThat(step.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0E-12"));
      assertThat(step.getUsage().getTotalTokens()).isEqualTo(1_500);
      assertThat(step.getModel()).isEqualTo("gpt-9");
      AgentFinish finish = (AgentFinish) priceless.events().get(3).getPayload();
      assertThat(finish.getUsage().getCostUsd()).isZero();
      assertThat(finish.getUsage().getInputTokens()).isEqualTo(1_000);
    }
  }

  @Test
  void shouldRefuseReportedTotalWhenItHasNoCost() {
    AgentRun run = harness.publisher.startRun("agent", null);
    assertRefused(
        () -> run.finish("x", TokenUsage.of(1, 1)), InvalidEventException.class, "its cost");
    run.finish("x", TokenUsage.of(5, 6, new BigDecimal("1.5")));
    AgentFinish finish = (AgentFinish) harness.events().get(1).getPayload();
    assertThat(finish.getUsage().getTotalTokens()).isEqualTo(11);
    assertThat(finish.getUsage().getCostUsd()).isEqualTo(new BigDecimal("1.500000000000"));
  }

  @Test
  void shouldRefuseEverythingWhenPublisherIsClosed() {
    AgentRun run = harness.publisher.startRun("agent", null);
    harness.publisher.close();
    assertRefused(() -> run.startStep("a", StepType.LLM), PublisherClosedException.class, "closed");
    assertRefused(
        () -> harness.publisher.startRun("agent", null), PublisherClosedException.class, "closed");
  }
}
