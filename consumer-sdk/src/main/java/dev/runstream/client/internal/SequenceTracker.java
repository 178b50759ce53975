package dev.runstream.client.internal;

import java.util.Map;
import java.util.TreeMap;

/**
 * Puts one workflow's events in sequence order, drops duplicates and detects gaps. Not thread-safe;
 * its owner serializes calls.
 *
 * <ul>
 *   <li>The next expected sequence starts at a cursor (0 for a replay, {@code after + 1} for a
 *       resume) or, unanchored ({@code -1}), at the first sequence seen (a tail).
 *   <li>A sequence below the expected one, or already held, is a duplicate: dropped and counted.
 *   <li>The expected sequence is delivered at once, followed by any held successors.
 *   <li>A later sequence is held back, in case the missing ones arrive out of order. The gap is
 *       declared (reported to the sink, then the held events delivered) when an event has been held
 *       for {@code maxWaitNanos} ({@link #flushExpired}), when more than {@code maxHeld} are held,
 *       or on {@link #flushAll(Sink)}.
 *   <li>A sequence known to be lost (its record could not be decoded, and was reported as such) is
 *       {@linkplain #skip skipped}: it is not reported again as a gap.
 * </ul>
 *
 * @param <T> the event type
 */
public final class SequenceTracker<T> {

  /** Receives the tracker's decisions, in order. */
  public interface Sink<T> {
    /** Deliver {@code event}, which has sequence {@code sequence}. */
    void deliver(long sequence, T event);

    /** Sequences {@code from} to {@code to}, inclusive, are missing. */
    void gap(long from, long to);
  }

  private record Held<T>(T event, long arrivedNanos) {}

  private final TreeMap<Long, Held<T>> held = new TreeMap<>();
  private final int maxHeld;
  private final long maxWaitNanos;
  private long expected;
  private long duplicates;

  /**
   * @param expected the first sequence to deliver, or -1 to start at the first one seen
   * @param maxHeld how many out-of-order events may be held, at least 1
   * @param maxWaitNanos how long one may be held before its gap is declared; 0 declares at once
   */
  public SequenceTracker(long expected, int maxHeld, long maxWaitNanos) {
    if (expected < -1) {
      throw new IllegalArgumentException("expected must be -1 or a sequence, got " + expected);
    }
    if (maxHeld < 1) {
      throw new IllegalArgumentException("maxHeld must be at least 1, got " + maxHeld);
    }
    this.expected = expected;
    this.maxHeld = maxHeld;
    this.maxWaitNanos = Math.max(0, maxWaitNanos);
  }

  /** The next sequence to deliver, or -1 before the first event of an unanchored tracker. */
  public long expected() {
    return expected;
  }

  /** How many duplicates were dropped. */
  public long duplicates() {
    return duplicates;
  }

  /** How many events are held back waiting for a missing sequence. */
  public int heldCount() {
    return held.size();
  }

  /**
   * Whether {@code sequence} would be dropped as a duplicate, so its record need not be decoded.
   */
  public boolean isDuplicate(long sequence) {
    return expected >= 0 && (sequence < expected || held.containsKey(sequence));
  }

  /** Offers the event with {@code sequence}. */
  public void offer(long sequence, T event, long nowNanos, Sink<T> sink) {
    accept(sequence, event, nowNanos, sink);
  }

  /** Records that {@code sequence} is lost and was already reported; it is not a gap. */
  public void skip(long sequence, long nowNanos, Sink<T> sink) {
    accept(sequence, null, nowNanos, sink);
  }

  private void accept(long sequence, T event, long nowNanos, Sink<T> sink) {
    if (sequence < 0) {
      throw new IllegalArgumentException("negative sequence " + sequence);
    }
    if (expected < 0) {
      expected = sequence;
    }
    if (sequence < expected || held.containsKey(sequence)) {
      if (event != null) {
        duplicates++;
      }
      return;
    }
    if (sequence == expected) {
      if (event != null) {
        sink.deliver(sequence, event);
      }
      expected++;
      drain(sink);
      return;
    }
    held.put(sequence, new Held<>(event, nowNanos));
    if (held.size() > maxHeld || maxWaitNanos == 0) {
      declareFirstGap(sink);
    }
  }

  /** Declares the gaps whose held events waited at least {@code maxWaitNanos}. */
  public void flushExpired(long nowNanos, Sink<T> sink) {
    while (!held.isEmpty() && nowNanos - oldestArrival() >= maxWaitNanos) {
      declareFirstGap(sink);
    }
  }

  /** Declares every gap and delivers every held event, as at the end of the input. */
  public void flushAll(Sink<T> sink) {
    while (!held.isEmpty()) {
      declareFirstGap(sink);
    }
  }

  private long oldestArrival() {
    long oldest = Long.MAX_VALUE;
    for (Held<T> h : held.values()) {
      oldest = Math.min(oldest, h.arrivedNanos());
    }
    return oldest;
  }

  private void declareFirstGap(Sink<T> sink) {
    long first = held.firstKey();
    if (first > expected) {
      sink.gap(expected, first - 1);
    }
    expected = first;
    drain(sink);
  }

  private void drain(Sink<T> sink) {
    while (!held.isEmpty() && held.firstKey() == expected) {
      Map.Entry<Long, Held<T>> next = held.pollFirstEntry();
      if (next.getValue().event() != null) {
        sink.deliver(next.getKey(), next.getValue().event());
      }
      expected++;
    }
  }
}
