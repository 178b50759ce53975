package dev.runstream.topology;

import static dev.runstream.topology.RunScript.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.SequenceGap;
import dev.runstream.schemas.StepRecord;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.WorkflowRun;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkflowTopologyTest {
  @TempDir Path stateDir;
  TopologyHarness harness;

  @BeforeEach
  void start() {
    harness = new TopologyHarness(stateDir);
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void shouldMaterializeEveryEventTypeWhenRunFinishes() {
    RunScript run = RunScript.root("wf-1");
    harness.pipe(
        run.start(),
        run.stepStart("llm_1", StepType.LLM),
        run.delta("llm_1", "It is "),
        run.delta("llm_1", "sunny ☀ "),
        run.toolCall("llm_1", "call_1", "get_weather", "{\"city\":\"Tokyo\"}"),
        run.stepFinish("llm_1", "{\"tool_calls\":1}", 812, usage(120, 30, "0.000036"), "gpt-a"),
        run.toolStepStart("get_weather", "call_1"),
        run.stepFinish("get_weather", "{\"temp\":21}", 40, null, null),
        run.stepStart("llm_2", StepType.LLM),
        run.delta("llm_2", "in Tokyo."),
        run.stepFinish("llm_2", "done", 300, usage(200, 10, "0.000050"), "gpt-a"),
        run.finish("It is sunny in Tokyo.", 3, usage(320, 40, "0.000086"), List.of()));

    WorkflowRun stored = harness.run("wf-1");
    assertThat(stored.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(stored.getText()).isEqualTo("It is sunny ☀ in Tokyo.");
    assertThat(stored.getAgentId()).isEqualTo("agent-wf-1");
    assertThat(stored.getRootWorkflowId()).isEqualTo("wf-1");
    assertThat(stored.getParentWorkflowId()).isNull();
    assertThat(stored.getTenantId()).isEqualTo("tenant-a");
    assertThat(stored.getStartedAt()).isEqualTo(RunScript.T0);
    assertThat(stored.getFinishedAt()).isEqualTo(RunScript.T0.plusMillis(110));
    assertThat(stored.getEventCount()).isEqualTo(12);
    assertThat(stored.getLastSequence()).isEqualTo(11);
    assertThat(stored.getOutput()).isEqualTo("It is sunny in Tokyo.");
    assertThat(stored.getTotalSteps()).isEqualTo(3);
    assertThat(stored.getGaps()).isEmpty();
    assertThat(stored.getError()).isNull();
    assertThat(stored.getFirstEventPartition()).isZero();
    assertThat(stored.getFirstEventOffset()).isZero();

    assertThat(stored.getSteps())
        .extracting(StepRecord::getStepKey, StepRecord::getStepType, StepRecord::getDurationMs)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("llm_1", StepType.LLM, 812L),
            org.assertj.core.groups.Tuple.tuple("get_weather", StepType.TOOL, 40L),
            org.assertj.core.groups.Tuple.tuple("llm_2", StepType.LLM, 300L));
    StepRecord tool = stored.getSteps().get(1);
    assertThat(tool.getToolCallId()).isEqualTo("call_1");
    assertThat(tool.getOutput()).isEqualTo("{\"temp\":21}");
    assertThat(stored.getSteps().get(0).getModel()).isEqualTo("gpt-a");
    assertThat(stored.getSteps().get(0).getUsage()).isEqualTo(usage(120, 30, "0.000036"));

    assertThat(stored.getToolResults())
        .containsExactly(
            new ToolResult("call_1", "get_weather", "{\"city\":\"Tokyo\"}", "{\"temp\":21}"));
    assertThat(stored.getStepUsage()).isEqualTo(usage(320, 40, "0.000086"));
    assertThat(stored.getReportedUsage()).isEqualTo(usage(320, 40, "0.000086"));
    assertThat(stored.getUsage()).isEqualTo(usage(320, 40, "0.000086"));

    List<TestRecord<String, WorkflowRun>> published = harness.runs.readRecordsToList();
    assertThat(published).hasSize(1);
    assertThat(published.get(0).key()).isEqualTo("wf-1");
    // Avro's generated equals() cannot compare nested timestamp logical types; toString can.
    assertThat(published.get(0).value().toString()).isEqualTo(stored.toString());
    assertThat(header(published.get(0), WorkflowTopology.RUN_FINAL_HEADER)).isEqualTo("true");
    assertThat(header(published.get(0), WorkflowTopology.RUN_STATUS_HEADER)).isEqualTo("FINISHED");
    assertThat(harness.metric("events-applied-total")).isEqualTo(12);
    assertThat(harness.metric("final-records-published-total")).isEqualTo(1);
  }

  @Test
  void shouldMarkRunFailedWhenErrorArrives() {
    RunScript run = RunScript.root("wf-err");
    harness.pipe(
        run.start(),
        run.stepStart("llm_1", StepType.LLM),
        run.delta("llm_1", "partial"),
        run.error("rate limited"));

    WorkflowRun stored = harness.run("wf-err");
    assertThat(stored.getStatus()).isEqualTo(RunStatus.FAILED);
    assertThat(stored.getError().getMessage()).isEqualTo("rate limited");
    assertThat(stored.getError().getErrorType()).isEqualTo("ProviderError");
    assertThat(stored.getError().getRetryable()).isTrue();
    assertThat(stored.getText()).isEqualTo("partial");
    assertThat(stored.getFinishedAt()).isNotNull();
    assertThat(stored.getReportedUsage()).isNull();
    assertThat(harness.runs.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.getStatus()).isEqualTo(RunStatus.FAILED));
  }

  @Test
  void shouldMarkRunCancelledWhenCancelledErrorArrives() {
    RunScript run = RunScript.root("wf-cancel");
    harness.pipe(
        run.start(),
        run.stepStart("llm_1", StepType.LLM),
        run.delta("llm_1", "half an ans"),
        run.cancelled("user pressed stop", "alice"));

    WorkflowRun stored = harness.run("wf-cancel");
    assertThat(stored.getStatus()).isEqualTo(RunStatus.CANCELLED);
    assertThat(stored.getCancellation().getReason()).isEqualTo("user pressed stop");
    assertThat(stored.getCancellation().getRequestedBy()).isEqualTo("alice");
    assertThat(stored.getCancellation().getRequestId()).isEqualTo("req-1");
    assertThat(stored.getError().getErrorType()).isEqualTo("cancelled");
    assertThat(stored.getFinishedAt()).isNotNull();
    assertThat(stored.getText()).isEqualTo("half an ans");
    List<TestRecord<String, WorkflowRun>> published = harness.runs.readRecordsToList();
    assertThat(published)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.value().getStatus()).isEqualTo(RunStatus.CANCELLED);
              assertThat(header(r, WorkflowTopology.RUN_FINAL_HEADER)).isEqualTo("true");
              assertThat(header(r, WorkflowTopology.RUN_STATUS_HEADER)).isEqualTo("CANCELLED");
            });
  }

  @Test
  void shouldIgnoreDuplicatesWhenSequenceIsAtOrBelowLastApplied() {
    RunScript run = RunScript.root("wf-dup");
    AgentEvent start = run.start();
    AgentEvent step = run.stepStart("s", StepType.LLM);
    AgentEvent a = run.delta("s", "a");
    AgentEvent b = run.delta("s", "b");
    harness.pipe(start, step, a, a, b, a, b, start, step);
    harness.pipe(run.delta("s", "c"));

    WorkflowRun stored = harness.run("wf-dup");
    assertThat(stored.getText()).isEqualTo("abc");
    assertThat(stored.getEventCount()).isEqualTo(5);
    assertThat(stored.getLastSequence()).isEqualTo(4);
    assertThat(stored.getGaps()).isEmpty();
    assertThat(harness.metric("duplicate-events-total")).isEqualTo(5);
    assertThat(harness.deadLetters.isEmpty()).isTrue();
  }

  @Test
  void shouldRecordGapAndKeepApplyingWhenSequencesAreMissing() {
    RunScript run = RunScript.root("wf-gap");
    harness.pipe(run.start(), run.stepStart("s", StepType.LLM), run.delta("s", "one "));
    run.skip(3); // sequences 3, 4, 5 are lost
    harness.pipe(run.delta("s", "five "));
    run.skip(1); // sequence 7 is lost
    harness.pipe(run.delta("s", "seven"));
    // A late event that would fill a gap is a duplicate: the text after it is already built.
    harness.pipe(run.event(4, new TextDelta("s", "late ")));

    WorkflowRun stored = harness.run("wf-gap");
    assertThat(stored.getGaps()).containsExactly(new SequenceGap(3L, 5L), new SequenceGap(7L, 7L));
    assertThat(stored.getText()).isEqualTo("one five seven");
    assertThat(stored.getLastSequence()).isEqualTo(8);
    assertThat(stored.getEventCount()).isEqualTo(5);
    assertThat(harness.metric("sequence-gaps-total")).isEqualTo(2);
    assertThat(harness.metric("missing-events-total")).isEqualTo(4);
    assertThat(harness.metric("duplicate-events-total")).isEqualTo(1);
  }

  @Test
  void shouldLinkChildrenInParentRecordsWhenSubWorkflowsStart() {
    RunScript root = RunScript.root("wf-root");
    harness.pipe(root.start(), root.stepStart("plan", StepType.LLM));
    RunScript child = root.child("wf-child", "researcher");
    RunScript other = root.child("wf-child-2", "writer");
    harness.pipe(child.start(), other.start(), child.delta("s", "child text"));
    RunScript grandchild = child.child("wf-grandchild", "searcher");
    harness.pipe(grandchild.start(), grandchild.finish("found", 0, usage(1, 1, "0"), List.of()));
    harness.pipe(child.finish("c", 1, usage(0, 0, "0"), List.of()), root.delta("plan", "root"));

    WorkflowRun rootRun = harness.run("wf-root");
    assertThat(rootRun.getChildren()).containsExactly("wf-child", "wf-child-2");
    assertThat(rootRun.getText()).isEqualTo("root");
    WorkflowRun childRun = harness.run("wf-child");
    assertThat(childRun.getParentWorkflowId()).isEqualTo("wf-root");
    assertThat(childRun.getRootWorkflowId()).isEqualTo("wf-root");
    assertThat(childRun.getAgentId()).isEqualTo("researcher");
    assertThat(childRun.getChildren()).containsExactly("wf-grandchild");
    assertThat(childRun.getText()).isEqualTo("child text");
    assertThat(childRun.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(harness.run("wf-grandchild").getParentWorkflowId()).isEqualTo("wf-child");
    // Every workflow's replay index points at its own first event on the shared partition.
    assertThat(rootRun.getFirstEventOffset()).isEqualTo(0);
    assertThat(childRun.getFirstEventOffset()).isEqualTo(2);
    assertThat(harness.run("wf-child-2").getFirstEventOffset()).isEqualTo(3);
    assertThat(harness.run("wf-grandchild").getFirstEventOffset()).isEqualTo(5);
  }

  @Test
  void shouldCreatePlaceholderParentWhenChildArrivesBeforeParent() {
    RunScript root = RunScript.root("wf-late-root");
    RunScript child = root.child("wf-early-child", "helper");
    harness.pipe(child.start(), child.delta("s", "x"));

    WorkflowRun placeholder = harness.run("wf-late-root");
    assertThat(placeholder.getChildren()).containsExactly("wf-early-child");
    assertThat(placeholder.getEventCount()).isZero();
    assertThat(placeholder.getLastSequence()).isEqualTo(-1);
    assertThat(placeholder.getAgentId()).isNull();
    assertThat(placeholder.getFirstEventOffset()).isEqualTo(-1);
    assertThat(harness.metric("placeholder-parents-total")).isEqualTo(1);

    harness.pipe(root.start(), root.stepStart("s", StepType.LLM), root.delta("s", "root"));
    WorkflowRun filled = harness.run("wf-late-root");
    assertThat(filled.getAgentId()).isEqualTo("agent-wf-late-root");
    assertThat(filled.getChildren()).containsExactly("wf-early-child");
    assertThat(filled.getEventCount()).isEqualTo(3);
    assertThat(filled.getStartedAt()).isNotNull();
    assertThat(filled.getFirstEventOffset()).isEqualTo(2);
    assertThat(filled.getGaps()).isEmpty();
  }

  @Test
  void shouldMaterializeUnknownWorkflowWithGapWhenItsFirstEventsAreMissing() {
    RunScript run = RunScript.root("wf-unknown");
    run.skip(5);
    harness.pipe(run.delta("s", "tail "), run.delta("s", "end"));

    WorkflowRun stored = harness.run("wf-unknown");
    assertThat(stored.getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(stored.getGaps()).containsExactly(new SequenceGap(0L, 4L));
    assertThat(stored.getText()).isEqualTo("tail end");
    assertThat(stored.getStartedAt()).isNull();
    assertThat(stored.getAgentId()).isEqualTo("agent-wf-unknown");
    assertThat(stored.getFirstEventOffset()).isZero();
    assertThat(harness.deadLetters.isEmpty()).isTrue();

    // A step whose start may sit in the gap is materialized from its finish.
    harness.pipe(run.stepFinish("s", "out", 50, usage(1, 2, "0.000001"), "m"));
    StepRecord step = harness.run("wf-unknown").getSteps().get(0);
    assertThat(step.getStepKey()).isEqualTo("s");
    assertThat(step.getStepType()).isEqualTo(StepType.OTHER);
    assertThat(step.getDurationMs()).isEqualTo(50);
  }

  @Test
  void shouldPreferReportedUsageWhenAgentFinishDisagreesWithStepSum() {
    RunScript run = RunScript.root("wf-usage");
    harness.pipe(
        run.start(),
        run.stepStart("a", StepType.LLM),
        run.stepFinish("a", null, 10, usage(100, 10, "0.001"), "m1"));
    assertThat(harness.run("wf-usage").getUsage())
        .as("until agent_finish, the step sum is all there is")
        .isEqualTo(usage(100, 10, "0.001"));

    harness.pipe(run.finish("ok", 1, usage(150, 12, "0.0015"), List.of()));
    WorkflowRun stored = harness.run("wf-usage");
    assertThat(stored.getStepUsage()).isEqualTo(usage(100, 10, "0.001"));
    assertThat(stored.getReportedUsage()).isEqualTo(usage(150, 12, "0.0015"));
    assertThat(stored.getUsage()).isEqualTo(usage(150, 12, "0.0015"));
    assertThat(stored.getUsage().getCostUsd().scale()).isEqualTo(12);
    assertThat(harness.metric("usage-mismatches-total")).isEqualTo(1);
  }

  @Test
  void shouldFillToolResultsFromAgentFinishWhenStepsDidNotReportThem() {
    RunScript run = RunScript.root("wf-tools");
    harness.pipe(
        run.start(),
        run.toolCall("llm", "call_a", "search", "{\"q\":1}"),
        run.toolCall("llm", "call_b", "fetch", "{\"u\":2}"),
        run.toolStepStart("search", "call_a"),
        run.stepFinish("search", "observed", 5, null, null),
        run.finish(
            "ok",
            2,
            usage(0, 0, "0"),
            List.of(
                new ToolResult("call_a", "search", "{\"q\":1}", "reported"),
                new ToolResult("call_b", "fetch", "{\"u\":2}", "from finish"),
                new ToolResult("call_c", "calc", null, "only reported"))));

    assertThat(harness.run("wf-tools").getToolResults())
        .containsExactly(
            new ToolResult("call_a", "search", "{\"q\":1}", "observed"),
            new ToolResult("call_b", "fetch", "{\"u\":2}", "from finish"),
            new ToolResult("call_c", "calc", null, "only reported"));
  }

  @Test
  void shouldKeepTextExactWhenRunHas100kDeltasAndOneMegabyteOfText() {
    RunScript run = RunScript.root("wf-long");
    harness.pipe(run.start(), run.stepStart("s", StepType.LLM));
    StringBuilder expected = new StringBuilder(1_100_000);
    long begin = System.nanoTime();
    for (int i = 0; i < 100_000; i++) {
      String delta = (i % 1000 == 0 ? "é" : "") + String.format("%09d ", i);
      expected.append(delta);
      harness.pipe(run.delta("s", delta));
    }
    harness.pipe(run.finish("done", 1, usage(1, 1, "0.01"), List.of()));
    Duration took = Duration.ofNanos(System.nanoTime() - begin);

    WorkflowRun stored = harness.run("wf-long");
    assertThat(expected.length()).isGreaterThanOrEqualTo(1_000_000);
    assertThat(stored.getText()).isEqualTo(expected.toString());
    assertThat(stored.getEventCount()).isEqualTo(100_003);
    List<WorkflowRun> published = harness.runs.readValuesToList();
    assertThat(published).singleElement();
    assertThat(published.get(0).getText()).isEqualTo(expected.toString());
    assertThat(took)
        .as("100k deltas must not cost quadratic time")
        .isLessThan(Duration.ofSeconds(60));
  }

  @Test
  void shouldPublishAtMostOneSnapshotPerIntervalWhenDeltasKeepArriving() {
    RunScript run = RunScript.root("wf-progress");
    harness.pipe(run.start(), run.stepStart("s", StepType.LLM));
    for (int i = 0; i < 500; i++) {
      harness.pipe(run.delta("s", "x"));
    }
    assertThat(harness.runs.isEmpty()).as("no snapshot before the interval elapses").isTrue();

    harness.driver.advanceWallClockTime(Duration.ofSeconds(1));
    List<TestRecord<String, WorkflowRun>> first = harness.runs.readRecordsToList();
    assertThat(first).hasSize(1);
    assertThat(first.get(0).value().getText()).hasSize(500);
    assertThat(first.get(0).value().getStatus()).isEqualTo(RunStatus.RUNNING);
    assertThat(header(first.get(0), WorkflowTopology.RUN_FINAL_HEADER)).isEqualTo("false");

    harness.driver.advanceWallClockTime(Duration.ofSeconds(5));
    assertThat(harness.runs.isEmpty()).as("nothing changed, nothing published").isTrue();

    harness.pipe(run.delta("s", "y"), run.finish("ok", 1, usage(0, 0, "0"), List.of()));
    assertThat(harness.runs.readValuesToList())
        .singleElement()
        .satisfies(r -> assertThat(r.getStatus()).isEqualTo(RunStatus.FINISHED));
    harness.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(harness.runs.isEmpty()).as("no snapshot after the final record").isTrue();
    assertThat(harness.metric("snapshots-published-total")).isEqualTo(1);
  }

  @Test
  void shouldPublishSnapshotOfParentWhenChildIsLinked() {
    RunScript root = RunScript.root("wf-p");
    harness.pipe(root.start());
    harness.driver.advanceWallClockTime(Duration.ofSeconds(1));
    harness.runs.readRecordsToList();
    harness.pipe(root.child("wf-c", "kid").start());
    harness.driver.advanceWallClockTime(Duration.ofSeconds(1));
    List<WorkflowRun> snapshots = harness.runs.readValuesToList();
    assertThat(snapshots)
        .extracting(WorkflowRun::getWorkflowId)
        .containsExactlyInAnyOrder("wf-p", "wf-c");
    assertThat(snapshots.stream().filter(r -> r.getWorkflowId().equals("wf-p")).findFirst())
        .hasValueSatisfying(r -> assertThat(r.getChildren()).containsExactly("wf-c"));
  }

  static String header(TestRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  static List<AgentEvent> deltas(RunScript run, int count) {
    List<AgentEvent> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(run.delta("s", "d" + i));
    }
    return out;
  }

  static Instant hour(int h, int minute) {
    return Instant.parse("2026-11-25T00:00:00Z")
        .plus(Duration.ofHours(h))
        .plusSeconds(60L * minute);
  }
}
