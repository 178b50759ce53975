package dev.runstream.cluster;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A topic that {@link LocalCluster} creates at start, with its partition count and topic-level
 * configs (replication factor is always 1 on the single-node cluster).
 *
 * <p>The constants name the runstream topics so that other modules and their tests can refer to
 * them without repeating string literals:
 *
 * <pre>{@code
 * producer.send(new ProducerRecord<>(TopicSpec.AGENT_EVENTS, runId, event));
 * }</pre>
 *
 * @param name the topic name, not blank
 * @param partitions the number of partitions, at least 1
 * @param configs topic-level configs such as {@code cleanup.policy}; copied, never {@code null}
 */
public record TopicSpec(String name, int partitions, Map<String, String> configs) {

  /** Every event of every agent run, keyed by run id; 7 days of retention, {@code delete}. */
  public static final String AGENT_EVENTS = "agent-events";

  /** Latest state of each workflow run, keyed by run id; {@code compact}. */
  public static final String WORKFLOW_RUNS = "workflow-runs";

  /** Usage (tokens, cost) aggregated per window. */
  public static final String USAGE_AGGREGATES = "usage-aggregates";

  /** Agent events that could not be processed; a single partition keeps them in arrival order. */
  public static final String AGENT_EVENTS_DLQ = "agent-events-dlq";

  /**
   * Control commands to the workers of a workflow ({@code ControlCommand}, e.g. cancel), keyed by
   * root workflow id and co-partitioned with {@link #AGENT_EVENTS}; one day of retention, {@code
   * delete}: a command matters only while its run is running.
   */
  public static final String AGENT_CONTROL = "agent-control";

  /**
   * The versioned price ledger: one {@code PriceVersion} per model and effective-from instant,
   * keyed {@code model@<epoch millis>}; {@code compact}, so every version is kept and a tombstone
   * retracts one. One partition: it is small and read in full by every topology instance.
   */
  public static final String MODEL_PRICES = "model-prices";

  /**
   * Token and cost budgets ({@code Budget}, keyed by {@code <SCOPE>:<key>}), read by the topology
   * as a global table; one partition, {@code compact}: the latest budget per key is the one in
   * force, a tombstone removes it.
   */
  public static final String BUDGETS = "budgets";

  /**
   * Budgets crossed ({@code BudgetExceeded}, keyed by workflow id), for ops pipelines; 7 days of
   * retention, {@code delete}.
   */
  public static final String BUDGET_EVENTS = "budget-events";

  /** The partition count of {@link #AGENT_EVENTS} and {@link #WORKFLOW_RUNS} by default. */
  public static final int DEFAULT_PARTITIONS = 6;

  private static final String SEVEN_DAYS_MS = Long.toString(7L * 24 * 60 * 60 * 1000);

  private static final String ONE_DAY_MS = Long.toString(24L * 60 * 60 * 1000);

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if the name is blank or the partition count is below 1
   * @throws NullPointerException if a component or a config key or value is {@code null}
   */
  public TopicSpec {
    Objects.requireNonNull(name, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("topic name must not be blank");
    }
    if (partitions < 1) {
      throw new IllegalArgumentException(
          "topic " + name + " needs at least 1 partition, got " + partitions);
    }
    configs = Map.copyOf(Objects.requireNonNull(configs, "configs"));
  }

  /**
   * The runstream topics with their standard partition counts: {@value #AGENT_EVENTS} and {@value
   * #WORKFLOW_RUNS} with {@value #DEFAULT_PARTITIONS}, {@value #USAGE_AGGREGATES} with 3, {@value
   * #AGENT_EVENTS_DLQ}, {@value #MODEL_PRICES} and {@value #BUDGETS} with 1, {@value
   * #AGENT_CONTROL} with {@value #DEFAULT_PARTITIONS} and {@value #BUDGET_EVENTS} with 3.
   *
   * @return the topic list, immutable
   */
  public static List<TopicSpec> runstreamTopics() {
    return runstreamTopics(DEFAULT_PARTITIONS);
  }

  /**
   * The runstream topics scaled to a partition count. {@value #AGENT_EVENTS} and {@value
   * #WORKFLOW_RUNS} get {@code partitions} each (they stay co-partitioned, both keyed by run id),
   * {@value #USAGE_AGGREGATES} gets half of it (at least 1), and {@value #AGENT_EVENTS_DLQ} always
   * and {@value #MODEL_PRICES} always get 1, {@value #AGENT_CONTROL} gets {@code partitions}
   * (co-partitioned with the events), {@value #BUDGETS} 1 and {@value #BUDGET_EVENTS} half of
   * {@code partitions} (at least 1).
   *
   * @param partitions the partition count of the two main topics, at least 1
   * @return the topic list, immutable
   * @throws IllegalArgumentException if {@code partitions} is below 1
   */
  public static List<TopicSpec> runstreamTopics(int partitions) {
    return runstreamTopics("", partitions);
  }

  /**
   * A tenant's runstream topics: those of {@link #runstreamTopics(int)} with a name prefix, such as
   * {@code acme.agent-events} for the prefix {@code acme.}. Prefixed topics are the unit of tenant
   * isolation: ACLs on the prefix give a tenant's principals their own topics and nothing else.
   *
   * @param prefix the prefix, usually {@code <tenant>.}; empty for the shared topics
   * @param partitions the partition count of the two main topics, at least 1
   * @return the topic list, immutable
   * @throws IllegalArgumentException if {@code partitions} is below 1
   */
  public static List<TopicSpec> runstreamTopics(String prefix, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    return List.of(
        new TopicSpec(
            prefix + AGENT_EVENTS,
            partitions,
            Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS)),
        new TopicSpec(prefix + WORKFLOW_RUNS, partitions, Map.of("cleanup.policy", "compact")),
        new TopicSpec(prefix + USAGE_AGGREGATES, Math.max(1, partitions / 2), Map.of()),
        new TopicSpec(prefix + AGENT_EVENTS_DLQ, 1, Map.of()),
        new TopicSpec(
            prefix + AGENT_CONTROL,
            partitions,
            Map.of("cleanup.policy", "delete", "retention.ms", ONE_DAY_MS)),
        new TopicSpec(prefix + MODEL_PRICES, 1, Map.of("cleanup.policy", "compact")),
        new TopicSpec(prefix + BUDGETS, 1, Map.of("cleanup.policy", "compact")),
        new TopicSpec(
            prefix + BUDGET_EVENTS,
            Math.max(1, partitions / 2),
            Map.of("cleanup.policy", "delete", "retention.ms", SEVEN_DAYS_MS)));
  }
}
