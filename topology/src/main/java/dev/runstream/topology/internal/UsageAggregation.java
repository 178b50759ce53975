package dev.runstream.topology.internal;

import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.UsageDimension;
import java.time.Instant;
import org.apache.kafka.streams.kstream.Windowed;

/** The windowed sum of step usage per dimension value. */
public final class UsageAggregation {
  private UsageAggregation() {}

  public static UsageAggregate initial() {
    return new UsageAggregate(
        UsageDimension.AGENT, "", Instant.EPOCH, Instant.EPOCH, WorkflowState.zeroUsage(), 0L, 0L);
  }

  public static UsageAggregate add(String key, UsageAggregate contribution, UsageAggregate sum) {
    return new UsageAggregate(
        contribution.getDimension(),
        contribution.getKey(),
        Instant.EPOCH,
        Instant.EPOCH,
        WorkflowProcessor.add(sum.getUsage(), contribution.getUsage()),
        sum.getSteps() + contribution.getSteps(),
        sum.getUnpricedSteps() + contribution.getUnpricedSteps());
  }

  /** The aggregate as published: with its window. */
  public static UsageAggregate withWindow(Windowed<String> key, UsageAggregate sum) {
    return new UsageAggregate(
        UsageKeys.dimensionOf(key.key()),
        UsageKeys.valueOf(key.key()),
        key.window().startTime(),
        key.window().endTime(),
        sum.getUsage(),
        sum.getSteps(),
        sum.getUnpricedSteps());
  }
}
