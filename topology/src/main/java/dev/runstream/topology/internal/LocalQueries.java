package dev.runstream.topology.internal;

import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.UsageAggregate;
import dev.runstream.schemas.UsageDimension;
import dev.runstream.schemas.WorkflowRun;
import dev.runstream.topology.WorkflowTopology;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Windowed;
import org.apache.kafka.streams.query.FailureReason;
import org.apache.kafka.streams.query.KeyQuery;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.query.RangeQuery;
import org.apache.kafka.streams.query.StateQueryRequest;
import org.apache.kafka.streams.query.StateQueryResult;
import org.apache.kafka.streams.query.WindowKeyQuery;
import org.apache.kafka.streams.query.WindowRangeQuery;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.apache.kafka.streams.state.WindowStoreIterator;

/**
 * Interactive queries (IQv2) against this instance's active stores only. Routing to other instances
 * is {@link QueryServer}'s job.
 *
 * <p>A run is read header first, then its text chunk by chunk with {@code KeyQuery}, which reads
 * through the store cache (a {@code RangeQuery} would bypass it and miss writes not yet flushed),
 * and the text is cut at the header's length: chunks are written before the header and only grow,
 * so the text always matches the header's {@code last_sequence}. A step retry rewrites the text
 * into a new generation of chunks and deletes the previous one at the workflow's next event; a
 * reader that loses that race finds a chunk missing and reads the header again.
 */
public final class LocalQueries {
  private final KafkaStreams streams;
  private final Duration windowSize;

  public LocalQueries(KafkaStreams streams, Duration windowSize) {
    this.streams = streams;
    this.windowSize = windowSize;
  }

