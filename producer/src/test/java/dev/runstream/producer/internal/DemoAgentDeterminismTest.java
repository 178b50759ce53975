package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunPlan;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.ToolCall;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DemoAgentDeterminismTest {
  private static final DemoAgent.Options FAST =
      DemoAgent.Options.newBuilder().seed(7).tokensPerSecond(0).failureRate(0.3).build();

  private static PublisherConfig config() {
    return PublisherConfig.newBuilder().prices(DemoAgent.DEMO_PRICES).build();
  }

  /** The events with ids, timestamps and durations taken out, workflows numbered by appearance. */
  private static List<String> normalized(List<AgentEvent> events) {
    Map<String, Integer> workflows = new HashMap<>();
    List<String> out = new ArrayList<>();
    for (AgentEvent event : events) {
      int workflow = workflows.computeIfAbsent(event.getWorkflowId(), id -> workflows.size());
      Object payload = event.getPayload();
      if (payload instanceof StepFinish finish) {
        finish.put("duration_ms", 0L);
      }
      out.add(workflow + "#" + event.getSequence() + " " + event.getAgentId() + " " + payload);
    }
    return out;
  }

  private static List<String> publish(DemoAgent agent, long runIndex) {
    try (Harness harness = new Harness(config())) {
      agent.play(harness.publisher, agent.plan(runIndex));
      return normalized(harness.events());
    }
  }

  @Test
  void shouldReproduceRunWhenSeedAndIndexAreTheSame() {
    DemoAgent one = new DemoAgent(FAST);
    DemoAgent two = new DemoAgent(FAST);
    for (long i = 0; i < 30; i++) {
      assertThat(one.plan(i)).isEqualTo(two.plan(i));
      assertThat(publish(one, i)).isEqualTo(publish(two, i));
    }
    assertThat(new DemoAgent(FAST).plan(3))
        .isNotEqualTo(
            new DemoAgent(DemoAgent.Options.newBuilder().seed(8).tokensPerSecond(0).build())
                .plan(3));
  }

  @Test
  void shouldLookLikeRealRunsWhenManyArePlanned() {
    DemoAgent agent = new DemoAgent(FAST);
    List<RunPlan> plans = agent.plans(0, 200);
    assertThat(plans).filteredOn(RunPlan::fails).hasSizeBetween(30, 90);
    assertThat(plans).filteredOn(p -> p.childRuns() > 0).isNotEmpty();
    assertThat(plans).filteredOn(p -> p.retries() > 0).hasSizeBetween(8, 40);
    try (Harness harness = new Harness(config())) {
      for (RunPlan plan : plans.subList(0, 40)) {
        agent.play(harness.publisher, plan);
      }
      List<AgentEvent> events = harness.events();
      assertThat(events)
          .hasSize((int) plans.subList(0, 40).stream().mapToLong(RunPlan::eventCount).sum());
      assertThat(events).extracting(EventType::of).contains(EventType.values());
      Map<String, String> callsById = new HashMap<>();
      for (AgentEvent event : events) {
        if (event.getPayload() instanceof ToolCall call) {
          assertThat(JsonCheck.problem(call.getArguments())).isNull();
          callsById.put(call.getCallId(), call.getToolName());
        }
        if (event.getPayload() instanceof StepStart start && start.getToolCallId() != null) {
          assertThat(callsById).containsKey(start.getToolCallId());
        }
        if (event.getPayload() instanceof StepFinish finish && finish.getUsage() != null) {
          assertThat(finish.getUsage().getCostUsd().signum()).isPositive();
          assertThat(finish.getModel()).isNotNull();
        }
      }
      assertThat(events).anyMatch(e -> e.getParentWorkflowId() != null);
      assertThat(events)
          .filteredOn(e -> e.getAttempt() == 2)
          .isNotEmpty()
          .first()
          .extracting(EventType::of)
          .isEqualTo(EventType.STEP_START);
    }
  }

  @Test
  void shouldOnlyInsertTheRetryWhenRetryRateIsRaised() {
    List<String> models = List.of("gpt-4o");
    DemoScriptGenerator without =
        new DemoScriptGenerator(7, 2, 4, 5, 10, 0.6, 0.25, 2, 0.3, models, 0);
    DemoScriptGenerator with =
        new DemoScriptGenerator(7, 2, 4, 5, 10, 0.6, 0.25, 2, 0.3, models, 1);
    int retried = 0;
    for (long i = 0; i < 50; i++) {
      DemoScript plain = without.script(i);
      DemoScript script = with.script(i);
      assertThat(plain.retries()).isZero();
      List<DemoScript.Action> actions = new ArrayList<>(script.actions());
      int retry = actions.indexOf(new DemoScript.RetryStep());
      if (retry < 0) {
        assertThat(script).isEqualTo(plain);
        continue;
      }
      retried++;
      int start = retry - 1;
      while (actions.get(start) instanceof DemoScript.Token) {
        start--;
      }
      assertThat(actions.get(start)).isInstanceOf(DemoScript.StartLlmStep.class);
      assertThat(retry - start - 1).as("tokens of the superseded attempt").isBetween(3, 8);
      actions.subList(start + 1, retry + 1).clear();
      assertThat(actions).isEqualTo(plain.actions());
    }
    assertThat(retried).isGreaterThan(40);
  }

  @Test
  void shouldRejectRetryRateWhenOutsideZeroToOne() {
    assertThatThrownBy(() -> DemoAgent.Options.newBuilder().retryRate(1.5).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retryRate");
  }
}
