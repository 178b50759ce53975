package dev.runstream.topology.internal;

import dev.runstream.schemas.BudgetExceeded;
import dev.runstream.schemas.ControlCommand;

/**
 * A budget crossed by a run: the record for the budget-events topic and the cancel request for the
 * control topic, published in the same transaction as the event that crossed it.
 */
public record BudgetBreach(BudgetExceeded exceeded, ControlCommand cancel) {}
