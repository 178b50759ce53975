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
 * so the text always matches the header's {@code last_sequence}.
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

  /**
   * The run with its text, looked up in {@code partition} or, if null, in every local partition.
   */
  public Optional<WorkflowRun> run(String workflowId, Integer partition) {
    StateQueryRequest<WorkflowState> request =
        request(
            StateQueryRequest.inStore(WorkflowTopology.RUNS_STORE)
                .withQuery(KeyQuery.<String, WorkflowState>withKey(workflowId)),
            partition);
    StateQueryResult<WorkflowState> result = streams.query(request);
    for (Map.Entry<Integer, QueryResult<WorkflowState>> e :
        result.getPartitionResults().entrySet()) {
      WorkflowState state = value(e.getValue());
      if (state != null) {
        int p = e.getKey();
        WorkflowRun run = state.run();
        run.put("text", TextChunks.assemble(state, i -> chunk(workflowId, i, p)));
        return Optional.of(run);
      }
    }
    return Optional.empty();
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
