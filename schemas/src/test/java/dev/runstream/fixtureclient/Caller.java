package dev.runstream.fixtureclient;

import dev.runstream.fixture.internal.Hidden;

/**
 * Planted violation for RunstreamArchitectureTest: module "fixtureclient" uses fixture's internals.
 */
public final class Caller {
  /** Reaches into the other module's internal package. */
  public int call() {
    return new Hidden().value();
  }
}
