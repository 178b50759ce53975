package dev.runstream.bench.internal;

import java.util.List;

/**
 * The figures of {@code FreshnessBench}: join latency of a late joiner per run length and the
 * read-your-event wait, each with its baseline.
 *
 * @param joins one point per run length
 * @param readYourEvent the read-your-event figures
 * @param repeats joins (and replays) per length
 * @param probes read-your-event probes
 */
public record FreshnessFigures(
    List<FreshnessFigures.JoinPoint> joins,
    FreshnessFigures.ReadYourEvent readYourEvent,
    int repeats,
    int probes) {

  /**
   * One run length.
   *
   * @param deltas the run's text deltas
   * @param textChars the length of its text
   * @param join snapshot plus tail: until the whole text so far is held and the stream reads live
   * @param replay the baseline: a full replay until the same text has been read
   */
  public record JoinPoint(long deltas, long textChars, Percentiles join, Percentiles replay) {}

  /**
   * Read-your-event.
   *
   * @param plain the baseline: one plain view query right after the ack
   * @param plainStaleShare the share of plain answers that missed the acknowledged event
   * @param atLeast one query with {@code at_least}, held by the server until fresh
   * @param polling a client polling the plain query until the event shows
   */
  public record ReadYourEvent(
      Percentiles plain, double plainStaleShare, Percentiles atLeast, Percentiles polling) {}
}
