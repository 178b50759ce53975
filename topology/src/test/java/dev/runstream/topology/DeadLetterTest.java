package dev.runstream.topology;

import static dev.runstream.topology.RunScript.usage;
import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.StepType;
import dev.runstream.topology.InvalidEventException.Violation;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterTest {
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

  // The deserialization handler's dead letters are asserted on the real broker (TopologyIT) and
  // on the handler itself (DeadLetterHandlersTest): TopologyTestDriver 4.2 does not capture
  // dead-letter records produced during deserialization, only those of processing failures.

  @Test
  void shouldSkipNonAvroBytesAndKeepGoingWhenDeserializationFails() {
    RunScript run = RunScript.root("wf-1");
    harness.pipe(run.start());
    harness.rawEvents.pipeInput("wf-1", "this is not avro".getBytes(StandardCharsets.UTF_8));
    byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(4711).putInt(0x01020304).array();
    harness.rawEvents.pipeInput("wf-1", unknownId);
    byte[] valid =
        harness
            .serdes
            .events()
            .serializer()
            .serialize("agent-events", run.event(0, new dev.runstream.schemas.TextDelta("s", "x")));
    harness.rawEvents.pipeInput("wf-1", java.util.Arrays.copyOf(valid, valid.length - 7));
    harness.pipe(run.stepStart("s", StepType.LLM), run.delta("s", "still running"));

    assertThat(harness.run("wf-1").getText())
        .as("the application kept going")
        .isEqualTo("still running");
    assertThat(harness.run("wf-1").getGaps()).isEmpty();
    assertThat(harness.topology.metricValues())
        .containsEntry("dead-letter-records-total{reason=MALFORMED_RECORD}", 2.0)
        .containsEntry("dead-letter-records-total{reason=UNKNOWN_SCHEMA}", 1.0);
  }

  @Test
  void shouldSendEventToDeadLetterTopicWhenItArrivesAfterTheRunFinished() {
    RunScript run = RunScript.root("wf-done");
    harness.pipe(
        run.start(),
        run.stepStart("s", StepType.LLM),
        run.delta("s", "final text"),
        run.finish("ok", 1, usage(1, 1, "0.1"), List.of()));
    AgentEvent late = run.delta("s", " and more");
    harness.pipe(late);

    TestRecord<byte[], byte[]> letter = harness.deadLetters.readRecord();
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("INVALID_EVENT");
    assertThat(header(letter, DeadLetterHeaders.DETAIL)).isEqualTo("AFTER_TERMINAL");
    assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("processing");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("4");
    assertThat(header(letter, DeadLetterHeaders.EXCEPTION_CLASS))
        .isEqualTo(InvalidEventException.class.getName());
    AgentEvent original = harness.serdes.events().deserializer().deserialize("x", letter.value());
    assertThat(original.getEventId()).isEqualTo(late.getEventId());
    assertThat(harness.run("wf-done").getText()).isEqualTo("final text");
    assertThat(harness.run("wf-done").getLastSequence()).isEqualTo(3);
    assertThat(harness.runs.readValuesToList()).hasSize(1);
  }

  @Test
  void shouldSendEachStateMachineViolationToDeadLetterTopicAndKeepTheRunIntact() {
    RunScript run = RunScript.root("wf-v");
    harness.pipe(run.start(), run.stepStart("s", StepType.LLM), run.toolCall("s", "c1", "t", "{}"));
    long next = run.nextSequence();
    AgentEvent secondStart =
        run.event(next, new dev.runstream.schemas.AgentStart(null, java.util.Map.of()));
    AgentEvent duplicateStep =
        run.event(next, new dev.runstream.schemas.StepStart("s", StepType.LLM, null));
    AgentEvent unknownStep =
        run.event(next, new dev.runstream.schemas.StepFinish("nope", null, 1L, null, null));
    AgentEvent duplicateCall =
        run.event(next, new dev.runstream.schemas.ToolCall("s", "c1", "t", "{}"));
    harness.pipe(secondStart, duplicateStep, unknownStep, duplicateCall);
    harness.events.pipeInput(
        "wrong-key", run.event(next, new dev.runstream.schemas.TextDelta("s", "x")));
    AgentEvent otherAgent =
        AgentEvent.newBuilder(run.event(next, new dev.runstream.schemas.TextDelta("s", "x")))
            .setAgentId("impostor")
            .build();
    harness.pipe(otherAgent);
    harness.pipe(run.stepFinish("s", "done", 5, null, null));
    harness.pipe(run.stepFinish("s", "again", 5, null, null));

    assertThat(harness.deadLetters.readRecordsToList())
        .extracting(r -> header(r, DeadLetterHeaders.DETAIL))
        .containsExactly(
            Violation.DUPLICATE_START.name(),
            Violation.DUPLICATE_STEP.name(),
            Violation.UNKNOWN_STEP.name(),
            Violation.DUPLICATE_TOOL_CALL.name(),
            Violation.KEY_MISMATCH.name(),
            Violation.IDENTITY_MISMATCH.name(),
            Violation.STEP_ALREADY_FINISHED.name());
    var stored = harness.run("wf-v");
    assertThat(stored.getSteps()).hasSize(1);
    assertThat(stored.getSteps().get(0).getOutput()).isEqualTo("done");
    assertThat(stored.getToolResults()).hasSize(1);
    assertThat(stored.getGaps()).isEmpty();
    assertThat(stored.getLastSequence()).isEqualTo(3);
    assertThat(harness.metric("dead-letter-records-total")).isEqualTo(7);
  }

  @Test
  void shouldSendEnvelopeViolationsToDeadLetterTopic() {
    RunScript run = RunScript.root("wf-e");
    AgentEvent rootWithParent =
        AgentEvent.newBuilder(run.start()).setParentWorkflowId("someone").build();
    AgentEvent negative = AgentEvent.newBuilder(run.start()).setSequence(-3).build();
    harness.pipe(rootWithParent, negative);
    harness.rawEvents.pipeInput("wf-e", (byte[]) null);
    assertThat(harness.deadLetters.readRecordsToList())
        .extracting(r -> header(r, DeadLetterHeaders.DETAIL))
        .containsExactly(
            Violation.INVALID_ENVELOPE.name(),
            Violation.INVALID_ENVELOPE.name(),
            Violation.NULL_EVENT.name());
    assertThat(harness.run("wf-e")).isNull();
  }

  static String header(TestRecord<?, ?> record, String name) {
    Header header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
