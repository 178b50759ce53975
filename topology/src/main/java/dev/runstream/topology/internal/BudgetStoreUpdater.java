package dev.runstream.topology.internal;

import dev.runstream.schemas.Budget;
import dev.runstream.schemas.Budgets;
import dev.runstream.topology.WorkflowTopology;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global budgets store: a valid budget is stored (its bytes as on the topic), a tombstone
 * removes one, and a record that does not decode or is not a valid budget ({@link
 * BudgetRules#problem}) is refused: logged with its reason, counted ({@code
 * invalid-budgets-total}), and the budget stored under its key, if any, stays in force. Global
 * processors cannot forward, so refused budgets are not dead-lettered.
 */
public final class BudgetStoreUpdater implements Processor<String, byte[], Void, Void> {
  private static final Logger log = LoggerFactory.getLogger(BudgetStoreUpdater.class);

  private final Deserializer<Budget> deserializer;
  private final String topic;
  private final TopologyMetrics metrics;
  private KeyValueStore<String, byte[]> store;

  public BudgetStoreUpdater(
      Deserializer<Budget> deserializer, String topic, TopologyMetrics metrics) {
    this.deserializer = deserializer;
    this.topic = topic;
    this.metrics = metrics;
  }

  @Override
  public void init(ProcessorContext<Void, Void> context) {
    store = context.getStateStore(WorkflowTopology.BUDGETS_STORE);
  }

  @Override
  public void process(Record<String, byte[]> record) {
    String key = record.key();
    if (key == null) {
      refuse(key, "the record has no key");
      return;
    }
    if (record.value() == null) {
      store.delete(key);
      log.info("Budget {} removed", key);
      return;
    }
    Budget budget;
    try {
      budget = deserializer.deserialize(topic, record.value());
    } catch (RuntimeException e) {
      refuse(key, "the value is not a Budget record: " + e.getMessage());
      return;
    }
    String problem = Budgets.problem(key, budget);
    if (problem != null) {
      refuse(key, problem);
      return;
    }
    store.put(key, record.value());
    log.info("Budget {} set: {}", key, budget);
  }

  private void refuse(String key, String reason) {
    metrics.invalidBudget();
    log.warn(
        "Budget record {} on {} refused: {}; the budget in force for that key, if any, is kept",
        key,
        topic,
        reason);
  }
}
