package dev.runstream.topology.internal;

import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.WorkflowRun;

/**
 * What the materializing processor forwards: a run record for the runs topic (a progress snapshot
 * or the final record), one step's usage for one dimension for the windowed aggregation, a budget
 * crossed by a run, or a run's usage delta for the windowed budget check. Never serialized: it only
 * travels between processors of one task.
 */
public record ProcessorOutput(
    WorkflowRun run, boolean isFinal, UsageAggregate usage, BudgetBreach breach, UsageDelta delta) {

  public static ProcessorOutput run(WorkflowRun run, boolean isFinal) {
    return new ProcessorOutput(run, isFinal, null, null, null);
  }

  public static ProcessorOutput usage(UsageAggregate usage) {
    return new ProcessorOutput(null, false, usage, null, null);
  }

  public static ProcessorOutput breach(BudgetBreach breach) {
    return new ProcessorOutput(null, false, null, breach, null);
  }

  public static ProcessorOutput delta(UsageDelta delta) {
    return new ProcessorOutput(null, false, null, null, delta);
  }

  public boolean isRun() {
    return run != null;
  }

  public boolean isBreach() {
    return breach != null;
  }

  public boolean isDelta() {
    return delta != null;
  }
}
