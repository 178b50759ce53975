package dev.runstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AgentEventPublisherIT {

  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static String header(ConsumerRecord<String, AgentEvent> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  /**
   * Checks every workflow's events: on its root's partition, in offset order numbered 0..n-1,
   * starting with agent_start, ending with one terminal event, with headers that repeat the value.
   */
  private static Map<String, List<AgentEvent>> checkStreams(
      List<ConsumerRecord<String, AgentEvent>> records) {
    Map<String, List<ConsumerRecord<String, AgentEvent>>> byWorkflow = new HashMap<>();
    for (ConsumerRecord<String, AgentEvent> record : records) {
      byWorkflow
          .computeIfAbsent(record.value().getWorkflowId(), k -> new ArrayList<>())
          .add(record);
    }
    Map<String, List<AgentEvent>> streams = new HashMap<>();
    Set<String> eventIds = new HashSet<>();
    byWorkflow.forEach(
        (workflow, list) -> {
          // Records of one workflow share a partition, so offset order is publish order.
          assertThat(list)
              .extracting(ConsumerRecord::partition)
              .containsOnly(list.get(0).partition());
          list.sort((a, b) -> Long.compare(a.offset(), b.offset()));
          List<AgentEvent> events = list.stream().map(ConsumerRecord::value).toList();
          for (int i = 0; i < list.size(); i++) {
            ConsumerRecord<String, AgentEvent> record = list.get(i);
            AgentEvent event = record.value();
            assertThat(event.getSequence()).as("sequence of %s", workflow).isEqualTo(i);
            assertThat(record.key()).isEqualTo(event.getRootWorkflowId());
            assertThat(record.partition())
                .isEqualTo(ClusterEvents.partitionOf(event.getRootWorkflowId()));
            assertThat(header(record, EventHeaders.WORKFLOW_ID)).isEqualTo(workflow);
            assertThat(header(record, EventHeaders.SEQUENCE)).isEqualTo(Long.toString(i));
            assertThat(header(record, EventHeaders.EVENT_TYPE))
                .isEqualTo(EventType.of(event).wireName());
            assertThat(eventIds.add(event.getEventId())).as("unique event id").isTrue();
          }
          assertThat(EventType.of(events.get(0))).isEqualTo(EventType.AGENT_START);
          assertThat(EventType.of(events.get(events.size() - 1)).isTerminal()).isTrue();
          assertThat(events.stream().filter(e -> EventType.of(e).isTerminal())).hasSize(1);
          streams.put(workflow, events);
        });
    return streams;
  }

  @Test
  void shouldArriveInOrderWithGaplessSequencesWhenManyThreadsPublishConcurrently(
      LocalCluster cluster) throws Exception {
    String topic = ClusterEvents.createTopic(cluster, "concurrent-runs");
    DemoAgent agent =
        new DemoAgent(
            DemoAgent.Options.newBuilder()
                .seed(11)
                .tokensPerSecond(0)
                .tokensPerStep(5, 60)
                .failureRate(0.2)
                .build());
    List<RunPlan> plans = agent.plans(0, 160);
    long expected = plans.stream().mapToLong(RunPlan::eventCount).sum();
    DemoAgent.LoadReport report;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(ClusterEvents.config(cluster, topic).build())) {
      report = agent.playAll(publisher, plans, 12);
      assertThat(publisher.stats().acknowledged()).isEqualTo(expected);
      assertThat(publisher.stats().failed()).isZero();
    }
    assertThat(report.brokenRuns()).isZero();

    List<ConsumerRecord<String, AgentEvent>> records =
        ClusterEvents.readAll(cluster, topic, expected);
    assertThat(records).hasSize((int) expected);
    Map<String, List<AgentEvent>> streams = checkStreams(records);
    assertThat(streams).hasSize((int) (plans.size() + report.childRuns()));
    assertThat(records).extracting(ConsumerRecord::partition).hasSizeGreaterThan(0);
    assertThat(records.stream().map(ConsumerRecord::partition).distinct().count())
        .as("runs spread over partitions")
        .isGreaterThan(1);
  }

  @Test
  void shouldKeepEachRunOrderedWhenOneRunIsDrivenFromManyThreadsWithCoalescing(LocalCluster cluster)
      throws Exception {
    String topic = ClusterEvents.createTopic(cluster, "shared-runs");
    int runs = 6;
    int threadsPerRun = 4;
    int deltasPerThread = 300;
    Map<String, String> steps = new ConcurrentHashMap<>();
    long published;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(
            ClusterEvents.config(cluster, topic).coalesceWindow(Duration.ofMillis(2)).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(runs * threadsPerRun);
      List<AgentRun> started = new ArrayList<>();
      List<Future<?>> futures = new ArrayList<>();
      for (int r = 0; r < runs; r++) {
        AgentRun run = publisher.startRun("shared-" + r, null);
        started.add(run);
        for (int t = 0; t < threadsPerRun; t++) {
          String key = "step_" + t;
          futures.add(
              pool.submit(
                  () -> {
                    RunStep step = run.startStep(key, StepType.LLM);
                    for (int i = 0; i < deltasPerThread; i++) {
                      step.textDelta(key + ":" + i + " ");
                    }
                    step.finish(null, "gpt-4o-mini-test", TokenUsage.of(1_000, deltasPerThread));
                  }));
        }
      }
      for (Future<?> future : futures) {
        future.get();
      }
      pool.shutdown();
      for (AgentRun run : started) {
        run.finish("done");
        steps.put(run.workflowId(), run.agentId());
      }
      publisher.flush();
      published = publisher.stats().acknowledged();
      assertThat(publisher.stats().coalescedDeltas()).isPositive();
    }
    List<ConsumerRecord<String, AgentEvent>> records =
        ClusterEvents.readAll(cluster, topic, published);
    assertThat(records).hasSize((int) published);
    Map<String, List<AgentEvent>> streams = checkStreams(records);
    assertThat(streams.keySet()).isEqualTo(steps.keySet());
    for (List<AgentEvent> events : streams.values()) {
      // Per step, the coalesced deltas carry exactly the text in order.
      Map<String, String> textByStep =
          events.stream()
              .filter(e -> e.getPayload() instanceof TextDelta)
              .map(e -> (TextDelta) e.getPayload())
              .collect(
                  Collectors.groupingBy(
                      TextDelta::getStepKey,
                      Collectors.mapping(TextDelta::getContent, Collectors.joining())));
      assertThat(textByStep).hasSize(threadsPerRun);
      textByStep.forEach(
          (step, text) -> {
            StringBuilder expected = new StringBuilder();
            for (int i = 0; i < deltasPerThread; i++) {
              expected.append(step).append(':').append(i).append(' ');
            }
            assertThat(text).isEqualTo(expected.toString());
          });
      AgentFinish finish = (AgentFinish) events.get(events.size() - 1).getPayload();
      // 4 steps * (1000 * 0.15 + 300 * 0.60) / 1e6 = 4 * 0.00033
      assertThat(finish.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0.001320000000"));
    }
  }

  @Test
  void shouldPublishNothingOfRefusedTransitionsWhenRunIsMisused(LocalCluster cluster)
      throws Exception {
    String topic = ClusterEvents.createTopic(cluster, "misused-runs");
    String workflow;
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(ClusterEvents.config(cluster, topic).build())) {
      AgentRun run = publisher.startRun("weather-agent", "Tokyo?");
      workflow = run.workflowId();
      RunStep llm = run.startStep("llm_1", StepType.LLM);
      llm.textDelta("Checking");
      llm.toolCall("call_1", "get_weather", "{\"city\":\"Tokyo\"}");
      List<Runnable> refused =
          List.of(
              () -> run.finish("too early"), // open step
              () -> run.step("llm_9"), // unknown step
              () -> run.startStep("llm_1", StepType.LLM), // duplicate key
              () -> run.startToolStep("t", "call_404"), // unknown call
              () -> llm.toolCall("call_1", "x", "{}"), // duplicate call id
              () -> llm.toolCall("call_2", "x", "{oops"), // not JSON
              () -> llm.finish(null, "no-such-model", TokenUsage.of(1, 1))); // unpriced
      for (Runnable call : refused) {
        assertThatThrownBy(call::run)
            .isInstanceOfAny(InvalidTransitionException.class, InvalidEventException.class);
      }
      llm.finish(null, "gpt-4o-mini-test", TokenUsage.of(1_000, 500));
      assertThatThrownBy(() -> llm.finish(null)).isInstanceOf(InvalidTransitionException.class);
      assertThatThrownBy(() -> llm.textDelta("late"))
          .isInstanceOf(InvalidTransitionException.class);
      RunStep tool = run.startToolStep("get_weather_1", "call_1");
      AgentRun child = run.startChildRun("fact-checker", "verify");
      assertThatThrownBy(() -> run.finish("x")).isInstanceOf(InvalidTransitionException.class);
      tool.finish("{\"temp_c\":18}");
      child.finish("ok");
      run.finish("18 °C").join();
      assertThatThrownBy(() -> run.finish("again")).isInstanceOf(InvalidTransitionException.class);
      assertThatThrownBy(() -> run.fail("E", "after", false))
          .isInstanceOf(InvalidTransitionException.class);
      assertThatThrownBy(() -> child.startStep("late", StepType.LLM))
          .isInstanceOf(InvalidTransitionException.class);
      assertThatThrownBy(() -> run.startChildRun("late", null))
          .isInstanceOf(InvalidTransitionException.class);
      assertThat(publisher.stats().refused()).isEqualTo(14);
    }
    List<ConsumerRecord<String, AgentEvent>> records = ClusterEvents.readAll(cluster, topic, 10);
    Map<String, List<AgentEvent>> streams = checkStreams(records);
    assertThat(records).hasSize(10);
    assertThat(streams.get(workflow))
        .extracting(EventType::of)
        .containsExactly(
            EventType.AGENT_START,
            EventType.STEP_START,
            EventType.TEXT_DELTA,
            EventType.TOOL_CALL,
            EventType.STEP_FINISH,
            EventType.STEP_START,
            EventType.STEP_FINISH,
            EventType.AGENT_FINISH);
    StepFinish llmFinish = (StepFinish) streams.get(workflow).get(4).getPayload();
    assertThat(llmFinish.getUsage().getCostUsd()).isEqualTo(new BigDecimal("0.000450000000"));
  }

  @Test
  void shouldPlaceChildRunsOnTheParentPartitionWhenSubAgentsRunOnOtherThreads(LocalCluster cluster)
      throws Exception {
    String topic = ClusterEvents.createTopic(cluster, "child-runs");
    List<AgentRun> roots = new ArrayList<>();
    List<AgentRun> children = new ArrayList<>();
    try (AgentEventPublisher publisher =
        AgentEventPublisher.create(ClusterEvents.config(cluster, topic).build())) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      for (int r = 0; r < 12; r++) {
        AgentRun root = publisher.startRun("planner", "plan " + r);
        roots.add(root);
        List<Future<AgentRun>> subs = new ArrayList<>();
        for (int c = 0; c < 4; c++) {
          int index = c;
          subs.add(
              pool.submit(
                  () -> {
                    AgentRun child = root.startChildRun("worker-" + index, null);
                    AgentRun grandchild = child.startChildRun("helper", null);
                    RunStep step = grandchild.startStep("s", StepType.OTHER);
                    step.textDelta("work " + index);
                    step.finish(null);
                    grandchild.finish("helped");
                    child.finish("worked");
                    return child;
                  }));
        }
        for (Future<AgentRun> sub : subs) {
          children.add(sub.get());
        }
        root.finish("planned");
      }
      pool.shutdown();
      publisher.flush();
    }
    List<ConsumerRecord<String, AgentEvent>> records =
        ClusterEvents.readAll(cluster, topic, 12 * (2 + 4 * (2 + 5)));
    Map<String, List<AgentEvent>> streams = checkStreams(records);
    assertThat(streams).hasSize(12 * 9);
    Map<String, Integer> partitionOfWorkflow = new HashMap<>();
    records.forEach(r -> partitionOfWorkflow.put(r.value().getWorkflowId(), r.partition()));
    for (AgentRun child : children) {
      String parent = child.parentWorkflowId().orElseThrow();
      assertThat(partitionOfWorkflow.get(child.workflowId()))
          .isEqualTo(partitionOfWorkflow.get(parent))
          .isEqualTo(ClusterEvents.partitionOf(child.rootWorkflowId()));
      assertThat(streams.get(child.workflowId()).get(0).getParentWorkflowId()).isEqualTo(parent);
    }
    assertThat(TopicSpec.AGENT_EVENTS).isEqualTo(PublisherConfig.TOPIC_DEFAULT);
  }
}
