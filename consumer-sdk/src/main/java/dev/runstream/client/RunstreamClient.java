package dev.runstream.client;

import dev.runstream.client.internal.ClientRuntime;
import dev.runstream.client.internal.StreamSession;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Reads the events of agent runs: replay a run from its first event, tail it live, resume it from a
 * cursor, or get its final text and result — Polos' {@code stream.events}, {@code
 * stream.text_chunks}, {@code stream.text()} and {@code stream.result()}, for Java services, UIs
 * and tools.
 *
 * <pre>{@code
 * try (RunstreamClient client = RunstreamClient.create(ClientConfig.fromEnvironment())) {
 *   try (WorkflowStream events = client.replay(workflowId)) {   // from its first event
 *     for (AgentEvent e : events) {                              // ends after agent_finish or error
 *       System.out.println(EventType.of(e).wireName() + " #" + e.getSequence());
 *     }
 *   }
 *   client.tail(workflowId).textChunks().forEach(System.out::print);  // live, from now
 *   WorkflowStream rest = client.resume(workflowId, lastSeenSequence); // like Last-Event-ID
 *   String text = client.text(workflowId).get();                       // the final text
 *   RunResult r = client.result(workflowId).get(30, TimeUnit.SECONDS); // result, steps, usage, tools
 *   client.cancel(workflowId, "user pressed stop");                    // ask its worker to stop
 * }
 * }</pre>
 *
 * <h2>How it reads</h2>
 *
 * <ul>
 *   <li><b>Indexed replay.</b> All events of a workflow tree are keyed by its root workflow id, so
 *       they sit on one partition, found with the producer's partitioner. The topology's
 *       materialized view ({@link ClientConfig#QUERY_URL_CONFIG}) knows the offset of each
 *       workflow's first event; a replay {@code assign()}s that partition and {@code seek()}s there
 *       — no consumer group, no scan. Without the view, it finds the start with {@code
 *       offsetsForTimes} in time windows growing backwards from now (or around {@link
 *       StreamOptions.Builder#startTimeHint}), reading record headers only, bounded by {@link
 *       ClientConfig#REPLAY_LOOKBACK_MAX_MS_CONFIG}. It never reads a partition from its beginning
 *       (unless the partition is younger than that bound).
 *   <li><b>Finished workflows.</b> {@link #text} and {@link #result} of a finished run come
 *       straight from the view, without reading events — even after the events aged out of
 *       retention.
 *   <li><b>One reader, many subscribers.</b> Live events come from one shared Kafka consumer per
 *       partition, whatever the number of subscribers; records of other workflows are skipped by
 *       key and headers without decoding, and a record is decoded once for all its subscribers.
 *       Each subscriber has a bounded buffer; the shared reader never waits for a slow one, which
 *       meets its {@link OverflowPolicy} instead: by default it is detached with a {@link
 *       SubscriberOverflowException} carrying its last sequence, so it can resume.
 *   <li>A replay of a running workflow catches up with a reader of its own, then joins the shared
 *       reader without a gap or a duplicate.
 * </ul>
 *
 * <h2>Failures</h2>
 *
 * Stream methods return at once; the stream is opened in the background and reports problems
 * through the stream (thrown by its iterator, {@code onError} for push subscribers, exceptional
 * completion of futures). All are {@link RunstreamClientException}s, {@linkplain
 * RunstreamClientException#isRetriable() retriable} or not:
 *
 * <table>
 *   <caption>What happens when</caption>
 *   <tr><th>situation</th><th>outcome</th></tr>
 *   <tr><td>unknown workflow id</td><td>replay, resume, text, result: wait {@link
 *       StreamOptions.Builder#startTimeout start timeout} for it to start, then {@link
 *       UnknownWorkflowException}; tail: waits (set an idle timeout)</td></tr>
 *   <tr><td>cursor below -1, or past the end of a finished workflow</td><td>{@link
 *       InvalidCursorException}</td></tr>
 *   <tr><td>events aged out of retention</td><td>replay: {@link EventsExpiredException}; text and
 *       result still answer from the view</td></tr>
 *   <tr><td>undeserializable record</td><td>{@link SkippedRecordException} to {@link
 *       StreamOptions.Builder#onSkippedRecord}, with partition and offset; skipped</td></tr>
 *   <tr><td>missing sequences</td><td>{@link GapDetectedException}, see {@link
 *       GapPolicy}</td></tr>
 *   <tr><td>broker down when opening</td><td>{@link BrokerUnavailableException} after {@link
 *       ClientConfig#BROKER_TIMEOUT_MS_CONFIG}</td></tr>
 *   <tr><td>broker down while streaming</td><td>the stream waits and carries on when it is back;
 *       {@link StreamTimeoutException} if an idle timeout is set and elapses</td></tr>
 *   <tr><td>registry down</td><td>events with cached schemas keep flowing; others wait for the
 *       registry</td></tr>
 *   <tr><td>view down</td><td>replay falls back to the time search; text and result replay the
 *       events</td></tr>
 *   <tr><td>slow subscriber</td><td>{@link SubscriberOverflowException} under {@link
 *       OverflowPolicy#FAIL}; transparent re-read under {@link OverflowPolicy#RESUME}</td></tr>
 * </table>
 *
 * <p>Thread-safe; one client per application is enough and cheap streams share it. {@link #close()}
 * ends every open stream with {@link ClientClosedException} and stops every thread and consumer.
 */
public final class RunstreamClient implements AutoCloseable {
  private final ClientRuntime runtime;

  private RunstreamClient(ClientConfig config) {
    this.runtime = new ClientRuntime(config);
  }

  /**
   * A client with {@code config}. No connection is made until the first stream is opened.
   *
   * @param config the configuration
   * @return the client; close it
   */
  public static RunstreamClient create(ClientConfig config) {
    return new RunstreamClient(config);
  }

  /**
   * A client configured from the defaults, environment variables and system properties.
   *
   * @return the client; close it
   * @throws org.apache.kafka.common.config.ConfigException for an invalid value
   */
  public static RunstreamClient create() {
    return create(ClientConfig.fromEnvironment());
  }

  /** The client's configuration. */
  public ClientConfig config() {
    return runtime.config();
  }

  /**
   * The workflow's events from its first one, in order, ending after its {@code agent_finish} or
   * {@code error}. A running workflow is followed live to its end.
   *
   * @param workflowId the workflow (a root or a child)
   * @return the stream; consume it once and close it
   * @throws ClientClosedException if the client is closed
   */
  public WorkflowStream replay(String workflowId) {
    return replay(workflowId, StreamOptions.DEFAULTS);
  }

  /**
   * As {@link #replay(String)}, with options.
   *
   * <pre>{@code
   * client.replay(id, StreamOptions.newBuilder().includeChildren(true).build())
   *     .forEachAsync(e -> ui.send(e));
   * }</pre>
   */
  public WorkflowStream replay(String workflowId, StreamOptions options) {
    return runtime.open(StreamSession.Kind.REPLAY, workflowId, -1, options, null);
  }

  /**
   * The workflow's events from now on, live, ending after its {@code agent_finish} or {@code
   * error}. The first event may have any sequence; from there on each arrives in order. A workflow
   * that has already finished (according to the view) gives an empty stream. A workflow that has
   * not started yet is waited for.
   *
   * @param workflowId the workflow
   * @return the stream; consume it once and close it
   */
  public WorkflowStream tail(String workflowId) {
    return tail(workflowId, StreamOptions.DEFAULTS);
  }

  /** As {@link #tail(String)}, with options. */
  public WorkflowStream tail(String workflowId, StreamOptions options) {
    return runtime.open(StreamSession.Kind.TAIL, workflowId, -1, options, null);
  }

  /**
   * The workflow's events after sequence {@code afterSequence}, as a browser reconnecting with
   * {@code Last-Event-ID}: the catch-up is read from the topic, then the stream goes on live. With
   * {@code afterSequence} -1 it is a replay. A cursor equal to the last sequence of a finished
   * workflow gives an empty stream.
   *
   * <p>With {@link StreamOptions.Builder#includeChildren children}, the cursor is a position in the
   * tree: child events published after this workflow's event {@code afterSequence} are delivered.
   *
   * <pre>{@code
   * long cursor = Long.parseLong(request.getHeader("Last-Event-ID"));
   * client.resume(id, cursor).subscribe(sseSubscriber);
   * }</pre>
   *
   * @param workflowId the workflow
   * @param afterSequence the last sequence the caller has; -1 for none
   * @return the stream; consume it once and close it
   * @throws InvalidCursorException if {@code afterSequence} is below -1 (a cursor past the end of a
   *     finished workflow fails the stream with it)
   */
  public WorkflowStream resume(String workflowId, long afterSequence) {
    return resume(workflowId, afterSequence, StreamOptions.DEFAULTS);
  }

  /** As {@link #resume(String, long)}, with options. */
  public WorkflowStream resume(String workflowId, long afterSequence, StreamOptions options) {
    return runtime.open(StreamSession.Kind.RESUME, workflowId, afterSequence, options, null);
  }

  /**
   * Joins a run midway — snapshot plus tail: the run's text so far as one {@link RunSnapshot}
   * ({@link WorkflowStream#snapshot()}, known once {@link WorkflowStream#opened()} completes), then
   * the live events with sequences after the snapshot's last sequence N: no gap, no overlap. The
   * snapshot comes from the topology's view with the position (partition and offset) it reflects;
   * the stream reads the events topic from the next offset, so events the view had not applied yet
   * are read from the log, and the cost does not grow with the length of the run — nothing is
   * replayed from the run's start. {@link WorkflowStream#textChunks()} gives the snapshot's text as
   * its first chunk, {@link WorkflowStream#text()} and {@link WorkflowStream#result()} the whole
   * run.
   *
   * <pre>{@code
   * try (WorkflowStream stream = client.join(runId)) {
   *   stream.textChunks().forEach(ui::append);   // text so far, then each new delta
   * }
   * }</pre>
   *
   * <p>An ended run gives its snapshot and no events. When the view does not know the run (not
   * started yet) or cannot answer, the snapshot is empty (last sequence -1) and the stream is a
   * {@link #replay(String) replay}; when the view answers without a position (an older topology),
   * the events after N are found from the run's replay index.
   *
   * @param workflowId the workflow
   * @return the stream; consume it once and close it
   */
  public WorkflowStream join(String workflowId) {
    return join(workflowId, StreamOptions.DEFAULTS);
  }

  /** As {@link #join(String)}, with options. */
  public WorkflowStream join(String workflowId, StreamOptions options) {
    return runtime.open(StreamSession.Kind.JOIN, workflowId, -1, options, null);
  }

  /**
   * The run's state in the view now, with the position it reflects.
   *
   * @param workflowId the workflow
   * @return the snapshot; fails with {@link UnknownWorkflowException} if the view does not know it,
   *     {@link ViewUnavailableException} if no query instance answers
   */
  public CompletableFuture<RunSnapshot> view(String workflowId) {
    return runtime.view(workflowId, null);
  }

  /**
   * Read-your-event: the run's state at least as fresh as {@code atLeast}, the position of an event
   * the caller has seen ({@link WorkflowStream#position()}). The topology's query service waits a
   * bounded time ({@code topology.query.freshness.max.wait.ms}) for its store to apply the events
   * topic up to that position (IQv2 {@code PositionBound}) before it answers.
   *
   * <pre>{@code
   * ViewPosition seen = stream.position().orElseThrow();
   * RunSnapshot run = client.view(runId, seen).get(40, TimeUnit.SECONDS);
   * assert run.lastSequence() >= stream.lastSequence();
   * }</pre>
   *
   * @param workflowId the workflow
   * @param atLeast the position the answer must include
   * @return the snapshot; fails with {@link ViewNotFreshException} (retriable) if the view did not
   *     catch up within the server's wait, {@link UnknownWorkflowException} if the view does not
   *     know the run even at that position, {@link ViewUnavailableException} if no query instance
   *     answers
   */
  public CompletableFuture<RunSnapshot> view(String workflowId, ViewPosition atLeast) {
    Objects.requireNonNull(atLeast, "atLeast");
    return runtime.view(workflowId, atLeast);
  }

  /**
   * The workflow's final text: its text deltas concatenated in sequence order, once it has ended
   * (Polos' {@code stream.text()}). A finished workflow's text comes from the view without reading
   * events; a running one's is the view's text so far plus the deltas that follow; without the view
   * the events are replayed. A failed run completes with the text it produced. The text of step
   * attempts that a retry superseded is never part of it; when a step that had begun before the
   * view's snapshot is retried after it, the events are replayed from the start to drop it.
   *
   * <pre>{@code
   * String text = client.text(workflowId).get(1, TimeUnit.MINUTES);
   * }</pre>
   *
   * @param workflowId the workflow
   * @return the text; cancelling the future stops the reading
   */
  public CompletableFuture<String> text(String workflowId) {
    return text(workflowId, StreamOptions.DEFAULTS);
  }

  /** As {@link #text(String)}, with options for the stream it may read (timeouts, hints). */
  public CompletableFuture<String> text(String workflowId, StreamOptions options) {
    return result(workflowId, options).thenApply(RunResult::text);
  }

  /**
   * The run's {@link RunResult} — result, total steps, usage with exact cost, tool results, status
   * and error — once it has ended (Polos' {@code stream.result()}). From the view for a finished
   * run ({@link RunResult#source()} is {@code VIEW}), else from the events. A failed run completes
   * normally, with status {@code FAILED} and its error.
   *
   * <pre>{@code
   * client.result(workflowId)
   *     .orTimeout(30, TimeUnit.SECONDS)
   *     .thenAccept(r -> billing.charge(r.usage().getCostUsd()));
   * }</pre>
   *
   * @param workflowId the workflow
   * @return the result; cancelling the future stops the reading
   */
  public CompletableFuture<RunResult> result(String workflowId) {
    return result(workflowId, StreamOptions.DEFAULTS);
  }

  /** As {@link #result(String)}, with options for the stream it may read (timeouts, hints). */
  public CompletableFuture<RunResult> result(String workflowId, StreamOptions options) {
    return runtime.result(workflowId, options);
  }

  /**
   * Asks the workers of a running workflow to stop it: publishes a {@code CANCEL} {@code
   * ControlCommand} to the control topic ({@link ClientConfig#CONTROL_TOPIC_CONFIG}), keyed by the
   * workflow's root so it is co-partitioned with the events. The future completes with a receipt
   * once the broker acknowledged the command — the run is not cancelled yet: its worker's publisher
   * observes the request ({@code AgentRun#cancellation()}), the worker stops and publishes a
   * cancelled {@code error} event (type {@code cancelled}, with a {@code Cancellation}); every
   * stream of the run then ends with that event, and {@link #result} reports {@link
   * RunResult#isCancelled()} with status {@code CANCELLED}. A request for a workflow reaches its
   * sub-agent runs too. Closing a stream never cancels anything.
   *
   * <pre>{@code
   * CancelReceipt receipt = client.cancel(workflowId, "user pressed stop").get(10, SECONDS);
   * RunResult r = client.result(workflowId).get(30, SECONDS);   // r.isCancelled()
   * }</pre>
   *
   * <p>The workflow's root and status come from the view; a workflow it does not know yet is looked
   * up again for {@link ClientConfig#START_TIMEOUT_MS_CONFIG}. The future fails with:
   *
   * <ul>
   *   <li>{@link UnknownWorkflowException} — the view does not know the workflow;
   *   <li>{@link WorkflowEndedException} — it has already ended (nothing is published);
   *   <li>{@link ViewUnavailableException} (retriable) — no view to find the root, and no {@link
   *       CancelOptions.Builder#rootWorkflowId root} given;
   *   <li>{@link BrokerUnavailableException} (retriable) — the broker did not take the command
   *       within {@link ClientConfig#BROKER_TIMEOUT_MS_CONFIG}, or the control topic is missing;
   *   <li>{@link RegistryUnavailableException} (retriable) — the schema registry is down;
   *   <li>{@link AccessDeniedException} — the principal may not write the control topic.
   * </ul>
   *
   * @param workflowId the workflow, a root or a child: not blank, at most 256 characters, no
   *     control characters
   * @param reason why, or {@code null}; at most {@value CancelOptions#MAX_REASON_LENGTH} characters
   * @return the receipt's future
   * @throws IllegalArgumentException for an invalid id or reason
   * @throws ClientClosedException if the client is closed
   */
  public CompletableFuture<CancelReceipt> cancel(String workflowId, String reason) {
    return cancel(workflowId, CancelOptions.newBuilder().reason(reason).build());
  }

  /**
   * As {@link #cancel(String, String)}, with who asks, the source and optionally the root.
   *
   * @param workflowId the workflow
   * @param options the options
   * @return the receipt's future
   */
  public CompletableFuture<CancelReceipt> cancel(String workflowId, CancelOptions options) {
    return runtime.cancel(workflowId, options);
  }

  /** A snapshot of the client's counters: streams, readers, records read and decoded. */
  public ClientStats stats() {
    return runtime.clientStats();
  }

  /**
   * The Kafka client metrics of the client's consumers right now — the shared live readers, the
   * catch-up readers and the pooled idle ones — merged into one map. Each consumer's metrics carry
   * its {@code client-id} tag ({@link ClientConfig#CLIENT_ID_CONFIG} plus its role), so names do
   * not collide. Consumers come and go (a live reader per partition with subscribers, catch-up
   * readers per replay), so call it again to see the current set; the {@link Metric} objects read
   * their current value on {@link Metric#metricValue()}. Thread-safe; meant for monitoring bridges
   * such as Micrometer gauges or a Prometheus exporter.
   *
   * <pre>{@code
   * client.metrics().forEach((name, metric) ->
   *     System.out.println(name.group() + "." + name.name() + name.tags() + " = " + metric.metricValue()));
   * }</pre>
   *
   * @return an unmodifiable snapshot of the current consumers' metrics; empty before the first
   *     stream and after {@link #close()}
   */
  public Map<MetricName, ? extends Metric> metrics() {
    return Collections.unmodifiableMap(runtime.metrics());
  }

  /**
   * Ends every open stream with {@link ClientClosedException}, stops the readers and threads and
   * closes the Kafka consumers. Idempotent.
   */
  @Override
  public void close() {
    runtime.close();
  }
}
