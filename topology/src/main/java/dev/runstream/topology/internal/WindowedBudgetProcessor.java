package dev.runstream.topology.internal;

import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.Budgets;
import dev.runstream.topology.WorkflowTopology;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The windowed (HOUR, DAY) tenant budget check, on usage deltas repartitioned by tenant, so one
 * task sees all of a tenant's usage whatever partitions its runs are on. Per tenant it keeps the
 * running total of the current UTC window ({@value WorkflowTopology#BUDGET_TOTALS_STORE}); a delta
 * of a later window starts a new total, a delta of an earlier window (late) is not counted. While
 * the total is over the budget, the run of every delta that arrives is cancelled, once per run and
 * window ({@value WorkflowTopology#BUDGET_CANCELS_STORE}): the run whose event crossed the limit,
 * and every run that uses anything more in that window. Runs of the tenant that use nothing more
 * are left alone.
 */
public final class WindowedBudgetProcessor
    implements Processor<String, UsageDelta, String, BudgetBreach> {
  private static final Logger log = LoggerFactory.getLogger(WindowedBudgetProcessor.class);
  private static final Duration KEEP_CANCELS = Duration.ofDays(2);

  private final Function<ProcessorContext<?, ?>, BudgetTable> tables;
  private final TopologyMetrics metrics;
  private ProcessorContext<String, BudgetBreach> context;
  private BudgetTable budgets;
  private KeyValueStore<String, byte[]> totals;
  private KeyValueStore<String, Long> cancels;

  public WindowedBudgetProcessor(
      Function<ProcessorContext<?, ?>, BudgetTable> tables, TopologyMetrics metrics) {
    this.tables = tables;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<String, BudgetBreach> context) {
    this.context = context;
    this.budgets = tables.apply(context);
    this.totals = context.getStateStore(WorkflowTopology.BUDGET_TOTALS_STORE);
    this.cancels = context.getStateStore(WorkflowTopology.BUDGET_CANCELS_STORE);
    context.schedule(Duration.ofHours(1), PunctuationType.STREAM_TIME, this::prune);
  }

  @Override
  public void process(Record<String, UsageDelta> record) {
    UsageDelta delta = record.value();
    Budget budget = budgets.find(BudgetScope.TENANT, delta.tenantId());
    if (budget == null || !BudgetRules.isWindowed(budget.getPeriod())) {
      return;
    }
    Instant window = BudgetRules.windowStart(budget.getPeriod(), delta.timestamp());
    String key = Budgets.recordKey(BudgetScope.TENANT, delta.tenantId()) + "|" + budget.getPeriod();
    Total total = Total.decode(totals.get(key));
    if (total != null && window.isBefore(total.windowStart())) {
      return; // late usage of a window that is over
    }
    if (total == null || window.isAfter(total.windowStart())) {
      total = new Total(window, 0, BigDecimal.ZERO.setScale(WorkflowState.COST_SCALE));
    }
    total =
        new Total(
            window,
            total.tokens() + delta.tokens(),
            total.cost().add(delta.cost()).setScale(WorkflowState.COST_SCALE));
    totals.put(key, total.encode());
    if (!BudgetRules.exceeds(budget, total.tokens(), total.cost())) {
      return;
    }
    Long cancelledIn = cancels.get(delta.workflowId());
    if (cancelledIn != null && cancelledIn == window.toEpochMilli()) {
      return;
    }
    cancels.put(delta.workflowId(), window.toEpochMilli());
    BudgetBreach breach =
        BudgetRules.breach(budget, window, total.tokens(), total.cost(), delta.crossing());
    metrics.budgetExceeded();
    log.info("Workflow {}: {}", delta.workflowId(), breach.cancel().getReason());
    context.forward(record.withKey(delta.workflowId()).withValue(breach));
  }

  private void prune(long streamTime) {
    long before = streamTime - KEEP_CANCELS.toMillis();
    List<String> old = new ArrayList<>();
    try (KeyValueIterator<String, Long> it = cancels.all()) {
      while (it.hasNext()) {
        KeyValue<String, Long> next = it.next();
        if (next.value < before) {
          old.add(next.key);
        }
      }
    }
    old.forEach(cancels::delete);
  }

  /** A tenant's total in one window. */
  record Total(Instant windowStart, long tokens, BigDecimal cost) {
    byte[] encode() {
      byte[] unscaled = cost.unscaledValue().toByteArray();
      return ByteBuffer.allocate(16 + unscaled.length)
          .putLong(windowStart.toEpochMilli())
          .putLong(tokens)
          .put(unscaled)
          .array();
    }

    static Total decode(byte[] bytes) {
      if (bytes == null) {
        return null;
      }
      ByteBuffer buffer = ByteBuffer.wrap(bytes);
      Instant start = Instant.ofEpochMilli(buffer.getLong());
      long tokens = buffer.getLong();
      byte[] unscaled = new byte[buffer.remaining()];
      buffer.get(unscaled);
      return new Total(
          start, tokens, new BigDecimal(new BigInteger(unscaled), WorkflowState.COST_SCALE));
    }
  }
}
