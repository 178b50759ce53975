package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.internal.CompatibilityGate;
import dev.runstream.schemas.internal.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

/**
 * Budgets through the gate: a reader of the WorkflowRun released before budgets reads a run that
 * crossed one (the field is skipped), and a Budget of a scope a newer writer added is read by
 * today's reader as UNKNOWN, which the topology refuses, instead of failing to decode.
 */
class BudgetEvolutionTest {
  static {
    GeneratedClassTrust.install();
  }

  private static final CompatibilityGate GATE = new CompatibilityGate(Path.of("released"));

  private static WorkflowRun crossedRun() {
    BudgetExceeded exceeded =
        BudgetExceeded.newBuilder()
            .setScope(BudgetScope.AGENT)
            .setKey("researcher")
            .setPeriod(BudgetPeriod.PER_RUN)
            .setMaxTokens(1000L)
            .setObservedTokens(1100)
            .setObservedCostUsd(new BigDecimal("0.011").setScale(12))
            .setWorkflowId("wf-1")
            .setRootWorkflowId("wf-1")
            .setSequence(22)
            .setRequestId("req-1")
            .setTimestamp(Instant.parse("2026-11-25T10:00:05Z"))
            .build();
    return WorkflowRun.newBuilder()
        .setWorkflowId("wf-1")
        .setRootWorkflowId("wf-1")
        .setStatus(RunStatus.RUNNING)
        .setEventCount(23)
        .setLastSequence(22)
        .setText("")
        .setStepUsage(SampleEvents.usage(1000, 100, "0.011"))
        .setUsage(SampleEvents.usage(1000, 100, "0.011"))
        .setBudgetExceeded(exceeded)
        .build();
  }

  @Test
  void shouldSkipBudgetExceededWhenTheRunReaderPredatesBudgets() throws Exception {
    List<CompatibilityGate.Released> history = GATE.history("dev.runstream.schemas.WorkflowRun");
    Schema previous = history.get(history.size() - 2).schema();
    assertThat(previous.getField("budget_exceeded")).isNull();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new SpecificDatumWriter<>(WorkflowRun.class).write(crossedRun(), encoder);
    encoder.flush();

    GenericRecord old =
        new GenericDatumReader<GenericRecord>(WorkflowRun.getClassSchema(), previous)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));

    assertThat(old.get("workflow_id")).hasToString("wf-1");
    assertThat(old.get("last_sequence")).isEqualTo(22L);
    assertThat(old.getSchema().getField("budget_exceeded")).isNull();
  }

  @Test
  void shouldReadAnUnknownScopeWhenANewerWriterAddsOne() throws Exception {
    Schema current = Budget.getClassSchema();
    Schema newerScope =
        SchemaBuilder.enumeration("BudgetScope")
            .namespace("dev.runstream.schemas")
            .defaultSymbol("UNKNOWN")
            .symbols("UNKNOWN", "TENANT", "AGENT", "MODEL");
    List<Schema.Field> fields =
        current.getFields().stream()
            .map(
                f ->
                    new Schema.Field(
                        f.name(),
                        f.name().equals("scope") ? newerScope : f.schema(),
                        f.doc(),
                        f.defaultVal()))
            .toList();
    Schema newer = Schema.createRecord("Budget", null, "dev.runstream.schemas", false, fields);
    assertThat(CompatibilityGate.incompatibilities(current, newer)).isEmpty();

    GenericRecord written = new GenericData.Record(newer);
    written.put("scope", new GenericData.EnumSymbol(newerScope, "MODEL"));
    written.put("key", "gpt-4o");
    written.put("max_tokens", 10L);
    written.put("max_cost_usd", null);
    written.put("period", new GenericData.EnumSymbol(newer.getField("period").schema(), "DAY"));
    written.put("updated_at", 0L);
    written.put("updated_by", null);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(bytes, null);
    new GenericDatumWriter<GenericRecord>(newer).write(written, encoder);
    encoder.flush();

    GenericRecord read =
        new GenericDatumReader<GenericRecord>(newer, current)
            .read(null, DecoderFactory.get().binaryDecoder(bytes.toByteArray(), null));
    assertThat(read.get("scope")).hasToString("UNKNOWN");
    assertThat(read.get("key")).hasToString("gpt-4o");
  }
}
