package dev.runstream.topology;

import static dev.runstream.topology.RunScript.attempt;
import static dev.runstream.topology.RunScript.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepRecord;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.WorkflowRun;
import dev.runstream.topology.InvalidEventException.Violation;
import dev.runstream.topology.internal.ChunkKey;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Attempt-aware text: a retried step's superseded attempts drop out of the materialized text. */
class StepRetryTopologyTest {
  @TempDir Path stateDir;
  TopologyHarness harness;

  @BeforeEach
  void start() {
    // The smallest chunks, so rewritten texts span several of them.
    harness = new TopologyHarness(stateDir, b -> b.set(TopologyConfig.TEXT_CHUNK_BYTES_CONFIG, 64));
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  private static String text(char c, int length) {
    return String.valueOf(c).repeat(length);
  }

  @Test
  void shouldDropSupersededTextWhenAStepIsRetriedMidRun() {
    RunScript run = RunScript.root("wf-r");
    String intro = "Intro é " + text('i', 70);
    harness.pipe(
        run.start(),
        run.stepStart("llm_1", StepType.LLM),
        run.delta("llm_1", intro),
        run.stepFinish("llm_1", null, 10, usage(1, 1, "0.01"), "gpt-a"),
        run.stepStart("llm_2", StepType.LLM),
        run.delta("llm_2", "FIRST-ATTEMPT " + text('x', 100)),
        run.delta("llm_2", " more of it"));
    harness.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(harness.runs.readValuesToList())
        .last()
        .satisfies(r -> assertThat(r.getText()).contains("FIRST-ATTEMPT"));

    harness.pipe(
        run.retry("llm_2", StepType.LLM, 2),
        attempt(2, run.delta("llm_2", "Second attempt. ")),
        attempt(2, run.stepFinish("llm_2", null, 30, usage(2, 2, "0.02"), "gpt-a")),
        run.stepStart("llm_3", StepType.LLM),
        run.delta("llm_3", "The end."));
    harness.driver.advanceWallClockTime(Duration.ofSeconds(1));
    assertThat(harness.runs.readValuesToList())
        .last()
        .satisfies(r -> assertThat(r.getText()).isEqualTo(intro + "Second attempt. The end."));
    harness.pipe(
        run.stepFinish("llm_3", null, 5, null, null),
        run.finish("done", 3, usage(3, 3, "0.03"), List.of()));

    WorkflowRun stored = harness.run("wf-r");
    assertThat(stored.getStatus()).isEqualTo(RunStatus.FINISHED);
    assertThat(stored.getText()).isEqualTo(intro + "Second attempt. The end.");
    assertThat(stored.getSteps())
        .extracting(StepRecord::getStepKey, StepRecord::getAttempts)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("llm_1", 1),
            org.assertj.core.groups.Tuple.tuple("llm_2", 2),
            org.assertj.core.groups.Tuple.tuple("llm_3", 1));
    assertThat(harness.runs.readValuesToList())
        .last()
        .satisfies(r -> assertThat(r.getText()).isEqualTo(intro + "Second attempt. The end."));
    assertThat(harness.metric("step-retries-total")).isEqualTo(1);
    assertThat(harness.deadLetters.isEmpty()).isTrue();
    assertThat(chunkKeys("wf-r"))
        .as("the replaced generation of chunks was deleted")
        .hasSize((stored.getText().getBytes(StandardCharsets.UTF_8).length + 63) / 64);
  }

  @Test
  void shouldKeepOtherStepsTextWhenTheRetriedStepIsInterleavedWithThem() {
    RunScript run = RunScript.root("wf-i");
    String a1 = "A1" + text('a', 50);
    String a2 = "A2" + text('a', 70);
    String a3 = "A3";
    harness.pipe(
        run.start(),
        run.stepStart("a", StepType.LLM),
        run.stepStart("b", StepType.LLM),
        run.delta("a", a1),
        run.delta("b", "B1" + text('b', 90)),
        run.delta("a", a2),
        run.delta("b", "B2"),
        run.retry("b", StepType.LLM, 2),
        run.delta("a", a3),
        attempt(2, run.delta("b", "B3")));
    assertThat(harness.run("wf-i").getText()).isEqualTo(a1 + a2 + a3 + "B3");

    harness.pipe(run.retry("b", StepType.LLM, 3), run.delta("a", "A4"));
    assertThat(harness.run("wf-i").getText()).isEqualTo(a1 + a2 + a3 + "A4");

    harness.pipe(attempt(3, run.delta("b", "B5")), run.retry("a", StepType.LLM, 2));
    assertThat(harness.run("wf-i").getText()).as("a's first attempt dropped").isEqualTo("B5");

    harness.pipe(
        attempt(2, run.delta("a", "A6")),
        attempt(3, run.stepFinish("b", null, 1, null, null)),
        attempt(2, run.stepFinish("a", null, 1, null, null)),
        run.finish("ok", 2, usage(0, 0, "0"), List.of()));
    WorkflowRun stored = harness.run("wf-i");
    assertThat(stored.getText()).isEqualTo("B5A6");
    assertThat(stored.getSteps()).extracting(StepRecord::getAttempts).containsExactly(2, 3);
    assertThat(harness.metric("step-retries-total")).isEqualTo(3);
  }

