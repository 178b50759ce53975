package dev.runstream.topology.internal;

import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.WorkflowRun;

/**
 * What the materializing processor forwards: either a run record for the runs topic (a progress
 * snapshot or the final record) or one step's usage for one dimension, for the windowed
 * aggregation. Never serialized: it only travels between processors of one task.
 */
public record ProcessorOutput(WorkflowRun run, boolean isFinal, UsageAggregate usage) {

  public static ProcessorOutput run(WorkflowRun run, boolean isFinal) {
    return new ProcessorOutput(run, isFinal, null);
  }

  public static ProcessorOutput usage(UsageAggregate usage) {
    return new ProcessorOutput(null, false, usage);
  }

  public boolean isRun() {
    return run != null;
  }
}
