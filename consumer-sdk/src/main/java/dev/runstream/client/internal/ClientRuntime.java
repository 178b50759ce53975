package dev.runstream.client.internal;

import dev.runstream.client.AccessDeniedException;
import dev.runstream.client.BrokerUnavailableException;
import dev.runstream.client.CancelOptions;
import dev.runstream.client.CancelReceipt;
import dev.runstream.client.ClientClosedException;
import dev.runstream.client.ClientConfig;
import dev.runstream.client.ClientStats;
import dev.runstream.client.EventsExpiredException;
import dev.runstream.client.InvalidCursorException;
import dev.runstream.client.RunResult;
import dev.runstream.client.RunSnapshot;
import dev.runstream.client.RunstreamClientException;
import dev.runstream.client.StreamFailedException;
import dev.runstream.client.StreamOptions;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.client.ViewNotFreshException;
import dev.runstream.client.ViewPosition;
import dev.runstream.client.ViewUnavailableException;
import dev.runstream.client.WorkflowStream;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a {@code RunstreamClient} owns: the shared live readers (one per partition), the
 * catch-up work, the query service client, the decoder, the threads, the open streams.
 *
 * <h2>Opening a stream</h2>
 *
 * Done off the caller's thread, so {@code replay()} and friends return at once:
 *
 * <ol>
 *   <li>ask the view for the workflow: its root (hence partition), status, last sequence and the
 *       replay index (partition and offset of its first event);
 *   <li>tail: register with the partition's live reader;
 *   <li>finished workflow with an index: read from the index to the end of the log as it is now
 *       (stopping at the terminal event) — no live reader involved;
 *   <li>otherwise: register with the live reader first (its position L), find the start (the index,
 *       else the bounded time search below L), catch up to L, then hand over to the live reader.
 * </ol>
 */
