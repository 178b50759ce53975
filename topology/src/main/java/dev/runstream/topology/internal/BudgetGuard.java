package dev.runstream.topology.internal;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.Budget;
import dev.runstream.schemas.BudgetPeriod;
import dev.runstream.schemas.BudgetScope;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.Usage;
import dev.runstream.schemas.WorkflowRun;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The budget check of the materializing processor, run after an event is applied: it reads the
 * run's running totals from its state ({@code WorkflowRun.usage}) and
 *
 * <ul>
 *   <li>for a PER_RUN budget of the run's agent or tenant that the totals cross, sets the run's
 *       {@code budget_exceeded} and returns a {@link BudgetBreach} (once per run: a run with {@code
 *       budget_exceeded} set is not checked again);
 *   <li>for a HOUR or DAY budget of the run's tenant, returns the event's {@link UsageDelta}, which
 *       the windowed check ({@link WindowedBudgetProcessor}) sums across the tenant's runs.
 * </ul>
 *
 * Only events that raise a running run's usage are checked.
 */
public final class BudgetGuard {
  private static final Logger log = LoggerFactory.getLogger(BudgetGuard.class);

  private final BudgetTable budgets;
  private final TopologyMetrics metrics;

  public BudgetGuard(BudgetTable budgets, TopologyMetrics metrics) {
    this.budgets = budgets;
    this.metrics = metrics;
  }

  /**
   * Checks a run after {@code event} was applied to it.
   *
   * @param run the run, mutable: {@code budget_exceeded} is set on a crossing
   * @param event the applied event
   * @param before the run's usage before the event
   * @return what to forward: breaches and usage deltas
   */
  public List<ProcessorOutput> afterApply(WorkflowRun run, AgentEvent event, Usage before) {
    Usage now = run.getUsage();
    if (run.getStatus() != RunStatus.RUNNING || now == null) {
      return List.of();
    }
    long tokens = now.getTotalTokens() - (before == null ? 0 : before.getTotalTokens());
    BigDecimal cost =
        now.getCostUsd().subtract(before == null ? BigDecimal.ZERO : before.getCostUsd());
    if (tokens <= 0 && cost.signum() <= 0) {
      return List.of();
    }
    List<ProcessorOutput> out = new ArrayList<>(1);
    Budget tenant = budgets.find(BudgetScope.TENANT, run.getTenantId());
    if (run.getBudgetExceeded() == null) {
      Budget crossed = crossedPerRun(budgets.find(BudgetScope.AGENT, run.getAgentId()), now);
      if (crossed == null) {
        crossed = crossedPerRun(tenant, now);
      }
      if (crossed != null) {
        BudgetRules.Crossing crossing =
            new BudgetRules.Crossing(
                run.getWorkflowId(),
                run.getRootWorkflowId(),
                run.getTenantId(),
                run.getAgentId(),
                event.getSequence(),
                event.getTimestamp());
        BudgetBreach breach =
            BudgetRules.breach(crossed, null, now.getTotalTokens(), now.getCostUsd(), crossing);
        run.put("budget_exceeded", breach.exceeded());
        metrics.budgetExceeded();
        log.info("Workflow {}: {}", run.getWorkflowId(), breach.cancel().getReason());
        out.add(ProcessorOutput.breach(breach));
      }
    }
    if (tenant != null && BudgetRules.isWindowed(tenant.getPeriod())) {
      out.add(
          ProcessorOutput.delta(
              new UsageDelta(
                  run.getTenantId(),
                  run.getWorkflowId(),
                  run.getRootWorkflowId(),
                  run.getAgentId(),
                  event.getSequence(),
                  Math.max(0, tokens),
                  cost.max(BigDecimal.ZERO),
                  event.getTimestamp())));
    }
    return out;
  }

  /** {@code budget} if it is a PER_RUN budget that {@code usage} exceeds, else null. */
  private static Budget crossedPerRun(Budget budget, Usage usage) {
    return budget != null
            && budget.getPeriod() == BudgetPeriod.PER_RUN
            && BudgetRules.exceeds(budget, usage.getTotalTokens(), usage.getCostUsd())
        ? budget
        : null;
  }
}