  @Test
  void shouldSupersedeEarlierAttemptsWhenANewerAttemptsStepStartIsInAGap() {
    RunScript run = RunScript.root("wf-g");
    harness.pipe(run.start(), run.stepStart("s", StepType.LLM), run.delta("s", "lost attempt "));
    run.skip(1); // the retry's step_start never arrives
    harness.pipe(attempt(2, run.delta("s", "kept")));

    WorkflowRun stored = harness.run("wf-g");
    assertThat(stored.getText()).isEqualTo("kept");
    assertThat(stored.getSteps().get(0).getAttempts()).isEqualTo(2);
    assertThat(stored.getGaps()).hasSize(1);
  }

  @Test
  void shouldSupersedeEarlierAttemptsWhenANewerAttemptFinishesAfterAGap() {
    RunScript run = RunScript.root("wf-f");
    harness.pipe(
        run.start(),
        run.stepStart("s", StepType.LLM),
        run.delta("s", "lost attempt"),
        run.stepStart("t", StepType.LLM),
        run.delta("t", "other step"));
    run.skip(1); // the retry's step_start never arrives
    harness.pipe(attempt(2, run.stepFinish("s", "out", 5, null, null)));

    WorkflowRun stored = harness.run("wf-f");
    assertThat(stored.getText()).isEqualTo("other step");
    assertThat(stored.getSteps().get(0).getAttempts()).isEqualTo(2);
    assertThat(stored.getSteps().get(0).getOutput()).isEqualTo("out");
  }

  @Test
  void shouldSendEventsOfSupersededAttemptsAndInvalidRetriesToDeadLetterTopic() {
    RunScript run = RunScript.root("wf-d");
    harness.pipe(
        run.start(),
        run.stepStart("s", StepType.LLM),
        run.delta("s", "old "),
        run.retry("s", StepType.LLM, 2),
        attempt(2, run.delta("s", "new")));
    long next = run.nextSequence();
    harness.pipe(
        run.event(next, new dev.runstream.schemas.TextDelta("s", "late delta of attempt 1")),
        run.event(next, new dev.runstream.schemas.ToolCall("s", "c1", "t", "{}")),
        run.event(next, new dev.runstream.schemas.StepFinish("s", null, 1L, null, null)),
        attempt(2, run.event(next, new dev.runstream.schemas.StepStart("s", StepType.LLM, null))),
        attempt(0, run.event(next, new dev.runstream.schemas.TextDelta("s", "x"))));
    harness.pipe(
        attempt(2, run.stepFinish("s", null, 1, null, null)), run.retry("s", StepType.LLM, 3));

    assertThat(harness.deadLetters.readRecordsToList())
        .extracting(StepRetryTopologyTest::detail)
        .containsExactly(
            Violation.SUPERSEDED_ATTEMPT.name(),
            Violation.SUPERSEDED_ATTEMPT.name(),
            Violation.SUPERSEDED_ATTEMPT.name(),
            Violation.DUPLICATE_STEP.name(),
            Violation.INVALID_ATTEMPT.name(),
            Violation.DUPLICATE_STEP.name());
    WorkflowRun stored = harness.run("wf-d");
    assertThat(stored.getText()).isEqualTo("new");
    assertThat(stored.getSteps().get(0).getAttempts()).isEqualTo(2);
    assertThat(stored.getToolResults()).isEmpty();
  }

  private List<ChunkKey> chunkKeys(String workflowId) {
    KeyValueStore<ChunkKey, byte[]> store =
        harness.driver.getKeyValueStore(WorkflowTopology.TEXT_STORE);
    List<ChunkKey> keys = new java.util.ArrayList<>();
    try (KeyValueIterator<ChunkKey, byte[]> it = store.all()) {
      while (it.hasNext()) {
        KeyValue<ChunkKey, byte[]> next = it.next();
        if (next.key.workflowId().equals(workflowId)) {
          keys.add(next.key);
        }
      }
    }
    return keys;
  }

  private static String detail(TestRecord<byte[], byte[]> record) {
    Header header = record.headers().lastHeader(DeadLetterHeaders.DETAIL);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
