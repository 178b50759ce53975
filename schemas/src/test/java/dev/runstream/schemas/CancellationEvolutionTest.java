package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.internal.CompatibilityGate;
import dev.runstream.schemas.internal.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.junit.jupiter.api.Test;

/**
 * Why cancellation is shaped as it is: readers of the released v1 schemas read cancelled events and
 * runs written with the current ones (an ordinary error, the enum's default), and the alternative,
 * a new payload union branch, is refused by the gate.
 */
class CancellationEvolutionTest {
  static {
    GeneratedClassTrust.install();
  }

  private static final CompatibilityGate GATE = new CompatibilityGate(Path.of("released"));

  private static Schema v1(String fullName) {
    return GATE.history(fullName).get(0).schema();
  }

  private static <T extends SpecificRecord> GenericRecord readWithOldSchema(T record, Schema old)
      throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    @SuppressWarnings("unchecked")
    SpecificDatumWriter<T> writer = new SpecificDatumWriter<>((Class<T>) record.getClass());
    writer.write(record, encoder);
    encoder.flush();
    return new GenericDatumReader<GenericRecord>(record.getSchema(), old)
        .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
  }

  private static AgentEvent cancelledEvent() {
    return SampleEvents.event(
        4,
        AgentError.newBuilder()
            .setMessage("cancelled by alice: user pressed stop")
            .setErrorType(EventType.CANCELLED_ERROR_TYPE)
            .setRetryable(false)
            .setStepKey(null)
            .setCancellation(new Cancellation("user pressed stop", "alice", "gateway", "req-1"))
            .build());
  }

  @Test
  void shouldReadACancelledEventAsAnErrorOfTypeCancelledWhenTheReaderPredatesCancellation()
      throws Exception {
    GenericRecord old = readWithOldSchema(cancelledEvent(), v1("dev.runstream.schemas.AgentEvent"));
    GenericRecord payload = (GenericRecord) old.get("payload");
    assertThat(payload.getSchema().getName()).isEqualTo("AgentError");
    assertThat(payload.get("error_type")).hasToString("cancelled");
    assertThat(payload.get("message")).hasToString("cancelled by alice: user pressed stop");
    assertThat(payload.getSchema().getField("cancellation")).isNull();
  }

  @Test
  void shouldReadACancelledRunAsTheEnumDefaultWithItsErrorWhenTheReaderPredatesCancellation()
      throws Exception {
    WorkflowRun run =
        WorkflowRun.newBuilder()
            .setWorkflowId("wf-1")
            .setRootWorkflowId("wf-1")
            .setStatus(RunStatus.CANCELLED)
            .setFinishedAt(Instant.parse("2026-11-25T10:00:05Z"))
            .setEventCount(5)
            .setLastSequence(4)
            .setText("half")
            .setStepUsage(SampleEvents.usage(0, 0, "0"))
            .setUsage(SampleEvents.usage(0, 0, "0"))
            .setError(new RunError("cancelled by alice", "cancelled", false, null))
            .setCancellation(new Cancellation("user pressed stop", "alice", "gateway", "req-1"))
            .build();
    GenericRecord old = readWithOldSchema(run, v1("dev.runstream.schemas.WorkflowRun"));
    assertThat(old.get("status")).hasToString("RUNNING");
    assertThat(old.get("finished_at")).isNotNull();
    assertThat(((GenericRecord) old.get("error")).get("error_type")).hasToString("cancelled");
  }

  @Test
  void shouldRejectANewPayloadUnionBranchWhenCheckedBothWays() {
    Schema current = AgentEvent.getClassSchema();
    Schema cancelled =
        Schema.createRecord("AgentCancelled", null, "dev.runstream.schemas", false, List.of());
    List<Schema> branches =
        new java.util.ArrayList<>(current.getField("payload").schema().getTypes());
    branches.add(cancelled);
    List<Schema.Field> fields =
        current.getFields().stream()
            .map(
                f ->
                    new Schema.Field(
                        f.name(),
                        f.name().equals("payload") ? Schema.createUnion(branches) : f.schema(),
                        f.doc(),
                        f.defaultVal()))
            .toList();
    Schema withBranch =
        Schema.createRecord(current.getName(), null, current.getNamespace(), false, fields);

    assertThat(CompatibilityGate.incompatibilities(current, withBranch))
        .singleElement()
        .asString()
        .contains("not FORWARD compatible", "MISSING_UNION_BRANCH");
  }
}
