package dev.runstream.topology.internal;

import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetExceeded;
import dev.runstream.schemas.BudgetPeriod;
import dev.runstream.schemas.Budgets;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.ControlCommandType;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

/**
 * When a total crosses a budget ({@link Budgets} says what a valid one is), and what the topology
 * publishes when it does: a {@link BudgetExceeded} record and a {@link ControlCommand} {@code
 * CANCEL} for the run.
 */
public final class BudgetRules {
  /** The {@code source} of the topology's cancel requests. */
  public static final String SOURCE = "topology";

  /** How a budget cancel's reason starts. */
  public static final String REASON_PREFIX = "budget_exceeded: ";

  private BudgetRules() {}

  /** Whether a period sums usage across runs in a window. */
  public static boolean isWindowed(BudgetPeriod period) {
    return period == BudgetPeriod.HOUR || period == BudgetPeriod.DAY;
  }

  /** The start of the UTC hour or day that holds {@code at}. */
  public static Instant windowStart(BudgetPeriod period, Instant at) {
    return at.atOffset(ZoneOffset.UTC)
        .truncatedTo(period == BudgetPeriod.DAY ? ChronoUnit.DAYS : ChronoUnit.HOURS)
        .toInstant();
  }

  /** Whether totals are over a limit (strictly above it: a budget of N tokens allows N). */
  public static boolean exceeds(Budget budget, long tokens, BigDecimal cost) {
    return (budget.getMaxTokens() != null && tokens > budget.getMaxTokens())
        || (budget.getMaxCostUsd() != null && cost.compareTo(budget.getMaxCostUsd()) > 0);
  }

  /** The run that crossed, and where its crossing event was. */
  public record Crossing(
      String workflowId,
      String rootWorkflowId,
      String tenantId,
      String agentId,
      long sequence,
      Instant timestamp) {}

  /**
   * The record and the cancel request for a crossing. The request id is derived from the run, the
   * budget and the window, so a retried transaction issues the same request.
   */
  public static BudgetBreach breach(
      Budget budget, Instant windowStart, long tokens, BigDecimal cost, Crossing run) {
    String budgetKey = Budgets.recordKey(budget);
    String requestId =
        UUID.nameUUIDFromBytes(
                ("budget|"
                        + run.workflowId()
                        + "|"
                        + budgetKey
                        + "|"
                        + budget.getPeriod()
                        + "|"
                        + (windowStart == null ? "" : windowStart.toEpochMilli()))
                    .getBytes(StandardCharsets.UTF_8))
            .toString();
    BigDecimal observedCost = cost.setScale(WorkflowState.COST_SCALE);
    BudgetExceeded exceeded =
        BudgetExceeded.newBuilder()
            .setScope(budget.getScope())
            .setKey(budget.getKey())
            .setPeriod(budget.getPeriod())
            .setWindowStart(windowStart)
            .setMaxTokens(budget.getMaxTokens())
            .setMaxCostUsd(budget.getMaxCostUsd())
            .setObservedTokens(tokens)
            .setObservedCostUsd(observedCost)
            .setWorkflowId(run.workflowId())
            .setRootWorkflowId(run.rootWorkflowId())
            .setTenantId(run.tenantId())
            .setAgentId(run.agentId())
            .setSequence(run.sequence())
            .setRequestId(requestId)
            .setTimestamp(run.timestamp())
            .build();
    ControlCommand cancel =
        ControlCommand.newBuilder()
            .setRequestId(requestId)
            .setRootWorkflowId(run.rootWorkflowId())
            .setWorkflowId(run.workflowId())
            .setCommand(ControlCommandType.CANCEL)
            .setReason(reason(budget, tokens, observedCost))
            .setRequestedBy("budget:" + budgetKey)
            .setSource(SOURCE)
            .setTimestamp(run.timestamp())
            .setTenantId(run.tenantId())
            .build();
    return new BudgetBreach(exceeded, cancel);
  }

  /** For example {@code budget_exceeded: AGENT:researcher PER_RUN max_tokens=1000 (used 1200)}. */
  static String reason(Budget budget, long tokens, BigDecimal cost) {
    StringBuilder b =
        new StringBuilder(REASON_PREFIX)
            .append(Budgets.recordKey(budget))
            .append(' ')
            .append(budget.getPeriod());
    if (budget.getMaxTokens() != null) {
      b.append(" max_tokens=").append(budget.getMaxTokens());
    }
    if (budget.getMaxCostUsd() != null) {
      b.append(" max_cost_usd=")
          .append(budget.getMaxCostUsd().stripTrailingZeros().toPlainString());
    }
    return b.append(" (used ")
        .append(tokens)
        .append(" tokens, $")
        .append(cost.stripTrailingZeros().toPlainString())
        .append(')')
        .toString();
  }
}
