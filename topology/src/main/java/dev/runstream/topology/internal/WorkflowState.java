package dev.runstream.topology.internal;

import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.Usage;
import dev.runstream.schemas.WorkflowRun;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * What the runs store holds per workflow: the {@link WorkflowRun} without its text, and where the
 * text is: {@code textBytes} UTF-8 bytes in {@code textChunks} chunks of the text store.
 *
 * <p>The text lives apart so that a text delta rewrites one small chunk, not the whole run: a run
 * of 100,000 deltas and 1 MB of text costs O(text) to build, not O(text x deltas). Readers take the
 * header first, then the chunks, and cut the text at {@code textBytes}, because the processor
 * writes chunks before the header and chunks only grow: the text they return is exactly the one the
 * header describes.
 *
 * <p>Stored as a version byte, {@code textBytes} (8 bytes), {@code textChunks} (4 bytes), then the
 * run in plain Avro binary.
 */
public final class WorkflowState {
  private static final byte VERSION = 1;
  private static final int HEADER = 13;
  private static final AvroBinarySerde<WorkflowRun> RUNS = new AvroBinarySerde<>(WorkflowRun.class);

  /** Scale of {@code Usage.cost_usd}: Avro decimal(24,12). */
  public static final int COST_SCALE = 12;

  private final WorkflowRun run;
  private long textBytes;
  private int textChunks;

  public WorkflowState(WorkflowRun run, long textBytes, int textChunks) {
    this.run = run;
    this.textBytes = textBytes;
    this.textChunks = textChunks;
  }

  /** A workflow nothing has been applied to yet: RUNNING, last sequence -1, zero usage. */
  public static WorkflowState empty(String workflowId, String rootWorkflowId) {
    WorkflowRun run =
        WorkflowRun.newBuilder()
            .setWorkflowId(workflowId)
            .setRootWorkflowId(rootWorkflowId)
            .setStatus(RunStatus.RUNNING)
            .setEventCount(0)
            .setLastSequence(-1)
            .setText("")
            .setSteps(new ArrayList<>())
            .setToolResults(new ArrayList<>())
            .setGaps(new ArrayList<>())
            .setChildren(new ArrayList<>())
            .setStepUsage(zeroUsage())
            .setUsage(zeroUsage())
            .build();
    return new WorkflowState(run, 0, 0);
  }

  /** Usage of zero tokens and zero cost. */
  public static Usage zeroUsage() {
    return new Usage(0L, 0L, 0L, BigDecimal.ZERO.setScale(COST_SCALE));
  }

  /** The run, with an empty {@code text}; mutable, owned by whoever read this state. */
  public WorkflowRun run() {
    return run;
  }

  public long textBytes() {
    return textBytes;
  }

  public int textChunks() {
    return textChunks;
  }

  void setText(long bytes, int chunks) {
    this.textBytes = bytes;
    this.textChunks = chunks;
  }

  /** Whether no event of the workflow itself has been applied: a parent known only by a child. */
  public boolean isPlaceholder() {
    return run.getEventCount() == 0;
  }

  /** Whether the run finished or failed. */
  public boolean isTerminal() {
    return run.getStatus() != RunStatus.RUNNING;
  }

  /** The serde of the runs store. */
  public static Serde<WorkflowState> serde() {
    Serializer<WorkflowState> serializer =
        (topic, state) -> {
          if (state == null) {
            return null;
          }
          ByteArrayOutputStream out = new ByteArrayOutputStream(512);
          out.write(VERSION);
          byte[] header =
              ByteBuffer.allocate(12).putLong(state.textBytes).putInt(state.textChunks).array();
          out.write(header, 0, header.length);
          RUNS.encodeTo(state.run, out);
          return out.toByteArray();
        };
    Deserializer<WorkflowState> deserializer =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length < HEADER || data[0] != VERSION) {
            throw new SerializationException(
                "unsupported workflow state format (" + data.length + " bytes)");
          }
          ByteBuffer buffer = ByteBuffer.wrap(data, 1, 12);
          long bytes = buffer.getLong();
          int chunks = buffer.getInt();
          return new WorkflowState(RUNS.decode(data, HEADER, data.length - HEADER), bytes, chunks);
        };
    return new Serde<>() {
      @Override
      public Serializer<WorkflowState> serializer() {
        return serializer;
      }

      @Override
      public Deserializer<WorkflowState> deserializer() {
        return deserializer;
      }
    };
  }
}
