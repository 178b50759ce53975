package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.internal.CompatibilityGate;
import dev.runstream.schemas.internal.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build's compatibility gate: released history under schemas/released, checked both ways. */
class SchemaCompatibilityGateTest {
  /** The schemas published to topics; each has its released history. */
  static final List<Schema> PUBLISHED =
      List.of(
          AgentEvent.getClassSchema(),
          WorkflowRun.getClassSchema(),
          UsageAggregate.getClassSchema(),
          ControlCommand.getClassSchema(),
          PriceVersion.getClassSchema(),
          Budget.getClassSchema(),
          BudgetExceeded.getClassSchema());

  private static final Path RELEASED = Path.of("released");

  private static Schema v1() {
    return SchemaBuilder.record("Sample")
        .namespace("dev.runstream.test")
        .fields()
        .requiredString("id")
        .requiredLong("count")
        .endRecord();
  }

  @Test
  void shouldPassWhenCurrentSchemasMatchTheirReleasedHistory() {
    CompatibilityGate gate = new CompatibilityGate(RELEASED);
    if (Boolean.getBoolean("runstream.schemas.release")) {
      PUBLISHED.forEach(gate::release);
    }
    for (Schema schema : PUBLISHED) {
      assertThat(gate.check(schema)).as(schema.getFullName()).isEmpty();
    }
  }

  @Test
  void shouldReadAttemptOneWhenAnEventWasWrittenBeforeTheAttemptField() throws Exception {
    GeneratedClassTrust.install();
    Schema v1 =
        new Schema.Parser()
            .parse(
                RELEASED
                    .resolve(AgentEvent.getClassSchema().getFullName())
                    .resolve("v1.avsc")
                    .toFile());
    assertThat(v1.getField("attempt")).isNull();
    AgentEvent current = SampleEvents.agentStart();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    GenericRecord old = new GenericData.Record(v1);
    for (Schema.Field f : v1.getFields()) {
      old.put(f.name(), GenericData.get().deepCopy(f.schema(), current.get(f.name())));
    }
    new GenericDatumWriter<GenericRecord>(v1, SpecificData.get()).write(old, encoder);
    encoder.flush();

    AgentEvent read =
        new SpecificDatumReader<AgentEvent>(v1, AgentEvent.getClassSchema())
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertThat(read.getAttempt()).isEqualTo(1);
    assertThat(read.getEventId()).isEqualTo(current.getEventId());
  }

  @Test
  void shouldAcceptWhenAFieldIsAddedWithADefault() {
    Schema v2 =
        SchemaBuilder.record("Sample")
            .namespace("dev.runstream.test")
            .fields()
            .requiredString("id")
            .requiredLong("count")
            .name("attempt")
            .type()
            .intType()
            .intDefault(1)
            .endRecord();

    assertThat(CompatibilityGate.incompatibilities(v1(), v2)).isEmpty();
  }

  @Test
  void shouldRejectWhenAFieldIsAddedWithoutADefault() {
    Schema v2 =
        SchemaBuilder.record("Sample")
            .namespace("dev.runstream.test")
            .fields()
            .requiredString("id")
            .requiredLong("count")
            .requiredInt("attempt")
            .endRecord();

    assertThat(CompatibilityGate.incompatibilities(v1(), v2))
        .singleElement()
        .asString()
        .contains("not BACKWARD compatible", "attempt");
  }

  @Test
  void shouldRejectWhenAFieldChangesType() {
    Schema v2 =
        SchemaBuilder.record("Sample")
            .namespace("dev.runstream.test")
            .fields()
            .requiredString("id")
            .requiredString("count")
            .endRecord();

    assertThat(CompatibilityGate.incompatibilities(v1(), v2))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("BACKWARD"))
        .anySatisfy(p -> assertThat(p).contains("FORWARD"));
  }

  @Test
  void shouldFailTheGateWhenACompatibleChangeIsNotReleased(@TempDir Path released) {
    CompatibilityGate gate = new CompatibilityGate(released);
    gate.release(v1());
    Schema v2 =
        SchemaBuilder.record("Sample")
            .namespace("dev.runstream.test")
            .fields()
            .requiredString("id")
            .requiredLong("count")
            .optionalString("note")
            .endRecord();

    assertThat(gate.check(v2)).singleElement().asString().contains("not released", "v2.avsc");

    Path written = gate.release(v2);
    assertThat(written.getFileName()).hasToString("v2.avsc");
    assertThat(gate.check(v2)).isEmpty();
  }

  @Test
  void shouldFailTheGateWhenAnIncompatibleVersionIsInTheHistory(@TempDir Path released)
      throws Exception {
    CompatibilityGate gate = new CompatibilityGate(released);
    gate.release(v1());
    Schema broken =
        SchemaBuilder.record("Sample")
            .namespace("dev.runstream.test")
            .fields()
            .requiredString("id")
            .endRecord();
    Files.writeString(
        released.resolve("dev.runstream.test.Sample").resolve("v2.avsc"), broken.toString(true));

    assertThat(gate.check(broken)).anySatisfy(p -> assertThat(p).contains("v2", "FORWARD"));
  }

  @Test
  void shouldFailTheGateWhenASchemaHasNoReleasedVersion(@TempDir Path released) {
    assertThat(new CompatibilityGate(released).check(v1()))
        .singleElement()
        .asString()
        .contains("no released version");
  }
}
