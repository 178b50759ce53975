package dev.runstream.topology.internal;

import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetScope;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the global budgets store: the budgets topic's values as they are on the topic (Confluent
 * wire format), decoded and validated on read, so a store restored from the topic without its
 * update processor can hold nothing that is enforced while invalid.
 */
public final class BudgetTable {
  private final ReadOnlyKeyValueStore<String, byte[]> store;
  private final Deserializer<Budget> deserializer;
  private final String topic;

  public BudgetTable(
      ReadOnlyKeyValueStore<String, byte[]> store,
      Deserializer<Budget> deserializer,
      String topic) {
    this.store = store;
    this.deserializer = deserializer;
    this.topic = topic;
  }

  /** The valid budget of a scope and key, or {@code null}. */
  public Budget find(BudgetScope scope, String key) {
    if (key == null) {
      return null;
    }
    String recordKey = BudgetRules.recordKey(scope, key);
    byte[] bytes = store.get(recordKey);
    if (bytes == null) {
      return null;
    }
    try {
      Budget budget = deserializer.deserialize(topic, bytes);
      return budget != null && BudgetRules.problem(recordKey, budget) == null ? budget : null;
    } catch (RuntimeException e) {
      return null;
    }
  }
}