public final class ClientRuntime implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ClientRuntime.class);
  private static final int MAX_IDLE_CONSUMERS = 4;
  private static final int CATCH_UP_FETCH_MAX_WAIT_MS = 20;

  private final ClientConfig config;
  private final String topic;
  private final Duration brokerTimeout;
  private final EventDecoder decoder;
  private final ViewClient view;
  private final CancelSender cancels;
  private final ExecutorService ioPool;
  private final ExecutorService deliveryPool;
  private final ScheduledExecutorService timer;
  private final Map<Integer, LiveReader> liveReaders = new ConcurrentHashMap<>();
  private final Set<StreamSession> sessions = ConcurrentHashMap.newKeySet();
  private final ArrayDeque<Consumer<byte[], byte[]>> idleConsumers = new ArrayDeque<>();
  // Every consumer not yet closed by the runtime, for metrics().
  private final Set<Consumer<byte[], byte[]>> openConsumers = ConcurrentHashMap.newKeySet();
  private final AtomicInteger consumerIds = new AtomicInteger();
  private final Stats stats = new Stats();
  private volatile Integer partitionCount;
  private volatile boolean closed;

  public ClientRuntime(ClientConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.topic = config.topic();
    this.brokerTimeout = config.brokerTimeout();
    this.decoder = new EventDecoder(config.serdeConfig());
    this.ioPool = Executors.newCachedThreadPool(daemon("runstream-io-"));
    this.deliveryPool =
        Executors.newFixedThreadPool(config.deliveryThreads(), daemon("runstream-delivery-"));
    this.timer = Executors.newSingleThreadScheduledExecutor(daemon("runstream-timer-"));
    this.view =
        new ViewClient(config.queryUrls(), config.queryTimeout(), ioPool, config.queryToken());
    this.cancels = new CancelSender(config, view, ioPool, timer);
    timer.scheduleWithFixedDelay(this::tick, 50, 50, TimeUnit.MILLISECONDS);
  }

  private static ThreadFactory daemon(String prefix) {
    AtomicInteger n = new AtomicInteger();
    return r -> {
      Thread t = new Thread(r, prefix + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }

  public ClientConfig config() {
    return config;
  }

  String topic() {
    return topic;
  }

  Stats stats() {
    return stats;
  }

  EventDecoder.Decoded decode(byte[] value) {
    EventDecoder.Decoded decoded = decoder.decode(topic, value);
    if (decoded.event() != null) {
      stats.decoded.increment();
    }
    return decoded;
  }

  // ------------------------------------------------------------------ public operations

  /**
   * Opens a stream; the work happens on an I/O thread.
   *
   * @param known a view lookup already made for this workflow, or {@code null}
   */
  public WorkflowStream open(
      StreamSession.Kind kind,
      String workflowId,
      long afterSequence,
      StreamOptions options,
      ViewClient.Lookup known) {
    requireId(workflowId);
    Objects.requireNonNull(options, "options");
    if (kind == StreamSession.Kind.RESUME && afterSequence < -1) {
      throw new InvalidCursorException(
          workflowId, afterSequence, "a cursor is -1 (before the first event) or a sequence");
    }
    ensureOpen();
    StreamSettings settings = StreamSettings.resolve(options, config, deliveryPool);
    StreamSession session = new StreamSession(this, workflowId, kind, afterSequence, settings);
    sessions.add(session);
    try {
      ioPool.execute(() -> openTask(session, known));
    } catch (RejectedExecutionException e) {
      session.fail(new ClientClosedException("the client is closed"));
    }
    return session;
  }

  /** The run's result: from the view when it has finished, else from its events. */
  public CompletableFuture<RunResult> result(String workflowId, StreamOptions options) {
    requireId(workflowId);
    Objects.requireNonNull(options, "options");
    ensureOpen();
    CompletableFuture<RunResult> out = new CompletableFuture<>();
    AtomicReference<WorkflowStream> stream = new AtomicReference<>();
    out.whenComplete(
        (r, e) -> {
          WorkflowStream s = stream.get();
          if (out.isCancelled() && s != null) {
            s.close();
          }
        });
    lookup(workflowId, options.rootWorkflowId().orElse(null))
        .whenComplete(
            (lookup, impossible) -> {
              if (out.isDone()) {
                return;
              }
              try {
                ResultCollector collector;
                StreamSession session;
                if (lookup instanceof ViewClient.Lookup.Found found) {
                  ViewSnapshot snapshot = found.snapshot();
                  if (snapshot.isTerminal()) {
                    out.complete(ResultCollector.fromView(snapshot));
                    return;
                  }
                  session =
                      (StreamSession)
                          open(
                              StreamSession.Kind.RESUME,
                              workflowId,
                              snapshot.lastSequence(),
                              options,
                              lookup);
                  collector = new ResultCollector(snapshot);
                } else {
                  session =
                      (StreamSession)
                          open(StreamSession.Kind.REPLAY, workflowId, -1, options, lookup);
                  collector = new ResultCollector(workflowId);
                }
                stream.set(session);
                if (out.isCancelled()) {
                  session.close();
                  return;
                }
                session
                    .collect(collector, "result")
                    .whenComplete(
                        (result, error) -> {
                          if (error == null && collector.needsReplay()) {
                            // A step retried after the snapshot had started before it: the
                            // snapshot's text may hold its superseded attempt. Replay for the
                            // exact text.
                            replayResult(workflowId, options, lookup, stream, out);
                          } else if (error == null) {
                            out.complete(result);
                          } else if (error instanceof EventsExpiredException expired
                              && lookup instanceof ViewClient.Lookup.Unavailable u) {
                            out.completeExceptionally(
                                new ViewUnavailableException(
                                    "the events of workflow "
                                        + workflowId
                                        + " aged out and the view is unavailable: "
                                        + u.reason(),
                                    expired));
                          } else {
                            out.completeExceptionally(error);
                          }
                        });
              } catch (RuntimeException e) {
                out.completeExceptionally(e);
              }
            });
    return out;
  }

  /** Publishes a cancel request for the workflow; see {@code RunstreamClient#cancel}. */
  public CompletableFuture<CancelReceipt> cancel(String workflowId, CancelOptions options) {
    CancelSender.checkId(workflowId);
    Objects.requireNonNull(options, "options");
    ensureOpen();
    return cancels.cancel(workflowId, options);
  }

  /** Completes {@code out} with the result of a replay of the workflow from its first event. */
  private void replayResult(
      String workflowId,
      StreamOptions options,
      ViewClient.Lookup lookup,
      AtomicReference<WorkflowStream> stream,
      CompletableFuture<RunResult> out) {
    if (out.isDone()) {
      return;
    }
    try {
      StreamSession replay =
          (StreamSession) open(StreamSession.Kind.REPLAY, workflowId, -1, options, lookup);
      stream.set(replay);
      if (out.isCancelled()) {
        replay.close();
        return;
      }
      replay
          .collect(new ResultCollector(workflowId), "result")
          .whenComplete(
              (result, error) -> {
                if (error == null) {
                  out.complete(result);
                } else {
                  out.completeExceptionally(error);
                }
              });
    } catch (RuntimeException e) {
      out.completeExceptionally(e);
    }
  }

  /** The view's snapshot of the run, at least as fresh as {@code atLeast} when not null. */
  public CompletableFuture<RunSnapshot> view(String workflowId, ViewPosition atLeast) {
    requireId(workflowId);
    ensureOpen();
    CompletableFuture<ViewClient.Lookup> lookup =
        atLeast == null
            ? view.lookup(workflowId, (String) null)
            : view.lookupAtLeast(workflowId, atLeast);
    return lookup.thenApply(
        l -> {
          if (l instanceof ViewClient.Lookup.Found found) {
            stats.viewAnswers.increment();
            return found.snapshot().toRunSnapshot();
          }
          if (l instanceof ViewClient.Lookup.NotFound) {
            throw new UnknownWorkflowException(
                workflowId,
                atLeast == null
                    ? "the view does not know it"
                    : "the view does not know it at position " + atLeast);
          }
          if (l instanceof ViewClient.Lookup.NotFresh notFresh) {
            throw new ViewNotFreshException(
                "the view of workflow " + workflowId + " is not fresh: " + notFresh.reason());
          }
          stats.viewUnavailable.increment();
          throw new ViewUnavailableException(
              "the view of workflow "
                  + workflowId
                  + " is unavailable: "
                  + ((ViewClient.Lookup.Unavailable) l).reason(),
              null);
        });
  }

  public ClientStats clientStats() {
    return new ClientStats(
        sessions.size(),
        liveReaders.size(),
        stats.activeCatchUps.get(),
        stats.liveRecords.sum(),
        stats.catchUpRecords.sum(),
        stats.decoded.sum(),
        stats.skippedRecords.sum(),
        stats.gaps.sum(),
        stats.overflows.sum(),
        stats.viewAnswers.sum(),
        stats.viewUnavailable.sum());
  }

  private static void requireId(String workflowId) {
    Objects.requireNonNull(workflowId, "workflowId");
    if (workflowId.isBlank()) {
      throw new IllegalArgumentException("workflowId must not be blank");
    }
  }

  private void ensureOpen() {
    if (closed) {
      throw new ClientClosedException("the client is closed");
    }
  }

  // ------------------------------------------------------------------ opening

  private CompletableFuture<ViewClient.Lookup> lookup(String workflowId, String rootHint) {
    return view.lookup(workflowId, rootHint)
        .thenApply(
            lookup -> {
              if (lookup instanceof ViewClient.Lookup.Unavailable u) {
                if (view.isEnabled()) {
                  stats.viewUnavailable.increment();
                  LOG.debug("view unavailable for {}: {}", workflowId, u.reason());
                }
              } else {
                stats.viewAnswers.increment();
              }
              return lookup;
            });
  }

  private void openTask(StreamSession s, ViewClient.Lookup known) {
    try {
      long begin = System.nanoTime();
      ViewClient.Lookup lookup =
          known != null ? known : lookup(s.workflowId(), s.settings().rootWorkflowId()).get();
      if (LOG.isDebugEnabled()) {
        LOG.debug(
            "{}: view lookup {} in {} µs",
            s,
            lookup.getClass().getSimpleName(),
            (System.nanoTime() - begin) / 1_000);
      }
      ViewSnapshot snapshot =
          lookup instanceof ViewClient.Lookup.Found found ? found.snapshot() : null;
      StreamSettings settings = s.settings();
      String root =
          settings.rootWorkflowId() != null
              ? settings.rootWorkflowId()
              : snapshot != null ? snapshot.rootWorkflowId() : s.workflowId();
      int partition =
          snapshot != null && snapshot.hasPosition()
              ? snapshot.positionPartition()
              : snapshot != null && snapshot.hasIndex()
                  ? snapshot.firstEventPartition()
                  : Partitioning.partitionFor(root, partitionCount());
      TopicPartition tp = new TopicPartition(topic, partition);
      s.bind(root, partition);
      if (s.kind() == StreamSession.Kind.TAIL) {
        if (snapshot != null && snapshot.isTerminal()) {
          s.completeNow();
          return;
        }
        s.beginLive();
        attachLive(s, tp);
        s.markOpened();
        return;
      }
      if (s.kind() == StreamSession.Kind.JOIN) {
        s.joinAt(snapshot != null ? snapshot : ViewSnapshot.empty(s.workflowId(), root));
        if (snapshot != null && snapshot.isTerminal()) {
          s.completeNow();
          return;
        }
        if (snapshot != null && snapshot.hasPosition()) {
          // Snapshot plus tail: the events after the view's position, whatever the run's length.
          catchUp(s, tp, null, null, snapshot.positionOffset() + 1);
          return;
        }
      }
      long after = s.afterSequence();
      if (s.kind() == StreamSession.Kind.RESUME && snapshot != null && snapshot.isTerminal()) {
        if (after > snapshot.lastSequence()) {
          throw new InvalidCursorException(
              s.workflowId(), after, "the workflow ended at sequence " + snapshot.lastSequence());
        }
        if (after == snapshot.lastSequence()) {
          s.completeNow();
          return;
        }
      }
      if (s.kind() == StreamSession.Kind.RESUME
          && snapshot != null
          && snapshot.hasPosition()
          && after == snapshot.lastSequence()
          && !s.settings().includeChildren()) {
        // Resuming exactly at the view's last sequence (text() and result() of a running run):
        // every event after it is past the view's position, so read from there, not from the
        // run's first event.
        catchUp(s, tp, null, null, snapshot.positionOffset() + 1);
        return;
      }
      catchUp(s, tp, snapshot, lookup, -1);
    } catch (Throwable e) {
      s.fail(translate(s, e));
    }
  }

  /** Re-reads a session that overflowed under the RESUME policy, then re-joins the live reader. */
  void reattach(StreamSession s) {
    if (closed || s.isStopped()) {
      return;
    }
    try {
      ioPool.execute(
          () -> {
            try {
              catchUp(s, new TopicPartition(topic, s.partition()), null, null, s.resumeFrom());
            } catch (Throwable e) {
              s.fail(translate(s, e));
            }
          });
    } catch (RejectedExecutionException e) {
      s.fail(new ClientClosedException("the client is closed"));
    }
  }

  /**
   * Catch-up then hand-off. With {@code from >= 0} (re-reading after an overflow) reads from there;
   * otherwise from the view's index, or where the time search finds the workflow's start.
   */
  private void catchUp(
      StreamSession s,
      TopicPartition tp,
      ViewSnapshot snapshot,
      ViewClient.Lookup lookup,
      long from)
      throws Exception {
    Consumer<byte[], byte[]> consumer = borrowConsumer();
    stats.activeCatchUps.incrementAndGet();
    try {
      CatchUpReader reader = new CatchUpReader(this, consumer, tp, s, brokerTimeout);
      if (from >= 0) {
        s.beginCatchUp();
        long until = attachLive(s, tp);
        s.markOpened();
        handOffLoop(s, reader, tp, from, until);
        return;
      }
      long begin = System.nanoTime();
      long logStart = reader.logStart();
      if (snapshot != null && snapshot.isTerminal() && snapshot.hasIndex()) {
        requireRetained(s, tp, snapshot.firstEventOffset(), logStart);
        long end = reader.logEnd();
        s.beginCatchUp();
        s.markOpened();
        long opened = System.nanoTime();
        if (reader.read(snapshot.firstEventOffset(), end)) {
          s.catchUpEnd(snapshot.lastSequence());
        }
        if (LOG.isDebugEnabled()) {
          LOG.debug(
              "{}: indexed replay of {} from offset {}: offsets in {} µs, read in {} µs",
              s,
              tp,
              snapshot.firstEventOffset(),
              (opened - begin) / 1_000,
              (System.nanoTime() - opened) / 1_000);
        }
        return;
      }
      s.beginCatchUp();
      long liveStart = attachLive(s, tp);
      long start;
      if (snapshot != null && snapshot.hasIndex()) {
        requireRetained(s, tp, snapshot.firstEventOffset(), logStart);
        start = snapshot.firstEventOffset();
      } else {
        long target = s.kind() == StreamSession.Kind.REPLAY ? 0 : Math.max(0, s.afterSequence());
        Instant hint =
            s.settings().startTimeHint() != null
                ? s.settings().startTimeHint()
                : snapshot != null ? snapshot.startedAt() : null;
        start =
            reader.search(
                s.workflowId(),
                target,
                liveStart,
                hint,
                config.replayLookbackInitial(),
                config.replayLookbackMax(),
                logStart);
        if (start == CatchUpReader.NOT_FOUND) {
          s.awaitStart(notFoundReason(lookup, hint));
          start = liveStart;
        }
      }
      s.markOpened();
      handOffLoop(s, reader, tp, start, liveStart);
    } finally {
      stats.activeCatchUps.decrementAndGet();
      releaseConsumer(consumer);
    }
  }

  private String notFoundReason(ViewClient.Lookup lookup, Instant hint) {
    String viewPart =
        lookup instanceof ViewClient.Lookup.NotFound
            ? "the view does not know it"
            : lookup instanceof ViewClient.Lookup.Found
                ? "the view has no replay index for it"
                : "the view is unavailable";
    return viewPart
        + ", no event of it is on the topic "
        + (hint != null
            ? "since " + hint.minus(config.replayLookbackInitial())
            : "in the last " + config.replayLookbackMax());
  }

  private void handOffLoop(
      StreamSession s, CatchUpReader reader, TopicPartition tp, long from, long until)
      throws Exception {
    while (true) {
      if (from < until && !reader.read(from, until)) {
        return;
      }
      long again = s.handOff();
      if (again < 0) {
        return;
      }
      s.beginCatchUp();
      from = again;
      until = attachLive(s, tp);
    }
  }

  private void requireRetained(StreamSession s, TopicPartition tp, long first, long logStart) {
    if (first < logStart) {
      throw new EventsExpiredException(s.workflowId(), tp.partition(), first, logStart);
    }
  }

  /** Registers with the partition's live reader, creating it if needed; returns L. */
  private long attachLive(StreamSession s, TopicPartition tp) throws Exception {
    ensureOpen();
    LiveReader reader =
        liveReaders.computeIfAbsent(
            tp.partition(),
            p -> {
              LiveReader r = new LiveReader(this, tp, newConsumer("live-" + p), brokerTimeout);
              r.start();
              return r;
            });
    try {
      return reader.register(s).get(brokerTimeout.toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } catch (TimeoutException e) {
      throw new BrokerUnavailableException(
          "the live reader of " + tp + " did not register the stream within " + brokerTimeout, e);
    }
  }

  /**
   * The fatal error for a refused login or a missing ACL.
   *
   * @param t Kafka's authentication or authorization exception
   * @return the exception to fail streams with
   */
  AccessDeniedException accessDenied(Throwable t) {
    String what =
        t instanceof AuthenticationException
            ? "authentication to "
                + config.bootstrapServers()
                + " failed; check security.protocol, the SASL user and password or the"
                + " certificates"
            : "the client's principal may not read topic "
                + config.topic()
                + "; it needs READ and DESCRIBE on it (see `runstream acl`)";
    return new AccessDeniedException(what + ": " + t.getMessage(), t);
  }

  private RunstreamClientException translate(StreamSession s, Throwable e) {
    Throwable t = e;
    while ((t instanceof ExecutionException
            || t instanceof java.util.concurrent.CompletionException)
        && t.getCause() != null) {
      t = t.getCause();
    }
    if (t instanceof RunstreamClientException r) {
      return r;
    }
    if (closed || t instanceof InterruptedException) {
      return new ClientClosedException("the client was closed while opening the stream");
    }
    if (t instanceof OffsetOutOfRangeException) {
      return new EventsExpiredException(s.workflowId(), s.partition(), -1, -1);
    }
    if (t instanceof AuthenticationException || t instanceof AuthorizationException) {
      return accessDenied(t);
    }
    if (t instanceof org.apache.kafka.common.errors.TimeoutException) {
      return new BrokerUnavailableException(
          "the broker at "
              + config.bootstrapServers()
              + " did not answer within "
              + brokerTimeout
              + " while opening the stream of workflow "
              + s.workflowId(),
          t);
    }
    if (t instanceof KafkaException) {
      return new BrokerUnavailableException(
          "the Kafka client failed while opening the stream of workflow "
              + s.workflowId()
              + ": "
              + t,
          t);
    }
    LOG.error("stream of workflow {} failed unexpectedly", s.workflowId(), t);
    return new StreamFailedException(
        "the stream of workflow " + s.workflowId() + " failed unexpectedly: " + t, t);
  }

  // ------------------------------------------------------------------ Kafka plumbing

  int partitionCount() {
    Integer known = partitionCount;
    if (known != null) {
      return known;
    }
    Consumer<byte[], byte[]> consumer = borrowConsumer();
    try {
      List<PartitionInfo> partitions = consumer.partitionsFor(topic, brokerTimeout);
      if (partitions == null || partitions.isEmpty()) {
        throw new BrokerUnavailableException(
            "topic " + topic + " does not exist on " + config.bootstrapServers(), null);
      }
      partitionCount = partitions.size();
      return partitions.size();
    } finally {
      releaseConsumer(consumer);
    }
  }

  private Consumer<byte[], byte[]> borrowConsumer() {
    synchronized (idleConsumers) {
      Consumer<byte[], byte[]> idle = idleConsumers.pollFirst();
      if (idle != null) {
        return idle;
      }
    }
    return newConsumer("replay-" + consumerIds.incrementAndGet());
  }

  private void releaseConsumer(Consumer<byte[], byte[]> consumer) {
    try {
      consumer.unsubscribe();
    } catch (RuntimeException e) {
      closeQuietly(consumer);
      return;
    }
    synchronized (idleConsumers) {
      if (!closed && idleConsumers.size() < MAX_IDLE_CONSUMERS) {
        idleConsumers.addLast(consumer);
        return;
      }
    }
    closeQuietly(consumer);
  }

  private void closeQuietly(Consumer<byte[], byte[]> consumer) {
    openConsumers.remove(consumer);
    try {
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    } catch (RuntimeException e) {
      LOG.debug("closing a consumer", e);
    }
  }

  private Consumer<byte[], byte[]> newConsumer(String role) {
    Map<String, Object> props = new HashMap<>(config.securityProperties());
    props.putAll(config.consumerOverrides());
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, config.clientId() + "-" + role);
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.putIfAbsent(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) brokerTimeout.toMillis());
    props.putIfAbsent(
        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(30_000, brokerTimeout.toMillis()));
    props.putIfAbsent(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 1_000);
    props.putIfAbsent(
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, role.startsWith("live") ? "latest" : "none");
    if (!role.startsWith("live")) {
      // A catch-up reader only reads up to an offset it already knows, but the client prefetches:
      // its last fetch waits at the log end for fetch.max.wait.ms (500 ms by default), and a pooled
      // consumer's next replay cannot fetch from that broker until it returns.
      props.putIfAbsent(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, CATCH_UP_FETCH_MAX_WAIT_MS);
    }
    Consumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    openConsumers.add(consumer);
    return consumer;
  }

  /**
   * The Kafka metrics of every consumer the client has open (live readers, catch-up readers, idle
   * pooled ones), merged; each consumer's metrics carry its own {@code client-id} tag.
   */
  public Map<MetricName, Metric> metrics() {
    Map<MetricName, Metric> all = new HashMap<>();
    for (Consumer<byte[], byte[]> consumer : openConsumers) {
      try {
        consumer.metrics().forEach(all::putIfAbsent);
      } catch (RuntimeException e) {
        LOG.debug("metrics of a closing consumer", e);
      }
    }
    return all;
  }

  // ------------------------------------------------------------------ lifecycle

  void ended(StreamSession s) {
    sessions.remove(s);
  }

  private void tick() {
    long now = System.nanoTime();
    for (StreamSession s : sessions) {
      try {
        s.tick(now);
      } catch (RuntimeException e) {
        LOG.warn("timer of {} failed", s, e);
      }
    }
  }

  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    cancels.close();
    for (StreamSession s : new ArrayList<>(sessions)) {
      s.fail(new ClientClosedException("the client was closed"));
    }
    timer.shutdownNow();
    ioPool.shutdownNow();
    for (LiveReader reader : liveReaders.values()) {
      reader.close();
    }
    liveReaders.clear();
    openConsumers.clear();
    synchronized (idleConsumers) {
      idleConsumers.forEach(this::closeQuietly);
      idleConsumers.clear();
    }
    deliveryPool.shutdown();
    try {
      if (!ioPool.awaitTermination(5, TimeUnit.SECONDS)) {
        LOG.warn("catch-up readers did not stop within 5 s");
      }
      if (!deliveryPool.awaitTermination(2, TimeUnit.SECONDS)) {
        deliveryPool.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
