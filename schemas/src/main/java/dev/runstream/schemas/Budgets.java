package dev.runstream.schemas;

import java.util.Objects;

/**
 * The rules of the compacted {@code budgets} topic of {@link Budget} records, shared by whoever
 * writes it (the {@code runstream budget} command) and the topology that enforces it.
 *
 * <p>A budget is keyed {@code <SCOPE>:<key>} of its own fields, such as {@code AGENT:researcher} or
 * {@code TENANT:acme}: one live budget per agent and per tenant, replaced by the next record on its
 * key and removed by a tombstone. The topology ignores a record that {@link #problem} refuses, with
 * a warning.
 *
 * <pre>{@code
 * Budget b = Budget.newBuilder().setScope(BudgetScope.AGENT).setKey("researcher")
 *     .setMaxTokens(50_000L).setPeriod(BudgetPeriod.PER_RUN)
 *     .setUpdatedAt(Instant.now()).setUpdatedBy("ops").build();
 * String key = Budgets.recordKey(b);                 // "AGENT:researcher"
 * if (Budgets.problem(key, b) == null) {
 *   producer.send(new ProducerRecord<>("budgets", key, b));
 * }
 * }</pre>
 */
public final class Budgets {

  private Budgets() {}

  /**
   * The record key of the budget of {@code key} in {@code scope}.
   *
   * @param scope agent or tenant
   * @param key the agent or tenant id
   * @return {@code <SCOPE>:<key>}
   */
  public static String recordKey(BudgetScope scope, String key) {
    return Objects.requireNonNull(scope, "scope").name() + ":" + key;
  }

  /**
   * The record key of a budget.
   *
   * @param budget the budget
   * @return {@link #recordKey(BudgetScope, String)} of its scope and key
   */
  public static String recordKey(Budget budget) {
    return recordKey(budget.getScope(), budget.getKey());
  }

  /**
   * Why a budget record is refused, or {@code null} when it is valid: its key must be {@code
   * <SCOPE>:<key>} of its own fields, its scope known, at least one limit set and positive, and its
   * period supported by its scope (PER_RUN for agents; PER_RUN, HOUR or DAY for tenants).
   *
   * @param recordKey the key the record has, or is to be sent with
   * @param budget the budget
   * @return the reason, or {@code null}
   */
  public static String problem(String recordKey, Budget budget) {
    if (budget.getScope() == BudgetScope.UNKNOWN) {
      return "unknown scope (a newer writer's scope, or none)";
    }
    if (budget.getKey() == null || budget.getKey().isBlank()) {
      return "blank key";
    }
    String expected = recordKey(budget);
    if (!expected.equals(recordKey)) {
      return "record key '" + recordKey + "' must be '" + expected + "'";
    }
    if (budget.getMaxTokens() == null && budget.getMaxCostUsd() == null) {
      return "neither max_tokens nor max_cost_usd is set";
    }
    if (budget.getMaxTokens() != null && budget.getMaxTokens() < 1) {
      return "max_tokens must be at least 1, got " + budget.getMaxTokens();
    }
    if (budget.getMaxCostUsd() != null && budget.getMaxCostUsd().signum() <= 0) {
      return "max_cost_usd must be above 0, got " + budget.getMaxCostUsd().toPlainString();
    }
    BudgetPeriod period = budget.getPeriod();
    if (period == BudgetPeriod.UNKNOWN) {
      return "unknown period";
    }
    if (budget.getScope() == BudgetScope.AGENT && period != BudgetPeriod.PER_RUN) {
      return "AGENT budgets are PER_RUN, got " + period;
    }
    return null;
  }
}
