package dev.runstream.topology.internal;

import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.PriceSource;
import dev.runstream.schemas.RunError;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.SequenceGap;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepRecord;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.UsageDimension;
import dev.runstream.schemas.WorkflowRun;
import dev.runstream.topology.WorkflowTopology;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Applies agent events to per-workflow state and forwards run records and usage contributions. See
 * {@link WorkflowTopology} for the policies (duplicates, gaps, unknown workflows, children, usage,
 * snapshots); {@link EventRules} for what is refused.
 *
 * <p>State per workflow id: the run header in {@link WorkflowTopology#RUNS_STORE}, the text in
 * chunks in {@link WorkflowTopology#TEXT_STORE}, and, while a progress snapshot is due, an entry in
 * {@link WorkflowTopology#PENDING_SNAPSHOTS_STORE}. All three are changelogged, so under
 * exactly-once they move together with the input offsets and the output records.
 */
public final class WorkflowProcessor
    implements Processor<String, AgentEvent, String, ProcessorOutput> {
  private static final Logger log = LoggerFactory.getLogger(WorkflowProcessor.class);
  private static final AvroBinarySerde<WorkflowRun> RUN_SIZE =
      new AvroBinarySerde<>(WorkflowRun.class);

  /** Settings of the processor. */
  public record Settings(int textChunkBytes, Duration snapshotInterval, int maxRunRecordBytes) {}

  private final Settings settings;
  private final TopologyMetrics metrics;
  private final PriceLedger.Reader priceReader;
  private final Function<ProcessorContext<?, ?>, BudgetGuard> guards;
  private BudgetGuard guard;
  private ProcessorContext<String, ProcessorOutput> context;
  private KeyValueStore<String, WorkflowState> runs;
  private KeyValueStore<ChunkKey, byte[]> text;
  private KeyValueStore<String, Long> pending;
  private PriceLedger prices;

  /**
   * A processor that prices step usage ({@link PriceLedger}) and, when {@code guards} is given,
   * checks budgets after each applied event ({@link BudgetGuard}).
   *
   * @param guards makes the budget check from this processor's context; null for none
   */
  public WorkflowProcessor(
      Settings settings,
      TopologyMetrics metrics,
      PriceLedger.Reader priceReader,
      Function<ProcessorContext<?, ?>, BudgetGuard> guards) {
    this.settings = settings;
    this.metrics = metrics;
    this.priceReader = priceReader;
    this.guards = guards;
  }

  @Override
  public void init(ProcessorContext<String, ProcessorOutput> context) {
    this.context = context;
    this.runs = context.getStateStore(WorkflowTopology.RUNS_STORE);
    this.text = context.getStateStore(WorkflowTopology.TEXT_STORE);
    this.pending = context.getStateStore(WorkflowTopology.PENDING_SNAPSHOTS_STORE);
    this.prices = priceReader.open(context, metrics);
    this.guard = guards == null ? null : guards.apply(context);
    if (snapshotsEnabled()) {
      context.schedule(
          settings.snapshotInterval(), PunctuationType.WALL_CLOCK_TIME, this::publishSnapshots);
    }
  }

  private boolean snapshotsEnabled() {
    return !settings.snapshotInterval().isZero();
  }

  @Override
  public void process(Record<String, AgentEvent> record) {
    AgentEvent event = record.value();
    EventRules.checkEnvelope(record.key(), event);
    String id = event.getWorkflowId();
    long sequence = event.getSequence();
    WorkflowState state = runs.get(id);
    if (state != null && sequence <= state.run().getLastSequence()) {
      metrics.duplicate();
      return;
    }
    EventRules.checkApplicable(state, event);

    // From here on the event is applied; nothing below refuses it.
    boolean created = state == null;
    if (created) {
      state = WorkflowState.empty(id, event.getRootWorkflowId());
    }
    WorkflowRun run = state.run();
    if (state.isPlaceholder()) {
      adoptIdentity(run, event);
    } else if (run.getTenantId() == null && event.getTenantId() != null) {
      run.put("tenant_id", event.getTenantId());
    }
    long expected = run.getLastSequence() + 1;
    if (sequence > expected) {
      run.getGaps().add(new SequenceGap(expected, sequence - 1));
      metrics.gap(sequence - expected);
    }
    // The generation a retry replaced: readers have had an event's time to finish with it.
    deleteStale(id, state);
    Usage usageBefore = run.getUsage();
    List<UsageAggregate> usage = apply(id, state, event);
    List<ProcessorOutput> budgetOutputs =
        guard == null ? List.of() : guard.afterApply(run, event, usageBefore);
    run.put("last_sequence", sequence);
    run.put("event_count", run.getEventCount() + 1);
    runs.put(id, state);
    metrics.applied();

    if (created && event.getParentWorkflowId() != null) {
      linkToParent(event);
    }
    if (state.isTerminal()) {
      publish(id, state, true, record.timestamp());
      if (snapshotsEnabled()) {
        pending.delete(id);
      }
    } else if (snapshotsEnabled()) {
      pending.put(id, record.timestamp());
    }
    for (UsageAggregate contribution : usage) {
      String key = UsageKeys.groupKey(contribution.getDimension(), contribution.getKey());
      context.forward(
          new Record<>(
              key, ProcessorOutput.usage(contribution), record.timestamp(), new RecordHeaders()));
    }
    for (ProcessorOutput output : budgetOutputs) {
      String key = output.isBreach() ? id : output.delta().tenantId();
      context.forward(new Record<>(key, output, record.timestamp(), new RecordHeaders()));
    }
  }

  private void adoptIdentity(WorkflowRun run, AgentEvent event) {
    run.put("agent_id", event.getAgentId());
    run.put("parent_workflow_id", event.getParentWorkflowId());
    run.put("tenant_id", event.getTenantId());
    if (run.getFirstEventPartition() < 0) {
      RecordMetadata metadata = context.recordMetadata().orElse(null);
      if (metadata != null) {
        run.put("first_event_partition", metadata.partition());
        run.put("first_event_offset", metadata.offset());
      }
    }
  }

  /** Applies the payload; returns the usage contributions to aggregate. */
  private List<UsageAggregate> apply(String id, WorkflowState state, AgentEvent event) {
    WorkflowRun run = state.run();
    Object payload = event.getPayload();
    Instant at = event.getTimestamp();
    if (payload instanceof AgentStart) {
      run.put("started_at", at);
    } else if (payload instanceof StepStart start) {
      StepRecord known = EventRules.findStep(run, start.getStepKey());
      if (known != null) {
        // A retry (EventRules allows no other repeated step_start).
        retry(id, state, known, event.getAttempt());
      } else {
        run.getSteps()
            .add(
                StepRecord.newBuilder()
                    .setStepKey(start.getStepKey())
                    .setStepType(start.getStepType())
                    .setStartedAt(at)
                    .setToolCallId(start.getToolCallId())
                    .setAttempts(event.getAttempt())
                    .build());
      }
    } else if (payload instanceof TextDelta delta) {
      StepRecord step = supersedeIfNewer(id, state, delta.getStepKey(), event);
      long before = state.textBytes();
      appendText(id, state, delta.getContent().getBytes(StandardCharsets.UTF_8));
      if (step != null && step.getFinishedAt() == null && state.textBytes() > before) {
        state.addRange(delta.getStepKey(), before, state.textBytes());
      }
    } else if (payload instanceof ToolCall call) {
      supersedeIfNewer(id, state, call.getStepKey(), event);
      run.getToolResults()
          .add(new ToolResult(call.getCallId(), call.getToolName(), call.getArguments(), null));
    } else if (payload instanceof StepFinish finish) {
      supersedeIfNewer(id, state, finish.getStepKey(), event);
      return finishStep(state, event, finish);
    } else if (payload instanceof AgentFinish finish) {
      run.put("status", RunStatus.FINISHED);
      run.put("finished_at", at);
      run.put("output", finish.getOutput());
      run.put("total_steps", finish.getTotalSteps());
      run.put("reported_usage", finish.getUsage());
      run.put("usage", authoritative(run, finish.getUsage()));
      mergeToolResults(run, finish.getToolResults());
      if (!sameUsage(run.getUsage(), run.getStepUsage())) {
        metrics.usageMismatch();
        log.debug(
            "Workflow {}: agent_finish usage {} differs from the step sum {}; the reported"
                + " usage wins",
            id,
            finish.getUsage(),
            run.getStepUsage());
      }
    } else if (payload instanceof AgentError error) {
      // A cancelled run ends with an error that carries its cancellation: its own status.
      run.put("status", error.getCancellation() != null ? RunStatus.CANCELLED : RunStatus.FAILED);
      run.put("cancellation", error.getCancellation());
      run.put("finished_at", at);
      run.put(
          "error",
          new RunError(
              error.getMessage(), error.getErrorType(), error.getRetryable(), error.getStepKey()));
    }
    return List.of();
  }

  private List<UsageAggregate> finishStep(
      WorkflowState state, AgentEvent event, StepFinish finish) {
    WorkflowRun run = state.run();
    Instant at = event.getTimestamp();
    // A finished step cannot be retried: its text is final.
    state.openRanges().remove(finish.getStepKey());
    StepRecord step = EventRules.findStep(run, finish.getStepKey());
    if (step == null) {
      // Only reached when its step_start may sit in a gap (EventRules): keep what we know.
      step =
          StepRecord.newBuilder()
              .setStepKey(finish.getStepKey())
              .setStepType(StepType.OTHER)
              .setStartedAt(at.minusMillis(Math.max(0, finish.getDurationMs())))
              .setAttempts(event.getAttempt())
              .build();
      run.getSteps().add(step);
    }
    step.put("finished_at", at);
    step.put("duration_ms", finish.getDurationMs());
    step.put("output", finish.getOutput());
    step.put("model", finish.getModel());
    if (step.getToolCallId() != null) {
      ToolResult result = EventRules.findToolResult(run, step.getToolCallId());
      if (result == null) {
        run.getToolResults()
            .add(new ToolResult(step.getToolCallId(), step.getStepKey(), null, finish.getOutput()));
      } else {
        result.put("output", finish.getOutput());
      }
    }
    if (finish.getUsage() == null) {
      step.put("usage", null);
      return List.of();
    }
    PriceLedger.Priced priced = prices.price(finish.getModel(), at, finish.getUsage());
    priced.applyTo(step);
    Usage usage = priced.usage();
    if (priced.source() == PriceSource.LEDGER) {
      run.put("cost_source", PriceSource.LEDGER);
    }
    run.put("step_usage", add(run.getStepUsage(), usage));
    run.put(
        "usage",
        run.getReportedUsage() == null
            ? run.getStepUsage()
            : authoritative(run, run.getReportedUsage()));
    String model = finish.getModel() == null ? UsageKeys.UNKNOWN_MODEL : finish.getModel();
    String tenant = event.getTenantId() == null ? UsageKeys.NO_TENANT : event.getTenantId();
    long unpriced = priced.source() == PriceSource.UNPRICED ? 1L : 0L;
    return List.of(
        contribution(UsageDimension.AGENT, event.getAgentId(), usage, unpriced),
        contribution(UsageDimension.MODEL, model, usage, unpriced),
        contribution(UsageDimension.TENANT, tenant, usage, unpriced));
  }

  private static UsageAggregate contribution(
      UsageDimension dimension, String key, Usage usage, long unpriced) {
    return new UsageAggregate(dimension, key, Instant.EPOCH, Instant.EPOCH, usage, 1L, unpriced);
  }

  /**
   * The run's authoritative usage once agent_finish reported {@code reported}: the reported
   * figures, except that when the ledger priced a step, the cost is the step sum, the same per-step
   * costs the usage aggregates sum (see {@link PriceLedger}).
   */
  private static Usage authoritative(WorkflowRun run, Usage reported) {
    if (run.getCostSource() != PriceSource.LEDGER) {
      return reported;
    }
    return new Usage(
        reported.getInputTokens(),
        reported.getOutputTokens(),
        reported.getTotalTokens(),
        run.getStepUsage().getCostUsd());
  }

  /** Tool results observed in step_finish events win; agent_finish fills in what is missing. */
  private static void mergeToolResults(WorkflowRun run, List<ToolResult> reported) {
    for (ToolResult r : reported) {
      ToolResult known = EventRules.findToolResult(run, r.getCallId());
      if (known == null) {
        run.getToolResults()
            .add(new ToolResult(r.getCallId(), r.getToolName(), r.getArguments(), r.getOutput()));
      } else {
        if (known.getOutput() == null) {
          known.put("output", r.getOutput());
        }
        if (known.getArguments() == null) {
          known.put("arguments", r.getArguments());
        }
      }
    }
  }

  static Usage add(Usage a, Usage b) {
    return new Usage(
        a.getInputTokens() + b.getInputTokens(),
        a.getOutputTokens() + b.getOutputTokens(),
        a.getTotalTokens() + b.getTotalTokens(),
        a.getCostUsd().add(b.getCostUsd()).setScale(WorkflowState.COST_SCALE));
  }

  private static boolean sameUsage(Usage a, Usage b) {
    return a.getInputTokens() == b.getInputTokens()
        && a.getOutputTokens() == b.getOutputTokens()
        && a.getTotalTokens() == b.getTotalTokens()
        && a.getCostUsd().compareTo(b.getCostUsd()) == 0;
  }

  /**
   * An event of a newer attempt of an open step than known, whose {@code step_start} sits in a gap,
   * supersedes the older attempts all the same. Returns the step, or null if unknown.
   */
  private StepRecord supersedeIfNewer(
      String id, WorkflowState state, String stepKey, AgentEvent event) {
    StepRecord step = EventRules.findStep(state.run(), stepKey);
    if (step != null && step.getFinishedAt() == null && event.getAttempt() > step.getAttempts()) {
      retry(id, state, step, event.getAttempt());
    }
    return step;
  }

  /**
   * Starts attempt {@code attempt} of {@code step}: the text its earlier attempts wrote drops out
   * of the workflow's text. The text without it is written as a new generation of chunks after the
   * current one (chunks are never rewritten in place, so a reader holding the previous header still
   * reads the text it describes); the previous generation is deleted at the next event.
   */
  private void retry(String id, WorkflowState state, StepRecord step, int attempt) {
    step.put("attempts", attempt);
    metrics.retry();
    long[] removed = state.openRanges().remove(step.getStepKey());
    if (removed == null) {
      return;
    }
    byte[] old =
        TextChunks.assemble(state, i -> text.get(new ChunkKey(id, i)))
            .getBytes(StandardCharsets.UTF_8);
    long removedBytes = 0;
    for (int i = 0; i < removed.length; i += 2) {
      removedBytes += removed[i + 1] - removed[i];
    }
    byte[] kept = new byte[(int) (old.length - removedBytes)];
    int position = 0;
    int from = 0;
    for (int i = 0; i < removed.length; i += 2) {
      int length = (int) removed[i] - from;
      System.arraycopy(old, from, kept, position, length);
      position += length;
      from = (int) removed[i + 1];
    }
    System.arraycopy(old, from, kept, position, old.length - from);
    // The other open steps' ranges move left by the bytes removed before them.
    for (long[] ranges : state.openRanges().values()) {
      for (int r = 0; r < ranges.length; r++) {
        ranges[r] -= removedBefore(removed, ranges[r]);
      }
    }
    // Fresh chunk indexes after both live generations, so no chunk a reader may hold is rewritten.
    int base =
        Math.max(state.textBase() + state.textChunks(), state.staleBase() + state.staleChunks());
    deleteStale(id, state);
    int chunkBytes = settings.textChunkBytes();
    int chunks = 0;
    for (int offset = 0; offset < kept.length; offset += chunkBytes) {
      int take = Math.min(chunkBytes, kept.length - offset);
      text.put(new ChunkKey(id, base + chunks), Arrays.copyOfRange(kept, offset, offset + take));
      chunks++;
    }
    state.replaceText(base, kept.length, chunks);
  }

  /** Deletes the chunks of the stale text generation, if any, and forgets it. */
  private void deleteStale(String id, WorkflowState state) {
    if (state.staleChunks() == 0) {
      return;
    }
    for (int i = 0; i < state.staleChunks(); i++) {
      text.delete(new ChunkKey(id, state.staleBase() + i));
    }
    state.clearStale();
  }

  /** The bytes of the sorted ranges {@code removed} that lie before {@code offset}. */
  private static long removedBefore(long[] removed, long offset) {
    long bytes = 0;
    for (int i = 0; i < removed.length && removed[i] < offset; i += 2) {
      bytes += Math.min(removed[i + 1], offset) - removed[i];
    }
    return bytes;
  }

  /**
   * Appends {@code bytes} to the workflow's text: fills the last chunk up to the chunk size, then
   * opens new ones. Chunks are written before the header (the caller puts the state afterwards), so
   * a concurrent reader that sees the new header also finds the bytes it promises.
   */
  private void appendText(String id, WorkflowState state, byte[] bytes) {
    int chunkBytes = settings.textChunkBytes();
    int chunks = state.textChunks();
    int base = state.textBase();
    int offset = 0;
    if (chunks > 0 && bytes.length > 0) {
      ChunkKey lastKey = new ChunkKey(id, base + chunks - 1);
      byte[] last = text.get(lastKey);
      int lastLength = last == null ? 0 : last.length;
      int room = chunkBytes - lastLength;
      if (room > 0) {
        int take = Math.min(room, bytes.length);
        byte[] grown = last == null ? new byte[take] : Arrays.copyOf(last, lastLength + take);
        System.arraycopy(bytes, 0, grown, lastLength, take);
        text.put(lastKey, grown);
        offset = take;
      }
    }
    while (offset < bytes.length) {
      int take = Math.min(chunkBytes, bytes.length - offset);
      text.put(new ChunkKey(id, base + chunks), Arrays.copyOfRange(bytes, offset, offset + take));
      chunks++;
      offset += take;
    }
    state.setText(state.textBytes() + bytes.length, chunks);
  }

  private void linkToParent(AgentEvent child) {
    String parentId = child.getParentWorkflowId();
    WorkflowState parent = runs.get(parentId);
    if (parent == null) {
      // The child came first (its parent's events are missing or late): a placeholder record
      // links them; the parent's own events fill it in later.
      parent = WorkflowState.empty(parentId, child.getRootWorkflowId());
      metrics.placeholder();
    }
    List<String> children = parent.run().getChildren();
    if (!children.contains(child.getWorkflowId())) {
      children.add(child.getWorkflowId());
      runs.put(parentId, parent);
      if (snapshotsEnabled()) {
        pending.put(parentId, context.currentSystemTimeMs());
      }
    }
  }

  private void publishSnapshots(long now) {
    List<String> due = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = pending.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> next = it.next();
        due.add(next.key);
      }
    }
    for (String id : due) {
      WorkflowState state = runs.get(id);
      if (state != null) {
        publish(id, state, state.isTerminal(), now);
      }
      pending.delete(id);
    }
  }

  /** Forwards the full run (with its text) to the runs topic, unless it is too large. */
  private void publish(String id, WorkflowState state, boolean isFinal, long timestamp) {
    WorkflowRun run = state.run();
    // The header's encoded size plus the text: the record's size up to a few framing bytes.
    long size = RUN_SIZE.encode(run).length + state.textBytes() + 64;
    if (size > settings.maxRunRecordBytes()) {
      metrics.dropped();
      log.warn(
          "Workflow {} is {} bytes, more than the {} the runs topic accepts: not published;"
              + " query it over HTTP",
          id,
          size,
          settings.maxRunRecordBytes());
      return;
    }
    // The state was already stored; its run object is ours to complete.
    run.put("text", TextChunks.assemble(state, i -> text.get(new ChunkKey(id, i))));
    Headers headers = new RecordHeaders();
    headers.add(EventHeaders.WORKFLOW_ID, id.getBytes(StandardCharsets.UTF_8));
    headers.add(
        WorkflowTopology.RUN_STATUS_HEADER,
        run.getStatus().name().getBytes(StandardCharsets.UTF_8));
    headers.add(
        WorkflowTopology.RUN_FINAL_HEADER,
        Boolean.toString(isFinal).getBytes(StandardCharsets.UTF_8));
    if (run.getTenantId() != null) {
      headers.add(EventHeaders.TENANT_ID, run.getTenantId().getBytes(StandardCharsets.UTF_8));
    }
    context.forward(new Record<>(id, ProcessorOutput.run(run, isFinal), timestamp, headers));
    if (isFinal) {
      metrics.finalRecord();
    } else {
      metrics.snapshot();
    }
  }
}
