package dev.runstream.gateway.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.runstream.client.BrokerUnavailableException;
import dev.runstream.client.ClientClosedException;
import dev.runstream.client.EventsExpiredException;
import dev.runstream.client.InvalidCursorException;
import dev.runstream.client.OverflowPolicy;
import dev.runstream.client.RunSnapshot;
import dev.runstream.client.RunstreamClient;
import dev.runstream.client.RunstreamClientException;
import dev.runstream.client.StreamOptions;
import dev.runstream.client.UnknownWorkflowException;
import dev.runstream.client.WorkflowStream;
import dev.runstream.gateway.GatewayConfig;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import io.javalin.http.Context;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /v1/workflows/{id}/events}: a workflow's events as Server-Sent Events, from the
 * gateway's one shared {@link RunstreamClient}.
 *
 * <ol>
 *   <li>The id, cursor and options are validated (400).
 *   <li>The stream is opened — {@code resume} after the {@code Last-Event-ID} sequence, else {@code
 *       replay} ({@code from=beginning}), {@code tail} ({@code from=now}) or {@code join} ({@code
 *       from=snapshot}: first one {@code snapshot} event with the text so far, {@code id:} its last
 *       sequence N, then the events after N) — and the handler waits until it has found its start,
 *       so an unknown workflow (404), a cursor past the end (400), aged-out events (410) or an
 *       unreachable broker (503) get a JSON error, not a broken stream.
 *   <li>Then the response turns into {@code text/event-stream}: {@code retry:}, then one event per
 *       agent event, {@code id:} its sequence. A child workflow's event (with {@code
 *       children=true}) carries the cursor of the requested workflow instead, which is what
 *       resuming needs.
 *   <li>The response ends after the terminal event. A failure after the start is sent as a {@code
 *       stream_error} event. A client that goes away is noticed at the next write (at the latest
 *       the next keep-alive comment) and its stream is closed.
 * </ol>
 *
 * <p>Events are pushed on a small pool of delivery threads with demand one at a time, so a slow
 * client only slows its own connection; the SDK's {@link OverflowPolicy#RESUME} re-reads from the
 * topic for a subscriber that fell behind, so the shared reader never waits for it.
 */
