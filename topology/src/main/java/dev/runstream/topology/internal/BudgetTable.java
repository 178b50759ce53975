package dev.runstream.topology.internal;

import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.Budgets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;

/**
 * Reads the global budgets store: the budgets topic's values as they are on the topic (Confluent
 * wire format), decoded and validated on read, so a store restored from the topic without its
 * update processor can hold nothing that is enforced while invalid.
 *
 * <p>The store is read on every lookup (a budget set or removed applies from the next event); the
 * decoding is not repeated while a key's bytes stay the same. An instance belongs to one processor,
 * so to one stream thread.
 */
public final class BudgetTable {
  private static final int DECODED_MAX = 1024;

  private record Decoded(byte[] bytes, Budget budget) {}

  private final ReadOnlyKeyValueStore<String, byte[]> store;
  private final Deserializer<Budget> deserializer;
  private final String topic;
  private final Map<String, Decoded> decoded =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Decoded> eldest) {
          return size() > DECODED_MAX;
        }
      };

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
    String recordKey = Budgets.recordKey(scope, key);
    byte[] bytes = store.get(recordKey);
    if (bytes == null) {
      return null;
    }
    Decoded known = decoded.get(recordKey);
    if (known != null && Arrays.equals(known.bytes(), bytes)) {
      return known.budget();
    }
    Budget budget;
    try {
      budget = deserializer.deserialize(topic, bytes);
    } catch (RuntimeException e) {
      return null; // not remembered: the next lookup decodes again
    }
    Budget valid = budget != null && Budgets.problem(recordKey, budget) == null ? budget : null;
    decoded.put(recordKey, new Decoded(bytes, valid));
    return valid;
  }
}
