package dev.runstream.topology.internal;

import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.Usage;
import dev.runstream.schemas.WorkflowRun;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
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
 * <h2>Retried steps</h2>
 *
 * When a step is retried, the text of its superseded attempt drops out. The state keeps, for each
 * open step, the byte ranges of the text its current attempt wrote ({@link #openRanges()}); a retry
 * rewrites the text without them into a fresh generation of chunks, starting at chunk index {@code
 * textBase}, and keeps the previous generation until the workflow's next event ({@code stale*}), so
 * a reader that took the header before the rewrite still finds the chunks it describes. Finished
 * steps cannot be retried, so their ranges are forgotten.
 *
 * <p>Stored as a version byte, {@code textBytes} (8 bytes), {@code textChunks} (4 bytes), then (in
 * version 2) {@code textBase}, {@code staleBase}, {@code staleChunks} (4 bytes each) and the open
 * ranges (a count, then per step its UTF-8 key with its length and its ranges as start/end longs
 * with their count), then the run in plain Avro binary. Version 1 states read with no retries.
 */
public final class WorkflowState {
  private static final byte VERSION_1 = 1;
  private static final byte VERSION = 2;
  private static final int HEADER_1 = 13;
  private static final AvroBinarySerde<WorkflowRun> RUNS = new AvroBinarySerde<>(WorkflowRun.class);

  /** Scale of {@code Usage.cost_usd}: Avro decimal(24,12). */
  public static final int COST_SCALE = 12;

  private final WorkflowRun run;
  private long textBytes;
  private int textChunks;
  private int textBase;
  private int staleBase;
  private int staleChunks;
  private final Map<String, long[]> openRanges;

  public WorkflowState(WorkflowRun run, long textBytes, int textChunks) {
    this(run, textBytes, textChunks, 0, 0, 0, new LinkedHashMap<>());
  }

  private WorkflowState(
      WorkflowRun run,
      long textBytes,
      int textChunks,
      int textBase,
      int staleBase,
      int staleChunks,
      Map<String, long[]> openRanges) {
    this.run = run;
    this.textBytes = textBytes;
    this.textChunks = textChunks;
    this.textBase = textBase;
    this.staleBase = staleBase;
    this.staleChunks = staleChunks;
    this.openRanges = openRanges;
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

  /**
   * The chunk index of the text's first chunk: the chunks are {@code textBase + 0..textChunks-1}.
   */
  public int textBase() {
    return textBase;
  }

  void setText(long bytes, int chunks) {
    this.textBytes = bytes;
    this.textChunks = chunks;
  }

  /** The chunks of the text generation a retry replaced, to delete at the next event. */
  int staleBase() {
    return staleBase;
  }

  int staleChunks() {
    return staleChunks;
  }

  /** Forgets the stale generation once its chunks are deleted. */
  void clearStale() {
    staleBase = 0;
    staleChunks = 0;
  }

  /**
   * Replaces the text with a new generation of {@code chunks} chunks from {@code base}; the current
   * one becomes stale.
   */
  void replaceText(int base, long bytes, int chunks) {
    staleBase = textBase;
    staleChunks = textChunks;
    textBase = base;
    textBytes = bytes;
    textChunks = chunks;
  }

  /**
   * Byte ranges of the text written by the current attempt of each open step, flattened as
   * start/end pairs (end exclusive), in text order; mutable.
   */
  Map<String, long[]> openRanges() {
    return openRanges;
  }

  /** Records that the open step {@code stepKey} wrote the bytes {@code [start, end)}. */
  void addRange(String stepKey, long start, long end) {
    long[] ranges = openRanges.get(stepKey);
    if (ranges != null && ranges[ranges.length - 1] == start) {
      ranges[ranges.length - 1] = end;
      return;
    }
    long[] grown = ranges == null ? new long[2] : Arrays.copyOf(ranges, ranges.length + 2);
    grown[grown.length - 2] = start;
    grown[grown.length - 1] = end;
    openRanges.put(stepKey, grown);
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
          int rangesSize = 4;
          for (Map.Entry<String, long[]> e : state.openRanges.entrySet()) {
            rangesSize += 8 + e.getKey().getBytes(StandardCharsets.UTF_8).length;
            rangesSize += 8 * e.getValue().length;
          }
          ByteBuffer header =
              ByteBuffer.allocate(24 + rangesSize)
                  .putLong(state.textBytes)
                  .putInt(state.textChunks)
                  .putInt(state.textBase)
                  .putInt(state.staleBase)
                  .putInt(state.staleChunks)
                  .putInt(state.openRanges.size());
          for (Map.Entry<String, long[]> e : state.openRanges.entrySet()) {
            byte[] key = e.getKey().getBytes(StandardCharsets.UTF_8);
            header.putInt(key.length).put(key).putInt(e.getValue().length);
            for (long offset : e.getValue()) {
              header.putLong(offset);
            }
          }
          out.write(header.array(), 0, header.position());
          RUNS.encodeTo(state.run, out);
          return out.toByteArray();
        };
    Deserializer<WorkflowState> deserializer =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          if (data.length < HEADER_1 || (data[0] != VERSION && data[0] != VERSION_1)) {
            throw new SerializationException(
                "unsupported workflow state format (" + data.length + " bytes)");
          }
          ByteBuffer buffer = ByteBuffer.wrap(data, 1, data.length - 1);
          long bytes = buffer.getLong();
          int chunks = buffer.getInt();
          if (data[0] == VERSION_1) {
            return new WorkflowState(
                RUNS.decode(data, HEADER_1, data.length - HEADER_1), bytes, chunks);
          }
          try {
            int base = buffer.getInt();
            int staleBase = buffer.getInt();
            int staleChunks = buffer.getInt();
            int steps = buffer.getInt();
            Map<String, long[]> ranges = new LinkedHashMap<>();
            for (int s = 0; s < steps; s++) {
              byte[] key = new byte[buffer.getInt()];
              buffer.get(key);
              long[] offsets = new long[buffer.getInt()];
              for (int i = 0; i < offsets.length; i++) {
                offsets[i] = buffer.getLong();
              }
              ranges.put(new String(key, StandardCharsets.UTF_8), offsets);
            }
            int start = buffer.position();
            return new WorkflowState(
                RUNS.decode(data, start, data.length - start),
                bytes,
                chunks,
                base,
                staleBase,
                staleChunks,
                ranges);
          } catch (java.nio.BufferUnderflowException | NegativeArraySizeException e) {
            throw new SerializationException(
                "truncated workflow state (" + data.length + " bytes)", e);
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