public final class SseStreams implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(SseStreams.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final RunstreamClient client;
  private final TopologyQueries topology;
  private final RequestParams params;
  private final TenantScope scope;
  private final GatewayMetrics metrics;
  private final Duration keepAlive;
  private final Duration retry;
  private final Duration startTimeout;
  private final Duration openTimeout;
  private final Semaphore slots;
  private final Set<SseConnection> open = ConcurrentHashMap.newKeySet();
  private final ScheduledExecutorService timer;
  private final ExecutorService delivery;

  /**
   * The endpoint.
   *
   * @param client the shared SDK client
   * @param topology the query service, to answer a resume of a finished run with 204
   * @param params the request validation, with the configured bounds
   * @param scope the tenant guard: events of workflows of other tenants are never sent
   * @param metrics where connections and events are counted
   * @param config the gateway configuration
   */
  public SseStreams(
      RunstreamClient client,
      TopologyQueries topology,
      RequestParams params,
      TenantScope scope,
      GatewayMetrics metrics,
      GatewayConfig config) {
    this.client = client;
    this.topology = topology;
    this.params = params;
    this.scope = scope;
    this.metrics = metrics;
    this.keepAlive = config.sseKeepAlive();
    this.retry = config.sseRetry();
    this.startTimeout = config.sseStartTimeout();
    this.openTimeout =
        config
            .sseStartTimeout()
            .plus(config.clientConfig().brokerTimeout())
            .plus(config.clientConfig().queryTimeout())
            .plusSeconds(5);
    this.slots = new Semaphore(config.sseMaxConnections());
    AtomicInteger threads = new AtomicInteger();
    this.timer =
        Executors.newSingleThreadScheduledExecutor(
            r -> daemon(r, "runstream-gateway-sse-keepalive"));
    this.delivery =
        Executors.newCachedThreadPool(
            r -> daemon(r, "runstream-gateway-sse-" + threads.incrementAndGet()));
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** Open SSE connections now. */
  public int openConnections() {
    return open.size();
  }

  /**
   * Handles one request. With a tenant scope, the workflow's tenant is checked before anything is
   * streamed: from its materialized run, or, while the view does not know it yet, from its first
   * event (the response is held until then, within the start timeout). Another tenant's workflow
   * answers the same 404 as an unknown one, no sooner than an unknown one would.
   */
  public void handle(Context ctx) throws IOException {
    long startNanos = System.nanoTime();
    RequestParams.SseRequest request =
        params.sse(ctx.pathParam("id"), ctx.header("Last-Event-ID"), ctx.queryParamMap());
    boolean tail = request.fromNow() && request.afterSequence().isEmpty();
    JsonNode view = tail && !scope.isScoped() ? null : view(request.workflowId());
    if (view != null && !scope.includes(view)) {
      throw notFoundLikeUnknown(startNanos, request.workflowId());
    }
    if (request.afterSequence().isPresent() && endedAt(view, request.afterSequence().getAsLong())) {
      // Nothing after the cursor, ever: 204 tells an EventSource to stop reconnecting.
      ctx.status(204);
      return;
    }
    if (!slots.tryAcquire()) {
      throw ApiException.unavailable(
          ApiException.TOO_MANY_STREAMS, "the gateway has too many open event streams");
    }
    WorkflowStream stream = null;
    try {
      stream = open(request);
      awaitOpened(stream, request);
      Forwarder forwarder = new Forwarder(request, stream.snapshot().orElse(null));
      stream.subscribe(forwarder);
      if (view == null && (!tail || scope.isScoped())) {
        // Not in the view (yet): hold the response until the first event shows the workflow
        // exists (and whose it is), so an unknown one gets 404 after the start timeout, not an
        // empty stream, and another tenant's is never streamed.
        forwarder.awaitFirstSignal(openTimeout);
      }
      start(ctx, stream, forwarder);
    } catch (RuntimeException | IOException e) {
      slots.release();
      if (stream != null) {
        stream.close();
      }
      if (scope.isScoped() && e instanceof ApiException api && api.status() == 404) {
        throw notFoundLikeUnknown(startNanos, request.workflowId());
      }
      throw e;
    }
  }

  /**
   * The unknown-workflow 404, once the start timeout has passed since the request began: an unknown
   * workflow is only known to be unknown then, so the answer's timing does not tell that the
   * workflow exists for another tenant either.
   */
  private ApiException notFoundLikeUnknown(long startNanos, String workflowId) {
    long remaining = startTimeout.toNanos() - (System.nanoTime() - startNanos);
    if (remaining > 0) {
      try {
        TimeUnit.NANOSECONDS.sleep(remaining);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    return ApiException.unknownWorkflow(workflowId);
  }

  /** The materialized run, or null if the view does not know it or cannot answer. */
  private JsonNode view(String workflowId) {
    try {
      return JSON.readTree(topology.run(workflowId));
    } catch (ApiException | IOException e) {
      return null;
    }
  }

  /** Whether the run has ended at exactly the cursor (then there is nothing more to send). */
  private static boolean endedAt(JsonNode view, long cursor) {
    return view != null
        && !"RUNNING".equals(view.path("status").asText("RUNNING"))
        && view.path("last_sequence").asLong(-2) == cursor;
  }

  private WorkflowStream open(RequestParams.SseRequest request) {
    StreamOptions options =
        StreamOptions.newBuilder()
            .includeChildren(request.includeChildren())
            .startTimeout(startTimeout)
            .overflowPolicy(OverflowPolicy.RESUME)
            .executor(delivery)
            .build();
    String id = request.workflowId();
    if (request.afterSequence().isPresent()) {
      return client.resume(id, request.afterSequence().getAsLong(), options);
    }
    if (request.fromSnapshot()) {
      return client.join(id, options);
    }
    return request.fromNow() ? client.tail(id, options) : client.replay(id, options);
  }

  private void awaitOpened(WorkflowStream stream, RequestParams.SseRequest request) {
    try {
      stream.opened().get(openTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiException.unavailable(ApiException.BROKER_UNAVAILABLE, "interrupted");
    } catch (TimeoutException e) {
      throw ApiException.unavailable(
          ApiException.BROKER_UNAVAILABLE,
          "the event stream of workflow "
              + request.workflowId()
              + " did not open within "
              + openTimeout.toSeconds()
              + " s");
    } catch (ExecutionException | CompletionException e) {
      throw translate(e.getCause() == null ? e : e.getCause(), request.workflowId());
    }
  }

  /** The HTTP answer for a stream that failed to open. */
  static ApiException translate(Throwable cause, String id) {
    if (cause instanceof UnknownWorkflowException || cause instanceof ForeignWorkflowException) {
      return ApiException.unknownWorkflow(id);
    }
    if (cause instanceof InvalidCursorException) {
      return ApiException.badRequest(ApiException.INVALID_CURSOR, cause.getMessage());
    }
    if (cause instanceof EventsExpiredException) {
      return new ApiException(410, ApiException.EVENTS_EXPIRED, cause.getMessage());
    }
    if (cause instanceof BrokerUnavailableException || cause instanceof ClientClosedException) {
      return ApiException.unavailable(ApiException.BROKER_UNAVAILABLE, cause.getMessage());
    }
    if (cause instanceof RunstreamClientException r && r.isRetriable()) {
      return ApiException.unavailable(ApiException.BROKER_UNAVAILABLE, cause.getMessage());
    }
    LOG.warn("the event stream of {} failed to open", id, cause);
    return new ApiException(500, ApiException.INTERNAL, String.valueOf(cause.getMessage()));
  }

  private void start(Context ctx, WorkflowStream stream, Forwarder forwarder) throws IOException {
    HttpServletResponse res = ctx.res();
    res.setStatus(200);
    res.setCharacterEncoding("UTF-8");
    res.setContentType("text/event-stream");
    res.setHeader("Cache-Control", "no-cache");
    res.setHeader("X-Accel-Buffering", "no");
    SseConnection connection = new SseConnection(res.getOutputStream());
    long idleNanos = keepAlive.toNanos();
    ScheduledFuture<?> pings =
        timer.scheduleAtFixedRate(
            () -> connection.keepAlive(idleNanos / 2),
            keepAlive.toMillis(),
            keepAlive.toMillis(),
            TimeUnit.MILLISECONDS);
    connection.onClose(
        reason -> {
          pings.cancel(false);
          stream.close();
          open.remove(connection);
          slots.release();
          metrics.streamClosed(reason);
        });
    open.add(connection);
    metrics.streamOpened();
    ctx.future(connection::done);
    if (connection.retry(retry.toMillis())) {
      forwarder.attach(connection);
    }
  }

  /**
   * Writes each event to the connection, asking for the next once it is written. Until a connection
   * is attached, the first event and a terminal signal are held (and {@link #awaitFirstSignal} sees
   * them): the response is not committed yet, so a failure can still be answered with a JSON error.
   */
  private final class Forwarder implements Flow.Subscriber<AgentEvent> {
    private final String workflowId;
    private final CompletableFuture<Void> firstSignal = new CompletableFuture<>();
    private long cursor;
    private Flow.Subscription subscription;
    private SseConnection connection;
    private AgentEvent pendingEvent;
    private Throwable pendingError;
    private boolean pendingComplete;

    private final RunSnapshot snapshot;

    Forwarder(RequestParams.SseRequest request, RunSnapshot snapshot) {
      this.workflowId = request.workflowId();
      this.cursor = request.afterSequence().orElse(-1);
      this.snapshot = snapshot;
    }

    /** The {@code snapshot} event of a join: the text so far, {@code id:} its last sequence. */
    private boolean writeSnapshot() {
      cursor = snapshot.lastSequence();
      ObjectNode body = JSON.createObjectNode();
      body.put("workflow_id", snapshot.workflowId());
      body.put("root_workflow_id", snapshot.rootWorkflowId());
      body.put("status", snapshot.status().name());
      body.put("last_sequence", snapshot.lastSequence());
      body.put("text", snapshot.text());
      if (snapshot.position() != null) {
        body.put("position", snapshot.position().toString());
      }
      String id = cursor < 0 ? null : Long.toString(cursor);
      if (connection.event(id, "snapshot", body.toString())) {
        metrics.eventSent("snapshot");
        return true;
      }
      subscription.cancel();
      return false;
    }

    /** Waits for the first event or the end; throws the HTTP answer if the stream failed. */
    void awaitFirstSignal(Duration timeout) {
      try {
        firstSignal.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      } catch (TimeoutException e) {
        return; // still nothing: answer with an open stream
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw ApiException.unavailable(ApiException.BROKER_UNAVAILABLE, "interrupted");
      } catch (ExecutionException e) {
        throw new IllegalStateException(e);
      }
      synchronized (this) {
        if (pendingEvent == null && pendingError != null) {
          throw translate(pendingError, workflowId);
        }
      }
    }

    /** Starts writing to {@code c}: the held event and terminal signal first. */
    void attach(SseConnection c) {
      AgentEvent event;
      Throwable error;
      boolean complete;
      synchronized (this) {
        connection = c;
        event = pendingEvent;
        error = pendingError;
        complete = pendingComplete;
        pendingEvent = null;
      }
      if (snapshot != null && !writeSnapshot()) {
        return;
      }
      if (event != null && !write(event)) {
        return;
      }
      if (error != null) {
        fail(error);
      } else if (complete) {
        c.close("completed");
      } else if (event != null) {
        subscription.request(1);
      }
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      this.subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(AgentEvent event) {
      boolean own = scope.includes(event);
      boolean requested = workflowId.equals(event.getWorkflowId());
      SseConnection attached;
      synchronized (this) {
        attached = connection;
        if (attached == null) {
          if (own) {
            pendingEvent = event;
          } else {
            // Another tenant's workflow: answered as unknown, its events never sent.
            pendingError = new ForeignWorkflowException();
            subscription.cancel();
          }
          firstSignal.complete(null);
          return;
        }
      }
      if (!own) {
        if (requested) {
          subscription.cancel();
          attached.close("foreign");
        } else {
          subscription.request(1); // another tenant's child workflow: skipped
        }
        return;
      }
      if (write(event)) {
        subscription.request(1);
      }
    }

    private boolean write(AgentEvent event) {
      if (workflowId.equals(event.getWorkflowId())) {
        cursor = event.getSequence();
      }
      String type = EventType.of(event).wireName();
      String id = cursor < 0 ? null : Long.toString(cursor);
      if (connection.event(id, type, EventJson.toJson(event))) {
        metrics.eventSent(type);
        return true;
      }
      subscription.cancel();
      return false;
    }

    @Override
    public void onError(Throwable error) {
      synchronized (this) {
        if (connection == null) {
          pendingError = error;
          firstSignal.complete(null);
          return;
        }
      }
      fail(error);
    }

    private void fail(Throwable error) {
      if (connection.isClosed()) {
        return;
      }
      ApiException api =
          error instanceof RunstreamClientException || error instanceof ForeignWorkflowException
              ? translate(error, workflowId)
              : new ApiException(500, ApiException.INTERNAL, String.valueOf(error));
      ObjectNode body = JSON.createObjectNode();
      body.put("error", api.code());
      body.put("message", api.getMessage());
      body.put("retriable", error instanceof RunstreamClientException r && r.isRetriable());
      if (cursor >= 0) {
        body.put("last_event_id", cursor);
      }
      connection.event(null, "stream_error", body.toString());
      connection.close("failed");
    }

    @Override
    public void onComplete() {
      synchronized (this) {
        if (connection == null) {
          pendingComplete = true;
          firstSignal.complete(null);
          return;
        }
      }
      connection.close("completed");
    }
  }

  /** The first event of a stream belongs to another tenant. */
  private static final class ForeignWorkflowException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ForeignWorkflowException() {
      super("another tenant's workflow", null, false, false);
    }
  }

  /** Ends every open connection (the server is stopping) and stops the threads. */
  @Override
  public void close() {
    for (SseConnection connection : new ArrayList<>(open)) {
      connection.close("shutdown");
    }
    timer.shutdownNow();
    delivery.shutdown();
    try {
      if (!delivery.awaitTermination(2, TimeUnit.SECONDS)) {
        delivery.shutdownNow();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
