package dev.runstream.producer;

/**
 * Counters of a publisher since it was created.
 *
 * @param accepted events handed to the Kafka client (each has a sequence number)
 * @param acknowledged events the broker acknowledged
 * @param failed accepted events whose delivery failed
 * @param refused calls refused before anything was sent (invalid transitions, invalid events,
 *     backpressure, broker unavailable)
 * @param coalescedDeltas text deltas that were merged into an earlier delta's event
 */
public record PublisherStats(
    long accepted, long acknowledged, long failed, long refused, long coalescedDeltas) {

  /**
   * Events accepted but not yet acknowledged or failed.
   *
   * @return {@code accepted - acknowledged - failed}
   */
  public long inFlight() {
    return accepted - acknowledged - failed;
  }
}
