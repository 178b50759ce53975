package dev.runstream.client.internal;

import dev.runstream.client.EventsExpiredException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;

/**
 * A reader of one bounded range of one partition for one session, with a consumer of its own
 * ({@code assign()} and {@code seek()}, no consumer group): the catch-up of a replay or resume, and
 * the time search that finds where a workflow starts when the view cannot say.
 *
 * <p>Only records keyed by the session's root workflow id are looked at; of those, only the ones
 * whose headers name a workflow the session wants are decoded.
 */
final class CatchUpReader {
  /** {@link #search} found no event of the workflow in the searched range. */
  static final long NOT_FOUND = -1;

  private static final Duration POLL = Duration.ofMillis(200);
  private static final long REGISTRY_BACKOFF_MS = 500;

  private final ClientRuntime runtime;
  private final Consumer<byte[], byte[]> consumer;
  private final TopicPartition partition;
  private final StreamSession session;
  private final byte[] rootKey;
  private final Duration brokerTimeout;

  CatchUpReader(
      ClientRuntime runtime,
      Consumer<byte[], byte[]> consumer,
      TopicPartition partition,
      StreamSession session,
      Duration brokerTimeout) {
    this.runtime = runtime;
    this.consumer = consumer;
    this.partition = partition;
    this.session = session;
    this.rootKey = session.rootId().getBytes(StandardCharsets.UTF_8);
    this.brokerTimeout = brokerTimeout;
    consumer.assign(List.of(partition));
  }

  /** The first offset still on the partition. */
  long logStart() {
    return consumer.beginningOffsets(List.of(partition), brokerTimeout).get(partition);
  }

  /** The offset after the last readable record. */
  long logEnd() {
    return consumer.endOffsets(List.of(partition), brokerTimeout).get(partition);
  }

  /**
   * Reads {@code [from, until)} into the session, waiting for buffer space as needed.
   *
   * @return {@code false} if the stream ended meanwhile (its terminal event, a failure, a close)
   */
  boolean read(long from, long until) throws InterruptedException {
    consumer.seek(partition, from);
    long position = from;
    while (position < until) {
      if (session.isStopped()) {
        return false;
      }
      List<ConsumerRecord<byte[], byte[]>> records = consumer.poll(POLL).records(partition);
      for (ConsumerRecord<byte[], byte[]> record : records) {
        if (record.offset() >= until) {
          return true;
        }
        runtime.stats().catchUpRecords.increment();
        if (!Arrays.equals(rootKey, record.key())) {
          continue;
        }
        RecordMeta meta = RecordMeta.of(record);
        if (!session.catchUpWants(meta)) {
          continue;
        }
        EventDecoder.Decoded decoded = runtime.decode(record.value());
        if (decoded.isRetriable()) {
          consumer.seek(partition, record.offset());
          Thread.sleep(REGISTRY_BACKOFF_MS);
          break;
        }
        if (!session.catchUpRecord(meta, decoded.event(), decoded.failure())) {
          return false;
        }
      }
      position = consumer.position(partition, brokerTimeout);
    }
    return true;
  }

  /**
   * Finds where to start reading {@code workflowId} without the replay index: the offset of one of
   * its events with a sequence at or below {@code target}, searching backwards in time windows.
   *
   * <p>The first window starts {@code initial} before {@code hint} (or before now) and ends at
   * {@code hi}; each next one ends where the previous began and is twice as long, until the
   * workflow's event is found, the window starts {@code max} before the anchor, or the log start is
   * reached. Within a window, records are read in order by header only and the scan stops at the
   * first event of the workflow: if its sequence is above {@code target}, the start is further
   * back.
   *
   * @return the offset to read from, or {@link #NOT_FOUND}
   * @throws EventsExpiredException if only later events of the workflow are left on the log
   */
  long search(
      String workflowId,
      long target,
      long hi,
      Instant hint,
      Duration initial,
      Duration max,
      long logStart)
      throws InterruptedException {
    long anchor = hint != null ? hint.toEpochMilli() : System.currentTimeMillis();
    long floorTime = anchor - max.toMillis();
    long window = initial.toMillis();
    long windowHi = hi;
    long laterEvent = NOT_FOUND;
    while (true) {
      long fromTime = Math.max(anchor - window, floorTime);
      long lo = Math.max(logStart, Math.min(windowHi, offsetForTime(fromTime, windowHi)));
      if (lo < windowHi) {
        long[] scan = scan(workflowId, target, lo, windowHi);
        if (scan[0] != NOT_FOUND) {
          return scan[0];
        }
        if (scan[1] != NOT_FOUND) {
          laterEvent = scan[1];
        }
      }
      boolean atLogStart = lo <= logStart;
      if (atLogStart || fromTime <= floorTime) {
        if (laterEvent != NOT_FOUND && atLogStart) {
          throw new EventsExpiredException(workflowId, partition.partition(), -1, logStart);
        }
        return laterEvent;
      }
      windowHi = lo;
      window = Math.multiplyExact(window, 2);
    }
  }

  private long offsetForTime(long timestamp, long ifNone) {
    Map<TopicPartition, OffsetAndTimestamp> found =
        consumer.offsetsForTimes(Map.of(partition, Math.max(0, timestamp)), brokerTimeout);
    OffsetAndTimestamp at = found.get(partition);
    return at == null ? ifNone : at.offset();
  }

  /** Scans {@code [lo, hi)}: {found offset or -1, offset of a later event or -1}. */
  private long[] scan(String workflowId, long target, long lo, long hi)
      throws InterruptedException {
    consumer.seek(partition, lo);
    long position = lo;
    while (position < hi) {
      if (session.isStopped()) {
        return new long[] {NOT_FOUND, NOT_FOUND};
      }
      for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL).records(partition)) {
        if (record.offset() >= hi) {
          return new long[] {NOT_FOUND, NOT_FOUND};
        }
        runtime.stats().catchUpRecords.increment();
        if (!Arrays.equals(rootKey, record.key())) {
          continue;
        }
        RecordMeta meta = RecordMeta.of(record);
        String wf = meta.workflowId();
        long sequence = meta.sequence();
        if (wf == null || sequence < 0) {
          EventDecoder.Decoded decoded = runtime.decode(record.value());
          if (decoded.isRetriable()) {
            consumer.seek(partition, record.offset());
            Thread.sleep(REGISTRY_BACKOFF_MS);
            break;
          }
          if (decoded.event() == null) {
            continue;
          }
          wf = decoded.event().getWorkflowId();
          sequence = decoded.event().getSequence();
        }
        if (!workflowId.equals(wf)) {
          continue;
        }
        return sequence <= target
            ? new long[] {record.offset(), NOT_FOUND}
            : new long[] {NOT_FOUND, record.offset()};
      }
      position = consumer.position(partition, brokerTimeout);
    }
    return new long[] {NOT_FOUND, NOT_FOUND};
  }
}