  /** Raised when the stores cannot answer now (rebalance, restoration); retry later. */
  public static final class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    UnavailableException(String message) {
      super(message);
    }
  }

  /** A chunk the header promised was gone: the text was rewritten since the header was read. */
  private static final class TextChangedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TextChangedException(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * Raised when the store of a partition has not applied the events topic up to a requested offset
   * yet (IQv2 {@code NOT_UP_TO_BOUND}); {@link #appliedOffset} is how far it has, -1 if unknown.
   */
  public static final class NotFreshException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long appliedOffset;

    NotFreshException(String message, long appliedOffset) {
      super(message);
      this.appliedOffset = appliedOffset;
    }

    public long appliedOffset() {
      return appliedOffset;
    }
  }

  /**
   * A run read from the store of one partition, with the store's position: {@code appliedOffset} is
   * the offset of the last events-topic record of {@code partition} whose processing wrote the runs
   * store (IQv2 {@code Position}), -1 if the store reports none. Every event of the run at or below
   * that offset is in {@code run}; none above it is.
   */
  public record RunRead(WorkflowRun run, int partition, long appliedOffset) {}

  /**
   * The run with its text and the store's position, looked up in {@code partition} or, if null, in
   * every local partition. With {@code atLeastOffset >= 0} the read is bounded (IQv2 {@code
   * PositionBound}): the store of {@code partition} must have applied {@code eventsTopic} up to
   * that offset, else {@link NotFreshException}.
   */
  public Optional<RunRead> read(
      String workflowId, Integer partition, String eventsTopic, long atLeastOffset) {
    for (int attempt = 1; ; attempt++) {
      try {
        return readOnce(workflowId, partition, eventsTopic, atLeastOffset);
      } catch (TextChangedException e) {
        if (attempt == 3) {
          throw new UnavailableException(
              "the text of " + workflowId + " changed under three reads: " + e.getMessage());
        }
      }
    }
  }

  private Optional<RunRead> readOnce(
      String workflowId, Integer partition, String eventsTopic, long atLeastOffset) {
    StateQueryRequest<WorkflowState> request =
        StateQueryRequest.inStore(WorkflowTopology.RUNS_STORE)
            .withQuery(KeyQuery.<String, WorkflowState>withKey(workflowId));
    if (atLeastOffset < 0 || partition == null) {
      request = request(request, partition);
    } else {
      // Kafka Streams ignores the bound of a query that requires an active task (it takes an
      // active store to be current, which it is not while it still has records to process), so a
      // bounded read asks for the partition without requireActive: the bound is what matters.
      request =
          request
              .withPartitions(Set.of(partition))
              .withPositionBound(
                  PositionBound.at(
                      Position.emptyPosition()
                          .withComponent(eventsTopic, partition, atLeastOffset)));
    }
    StateQueryResult<WorkflowState> result = streams.query(request);
    for (Map.Entry<Integer, QueryResult<WorkflowState>> e :
        result.getPartitionResults().entrySet()) {
      QueryResult<WorkflowState> r = e.getValue();
      int p = e.getKey();
      if (r.isFailure() && r.getFailureReason() == FailureReason.NOT_UP_TO_BOUND) {
        throw new NotFreshException(r.getFailureMessage(), offsetOf(r, eventsTopic, p));
      }
      WorkflowState state = value(r);
      if (state != null) {
        WorkflowRun run = state.run();
        try {
          run.put("text", TextChunks.assemble(state, i -> chunk(workflowId, i, p)));
        } catch (IllegalStateException missing) {
          throw new TextChangedException(missing.getMessage());
        }
        return Optional.of(new RunRead(run, p, offsetOf(r, eventsTopic, p)));
      }
    }
    return Optional.empty();
  }

  private static long offsetOf(QueryResult<?> result, String topic, int partition) {
    Position position = result.getPosition();
    if (position == null || topic == null) {
      return -1;
    }
    Long offset = position.getPartitionPositions(topic).get(partition);
    return offset == null ? -1 : offset;
  }

  private byte[] chunk(String workflowId, int index, int partition) {
    StateQueryResult<byte[]> result =
        streams.query(
            StateQueryRequest.inStore(WorkflowTopology.TEXT_STORE)
                .withQuery(KeyQuery.<ChunkKey, byte[]>withKey(new ChunkKey(workflowId, index)))
                .withPartitions(Set.of(partition))
                .requireActive());
    QueryResult<byte[]> r = result.getPartitionResults().get(partition);
    return r == null ? null : value(r);
  }

  /**
   * Runs of the local partitions, without their text, optionally with one status, sorted by
   * workflow id, at most {@code limit}. Reads the stores below their cache, so a run may show the
   * state of up to one commit interval ago.
   */
  public List<WorkflowRun> list(RunStatus status, int limit) {
    StateQueryResult<KeyValueIterator<String, WorkflowState>> result =
        streams.query(
            StateQueryRequest.inStore(WorkflowTopology.RUNS_STORE)
                .withQuery(RangeQuery.<String, WorkflowState>withNoBounds())
                .requireActive());
    List<WorkflowRun> runs = new ArrayList<>();
    for (QueryResult<KeyValueIterator<String, WorkflowState>> r :
        result.getPartitionResults().values()) {
      try (KeyValueIterator<String, WorkflowState> it = value(r)) {
        while (it != null && it.hasNext()) {
          WorkflowRun run = it.next().value.run();
          if (status == null || run.getStatus() == status) {
            runs.add(run);
          }
        }
      }
    }
    runs.sort(Comparator.comparing(WorkflowRun::getWorkflowId));
    return runs.size() > limit ? new ArrayList<>(runs.subList(0, limit)) : runs;
  }

  /**
   * Usage windows starting in [{@code from}, {@code to}] of one dimension value ({@code key} like
   * {@code MODEL:gpt-4o}), or of every value of {@code dimension} (all if null) when key is null.
   */
  public List<UsageAggregate> usage(
      UsageDimension dimension, String key, Instant from, Instant to) {
    List<UsageAggregate> out = new ArrayList<>();
    if (key != null) {
      // Values are ValueAndTimestamp from the RocksDB (timestamped) store, plain from memory.
      StateQueryResult<WindowStoreIterator<Object>> result =
          streams.query(
              StateQueryRequest.inStore(WorkflowTopology.USAGE_STORE)
                  .withQuery(
                      WindowKeyQuery.<String, Object>withKeyAndWindowStartRange(key, from, to))
                  .requireActive());
      for (QueryResult<WindowStoreIterator<Object>> r : result.getPartitionResults().values()) {
        try (WindowStoreIterator<Object> it = value(r)) {
          while (it != null && it.hasNext()) {
            KeyValue<Long, Object> next = it.next();
            out.add(windowed(key, Instant.ofEpochMilli(next.key), unwrap(next.value)));
          }
        }
      }
    } else {
      StateQueryResult<KeyValueIterator<Windowed<String>, Object>> result =
          streams.query(
              StateQueryRequest.inStore(WorkflowTopology.USAGE_STORE)
                  .withQuery(WindowRangeQuery.<String, Object>withWindowStartRange(from, to))
                  .requireActive());
      for (QueryResult<KeyValueIterator<Windowed<String>, Object>> r :
          result.getPartitionResults().values()) {
        try (KeyValueIterator<Windowed<String>, Object> it = value(r)) {
          while (it != null && it.hasNext()) {
            KeyValue<Windowed<String>, Object> next = it.next();
            if (dimension == null || UsageKeys.dimensionOf(next.key.key()) == dimension) {
              out.add(UsageAggregation.withWindow(next.key, unwrap(next.value)));
            }
          }
        }
      }
    }
    out.sort(
        Comparator.comparing((UsageAggregate a) -> a.getWindowStart())
            .thenComparing(a -> a.getDimension().name())
            .thenComparing(UsageAggregate::getKey));
    return out;
  }

  private static UsageAggregate unwrap(Object value) {
    return (UsageAggregate)
        (value instanceof ValueAndTimestamp<?> timestamped ? timestamped.value() : value);
  }

  private UsageAggregate windowed(String groupKey, Instant start, UsageAggregate sum) {
    return new UsageAggregate(
        UsageKeys.dimensionOf(groupKey),
        UsageKeys.valueOf(groupKey),
        start,
        start.plus(windowSize),
        sum.getUsage(),
        sum.getSteps(),
        sum.getUnpricedSteps());
  }

  private static <R> StateQueryRequest<R> request(StateQueryRequest<R> request, Integer partition) {
    StateQueryRequest<R> active = request.requireActive();
    return partition == null ? active : active.withPartitions(Set.of(partition));
  }

  private static <R> R value(QueryResult<R> result) {
    if (result.isSuccess()) {
      return result.getResult();
    }
    if (result.getFailureReason() == FailureReason.NOT_ACTIVE
        || result.getFailureReason() == FailureReason.NOT_PRESENT
        || result.getFailureReason() == FailureReason.NOT_UP_TO_BOUND) {
      throw new UnavailableException(result.getFailureReason() + ": " + result.getFailureMessage());
    }
    throw new IllegalStateException(result.getFailureReason() + ": " + result.getFailureMessage());
  }
}
