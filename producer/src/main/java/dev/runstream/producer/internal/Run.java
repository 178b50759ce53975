package dev.runstream.producer.internal;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.CancelRequest;
import dev.runstream.producer.InvalidEventException;
import dev.runstream.producer.InvalidTransitionException;
import dev.runstream.producer.ModelPrice;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.PublisherClosedException;
import dev.runstream.producer.RetriablePublishException;
import dev.runstream.producer.RunAbortedException;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.RunStep;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.AgentError;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AgentFinish;
import dev.runstream.schemas.AgentStart;
import dev.runstream.schemas.Cancellation;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepFinish;
import dev.runstream.schemas.StepStart;
import dev.runstream.schemas.StepType;
import dev.runstream.schemas.TextDelta;
import dev.runstream.schemas.ToolCall;
import dev.runstream.schemas.ToolResult;
import dev.runstream.schemas.Usage;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * One workflow: its state machine, its sequence counter and its pending coalesced text. Every
 * publishing call validates, sends and then commits the transition while holding this run's lock,
 * so the workflow's events are numbered and handed to the Kafka client in one order, and a call
 * that is refused or not accepted leaves no trace. Delivery callbacks never take the lock: they
 * only mark the run aborted.
 */
final class Run implements AgentRun {
  /** The cost of usage published without a price table: the topology prices it. */
  private static final BigDecimal LEDGER_PRICED_COST =
      BigDecimal.ZERO.setScale(ModelPrice.COST_SCALE);

  private static final Header[] TYPE_HEADERS = new Header[EventType.values().length];

  static {
    for (EventType type : EventType.values()) {
      TYPE_HEADERS[type.ordinal()] =
          new RecordHeader(
              EventHeaders.EVENT_TYPE, type.wireName().getBytes(StandardCharsets.UTF_8));
    }
  }

  private final KafkaAgentEventPublisher publisher;
  private final Run parent;
  private final String workflowId;
  private final String rootWorkflowId;
  private final String agentId;
  private final RunOptions options;
  final byte[] key;
  private final Header workflowHeader;
  private final Header tenantHeader;
  private final Header traceHeader;
  private final int headerCount;

  // Guarded by this.
  private long nextSequence;
  private final Map<String, Step> steps = new HashMap<>();
  private int openSteps;
  private final Map<String, ToolCallState> toolCalls = new LinkedHashMap<>();
  private long stepInputTokens;
  private long stepOutputTokens;
  private BigDecimal stepCost = TokenUsage.ZERO.costUsd();
  private Step pendingStep;
  private StringBuilder pendingText;
  private PendingEvent pendingFuture;
  private int pendingDeltas;
  private long pendingGeneration;

  private volatile RunStatus status = RunStatus.RUNNING;
  private final AtomicReference<PublishException> abortCause = new AtomicReference<>();
  private final Set<Run> openChildren = ConcurrentHashMap.newKeySet();

  private final CompletableFuture<CancelRequest> cancelRequest = new CompletableFuture<>();

  private static final class ToolCallState {
    final String toolName;
    final String arguments;
    String executingStep;
    String output;

    ToolCallState(String toolName, String arguments) {
      this.toolName = toolName;
      this.arguments = arguments;
    }
  }

  private Run(KafkaAgentEventPublisher publisher, Run parent, RunOptions options) {
    this.publisher = publisher;
    this.parent = parent;
    this.options = options;
    this.workflowId = options.workflowId() != null ? options.workflowId() : EventIds.nextString();
    this.rootWorkflowId = parent == null ? workflowId : parent.rootWorkflowId;
    this.agentId = options.agentId();
    this.key = parent == null ? rootWorkflowId.getBytes(StandardCharsets.UTF_8) : parent.key;
    this.workflowHeader =
        new RecordHeader(EventHeaders.WORKFLOW_ID, workflowId.getBytes(StandardCharsets.UTF_8));
    this.tenantHeader =
        options.tenantId() == null
            ? null
            : new RecordHeader(
                EventHeaders.TENANT_ID, options.tenantId().getBytes(StandardCharsets.UTF_8));
    this.traceHeader =
        options.traceparent() == null
            ? null
            : new RecordHeader(
                EventHeaders.TRACEPARENT, options.traceparent().getBytes(StandardCharsets.UTF_8));
    this.headerCount = 3 + (tenantHeader == null ? 0 : 1) + (traceHeader == null ? 0 : 1);
  }

  /** Starts a top-level run; publishes agent_start. */
  static Run start(KafkaAgentEventPublisher publisher, RunOptions options) {
    Run run = new Run(publisher, null, options);
    run.publishStart();
    return run;
  }

  private synchronized void publishStart() {
    publish(
        EventType.AGENT_START,
        new AgentStart(options.input(), new HashMap<>(options.config())),
        null);
    publisher.runStarted(this);
  }

  @Override
  public String workflowId() {
    return workflowId;
  }

  @Override
  public String rootWorkflowId() {
    return rootWorkflowId;
  }

  @Override
  public Optional<String> parentWorkflowId() {
    return parent == null ? Optional.empty() : Optional.of(parent.workflowId);
  }

  @Override
  public String agentId() {
    return agentId;
  }

  @Override
  public RunStatus status() {
    return status;
  }

  boolean isActive() {
    return status == RunStatus.RUNNING && abortCause.get() == null;
  }

  // ---------------------------------------------------------------- steps

  @Override
  public synchronized RunStep startStep(String stepKey, StepType type) {
    Objects.requireNonNull(type, "type");
    checkUsable();
    checkNewStep(stepKey, EventType.STEP_START);
    if (type == StepType.TOOL) {
      throw refuse(
          new InvalidEventException(
              "step '"
                  + stepKey
                  + "' of workflow "
                  + workflowId
                  + ": TOOL steps execute a tool call; start them with startToolStep(stepKey,"
                  + " toolCallId)",
              null));
    }
    return openStep(stepKey, type, null);
  }

  @Override
  public synchronized RunStep startToolStep(String stepKey, String toolCallId) {
    Objects.requireNonNull(toolCallId, "toolCallId");
    checkUsable();
    checkNewStep(stepKey, EventType.STEP_START);
    ToolCallState call = toolCalls.get(toolCallId);
    if (call == null) {
      throw refuse(
          new InvalidTransitionException(
              "TOOL step '"
                  + stepKey
                  + "' of workflow "
                  + workflowId
                  + " names unknown tool call '"
                  + toolCallId
                  + "': no tool_call of this workflow announced it (known: "
                  + (toolCalls.isEmpty() ? "none" : String.join(", ", toolCalls.keySet()))
                  + ")"));
    }
    if (call.executingStep != null) {
      throw refuse(
          new InvalidTransitionException(
              "TOOL step '"
                  + stepKey
                  + "' of workflow "
                  + workflowId
                  + " names tool call '"
                  + toolCallId
                  + "', which step '"
                  + call.executingStep
                  + "' already executes"));
    }
    RunStep step = openStep(stepKey, StepType.TOOL, toolCallId);
    call.executingStep = stepKey;
    return step;
  }

  private Step openStep(String stepKey, StepType type, String toolCallId) {
    sendPendingText();
    publish(EventType.STEP_START, new StepStart(stepKey, type, toolCallId), null, 1);
    Step step = new Step(this, stepKey, type, toolCallId, System.nanoTime(), 1);
    steps.put(stepKey, step);
    openSteps++;
    return step;
  }

  private void checkNewStep(String stepKey, EventType type) {
    Objects.requireNonNull(stepKey, "stepKey");
    checkRunning(type, "step '" + stepKey + "'");
    if (stepKey.isBlank()) {
      throw refuse(
          new InvalidEventException("workflow " + workflowId + ": a step key is blank", null));
    }
    if (steps.containsKey(stepKey)) {
      throw refuse(
          new InvalidTransitionException(
              "workflow "
                  + workflowId
                  + " already has a step '"
                  + stepKey
                  + "' ("
                  + (steps.get(stepKey).finished ? "finished" : "open")
                  + "); step keys are unique within a workflow"));
    }
  }

  synchronized RunStep retryStep(Step step) {
    checkUsable();
    checkStepOpen(step, EventType.STEP_START);
    sendPendingText();
    int attempt = step.attempt + 1;
    publish(
        EventType.STEP_START, new StepStart(step.key, step.type, step.toolCallId), null, attempt);
    Step next = new Step(this, step.key, step.type, step.toolCallId, step.startNanos, attempt);
    step.superseded = true;
    steps.put(step.key, next);
    return next;
  }

  @Override
  public synchronized RunStep step(String stepKey) {
    Objects.requireNonNull(stepKey, "stepKey");
    checkUsable();
    Step step = steps.get(stepKey);
    if (step == null) {
      throw refuse(
          new InvalidTransitionException(
              "workflow "
                  + workflowId
                  + " has no step '"
                  + stepKey
                  + "' (steps: "
                  + (steps.isEmpty() ? "none" : String.join(", ", steps.keySet()))
                  + ")"));
    }
    checkStepOpen(step, EventType.STEP_FINISH);
    return step;
  }

  synchronized CompletableFuture<PublishedEvent> textDelta(Step step, String content) {
    Objects.requireNonNull(content, "content");
    checkUsable();
    checkStepOpen(step, EventType.TEXT_DELTA);
    if (!publisher.coalescing()) {
      return publish(EventType.TEXT_DELTA, new TextDelta(step.key, content), null, step.attempt);
    }
    if (pendingStep != null && pendingStep != step) {
      sendPendingText();
    }
    if (pendingStep == null) {
      pendingStep = step;
      pendingText = new StringBuilder(Math.max(64, content.length() * 8));
      pendingFuture = new PendingEvent(publisher, this);
      pendingDeltas = 0;
      long generation = ++pendingGeneration;
      publisher.pendingStarted(this, generation);
    }
    int before = pendingText.length();
    pendingText.append(content);
    pendingDeltas++;
    PendingEvent future = pendingFuture;
    if (pendingText.length() >= publisher.config().coalesceMaxChars()) {
      try {
        sendPendingText();
      } catch (PublishException e) {
        // Not accepted: this delta is taken back, the earlier text stays pending.
        pendingText.setLength(before);
        pendingDeltas--;
        throw e;
      }
    }
    return future;
  }

  synchronized CompletableFuture<PublishedEvent> toolCall(
      Step step, String callId, String toolName, String argumentsJson) {
    Objects.requireNonNull(callId, "callId");
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(argumentsJson, "argumentsJson");
    checkUsable();
    checkStepOpen(step, EventType.TOOL_CALL);
    if (callId.isBlank() || toolName.isBlank()) {
      throw refuse(
          new InvalidEventException(
              "tool_call in step '"
                  + step.key
                  + "' of workflow "
                  + workflowId
                  + ": the call id and the tool name must not be blank",
              null));
    }
    if (toolCalls.containsKey(callId)) {
      throw refuse(
          new InvalidTransitionException(
              "workflow "
                  + workflowId
                  + " already has a tool call '"
                  + callId
                  + "'; call ids are unique within a workflow"));
    }
    String problem = JsonCheck.problem(argumentsJson);
    if (problem != null) {
      throw refuse(
          new InvalidEventException(
              "the arguments of tool call '"
                  + callId
                  + "' ("
                  + toolName
                  + ") in workflow "
                  + workflowId
                  + " are not JSON: "
                  + problem,
              null));
    }
    sendPendingText();
    PendingEvent event =
        publish(
            EventType.TOOL_CALL,
            new ToolCall(step.key, callId, toolName, argumentsJson),
            null,
            step.attempt);
    toolCalls.put(callId, new ToolCallState(toolName, argumentsJson));
    return event;
  }

  synchronized CompletableFuture<PublishedEvent> finishStep(
      Step step, String output, String model, TokenUsage usage) {
    checkUsable();
    checkStepOpen(step, EventType.STEP_FINISH);
    Usage avroUsage = null;
    if (usage != null) {
      if (model == null || model.isBlank()) {
        throw refuse(
            new InvalidEventException(
                "step '"
                    + step.key
                    + "' of workflow "
                    + workflowId
                    + ": a usage needs the model that produced it",
                null));
      }
      BigDecimal cost = usage.costUsd();
      if (cost == null && pricedByLedger()) {
        // No price table: publish token counts only; the topology prices them from the ledger.
        cost = LEDGER_PRICED_COST;
      } else if (cost == null) {
        try {
          cost = publisher.config().prices().cost(model, usage.inputTokens(), usage.outputTokens());
        } catch (IllegalArgumentException e) {
          throw refuse(
              new InvalidEventException(
                  "step '" + step.key + "' of workflow " + workflowId + ": " + e.getMessage(), e));
        }
      }
      avroUsage = new Usage(usage.inputTokens(), usage.outputTokens(), usage.totalTokens(), cost);
    }
    long durationMs = (System.nanoTime() - step.startNanos) / 1_000_000;
    sendPendingText();
    PendingEvent event =
        publish(
            EventType.STEP_FINISH,
            new StepFinish(step.key, output, durationMs, avroUsage, model),
            null,
            step.attempt);
    step.finished = true;
    openSteps--;
    if (avroUsage != null) {
      stepInputTokens += avroUsage.getInputTokens();
      stepOutputTokens += avroUsage.getOutputTokens();
      stepCost = stepCost.add(avroUsage.getCostUsd());
    }
    if (step.toolCallId != null) {
      toolCalls.get(step.toolCallId).output = output;
    }
    return event;
  }

  // ---------------------------------------------------------------- children

  @Override
  public synchronized AgentRun startChildRun(RunOptions childOptions) {
    Objects.requireNonNull(childOptions, "options");
    checkUsable();
    checkRunning(EventType.AGENT_START, "child run of agent " + childOptions.agentId());
    RunOptions inherited =
        childOptions.toBuilder()
            .tenantId(
                childOptions.tenantId() != null ? childOptions.tenantId() : options.tenantId())
            .traceparent(
                childOptions.traceparent() != null
                    ? childOptions.traceparent()
                    : options.traceparent())
            .tracestate(
                childOptions.tracestate() != null
                    ? childOptions.tracestate()
                    : options.tracestate())
            .build();
    sendPendingText();
    Run child = new Run(publisher, this, inherited);
    child.publishStart();
    openChildren.add(child);
    CancelRequest request = cancelRequest.getNow(null);
    if (request != null) {
      child.requestCancel(request);
    }
    return child;
  }

  // ---------------------------------------------------------------- cancellation

  @Override
  public boolean isCancelRequested() {
    return cancelRequest.isDone();
  }

  @Override
  public CompletableFuture<CancelRequest> cancellation() {
    return cancelRequest.thenApply(request -> request);
  }

  /**
   * Records a cancel request for this run and its open children; called from the control listener's
   * thread. The first request wins.
   */
  void requestCancel(CancelRequest request) {
    if (status != RunStatus.RUNNING) {
      return;
    }
    cancelRequest.complete(request);
    for (Run child : List.copyOf(openChildren)) {
      child.requestCancel(request);
    }
  }

  @Override
  public synchronized CompletableFuture<PublishedEvent> cancel(String reason) {
    checkUsable();
    checkRunning(EventType.ERROR, "the run");
    CancelRequest request = cancelRequest.getNow(null);
    Cancellation cancellation =
        request == null
            ? new Cancellation(reason, "worker", "worker", null)
            : new Cancellation(
                reason != null ? reason : request.reason(),
                request.requestedBy(),
                request.source(),
                request.requestId());
    return cancelNow(cancellation);
  }

  private PendingEvent cancelNow(Cancellation cancellation) {
    sendPendingText();
    for (Run child : List.copyOf(openChildren)) {
      child.cancelBecauseParentCancelled(this, cancellation);
    }
    String message =
        "cancelled"
            + (cancellation.getRequestedBy() != null ? " by " + cancellation.getRequestedBy() : "")
            + (cancellation.getReason() != null ? ": " + cancellation.getReason() : "");
    PendingEvent event =
        publish(
            EventType.ERROR,
            new AgentError(message, EventType.CANCELLED_ERROR_TYPE, false, null, cancellation),
            null);
    ended(RunStatus.CANCELLED);
    return event;
  }

  private synchronized void cancelBecauseParentCancelled(
      Run cancelledParent, Cancellation cancellation) {
    if (!isActive()) {
      openChildren.remove(this);
      cancelledParent.openChildren.remove(this);
      return;
    }
    cancelNow(cancellation);
  }

  // ---------------------------------------------------------------- terminal events

  @Override
  public CompletableFuture<PublishedEvent> finish(String output) {
    return finish(output, null);
  }

  @Override
  public synchronized CompletableFuture<PublishedEvent> finish(
      String output, TokenUsage totalUsage) {
    checkUsable();
    checkRunning(EventType.AGENT_FINISH, "the run");
    if (openSteps > 0) {
      throw refuse(
          new InvalidTransitionException(
              "workflow "
                  + workflowId
                  + " cannot finish while steps are open: "
                  + steps.values().stream()
                      .filter(s -> !s.finished)
                      .map(s -> s.key)
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + "; finish them first (or fail the run)"));
    }
    if (!openChildren.isEmpty()) {
      throw refuse(
          new InvalidTransitionException(
              "workflow "
                  + workflowId
                  + " cannot finish while child runs are open: "
                  + openChildren.stream()
                      .map(c -> c.workflowId + " (" + c.agentId + ")")
                      .sorted()
                      .collect(Collectors.joining(", "))
                  + "; finish or fail them first (or fail the run)"));
    }
    Usage usage;
    if (totalUsage == null) {
      usage =
          new Usage(
              stepInputTokens, stepOutputTokens, stepInputTokens + stepOutputTokens, stepCost);
    } else if (!totalUsage.hasCost() && pricedByLedger()) {
      // No price table: token counts only, as the steps; the topology prices the steps.
      usage =
          new Usage(
              totalUsage.inputTokens(),
              totalUsage.outputTokens(),
              totalUsage.totalTokens(),
              LEDGER_PRICED_COST);
    } else if (!totalUsage.hasCost()) {
      throw refuse(
          new InvalidEventException(
              "workflow "
                  + workflowId
                  + ": a run's total usage may span models, so it must carry its cost; give"
                  + " TokenUsage.of(in, out, cost), or call finish(output) to sum the steps'"
                  + " usage",
              null));
    } else {
      usage =
          new Usage(
              totalUsage.inputTokens(),
              totalUsage.outputTokens(),
              totalUsage.totalTokens(),
              totalUsage.costUsd());
    }
    List<ToolResult> results = new ArrayList<>(toolCalls.size());
    toolCalls.forEach(
        (id, call) -> results.add(new ToolResult(id, call.toolName, call.arguments, call.output)));
    sendPendingText();
    PendingEvent event =
        publish(
            EventType.AGENT_FINISH, new AgentFinish(output, steps.size(), usage, results), null);
    ended(RunStatus.FINISHED);
    return event;
  }

  @Override
  public CompletableFuture<PublishedEvent> fail(
      String errorType, String message, boolean retryable) {
    return fail(errorType, message, retryable, null);
  }

  synchronized CompletableFuture<PublishedEvent> fail(
      String errorType, String message, boolean retryable, Step step) {
    Objects.requireNonNull(errorType, "errorType");
    Objects.requireNonNull(message, "message");
    checkUsable();
    checkRunning(EventType.ERROR, "the run");
    if (step != null && step.superseded) {
      throw refuse(superseded(step, EventType.ERROR));
    }
    return failNow(errorType, message, retryable, step);
  }

  private PendingEvent failNow(String errorType, String message, boolean retryable, Step step) {
    sendPendingText();
    for (Run child : List.copyOf(openChildren)) {
      child.failBecauseParentFailed(this);
    }
    PendingEvent event =
        publish(
            EventType.ERROR,
            new AgentError(message, errorType, retryable, step == null ? null : step.key, null),
            null,
            step == null ? 1 : step.attempt);
    ended(RunStatus.FAILED);
    return event;
  }

  private synchronized void failBecauseParentFailed(Run failedParent) {
    if (!isActive()) {
      openChildren.remove(this);
      failedParent.openChildren.remove(this);
      return;
    }
    failNow(PARENT_FAILED, "parent workflow " + failedParent.workflowId + " failed", false, null);
  }

  private void ended(RunStatus terminal) {
    status = terminal;
    detach();
  }

  private void detach() {
    if (parent != null) {
      parent.openChildren.remove(this);
    }
    publisher.runEnded(this);
  }

  // ---------------------------------------------------------------- aborting

  /** Marks the run aborted by a delivery failure; called from the Kafka client's I/O thread. */
  void abort(PublishException cause) {
    if (abortCause.compareAndSet(null, cause)) {
      detach();
    }
  }

  // ---------------------------------------------------------------- coalescing

  /** Sends the pending coalesced text, if any: the first thing before any other event. */
  private void sendPendingText() {
    if (pendingStep == null) {
      return;
    }
    publish(
        EventType.TEXT_DELTA,
        new TextDelta(pendingStep.key, pendingText.toString()),
        pendingFuture,
        pendingStep.attempt);
    publisher.coalesced(pendingDeltas - 1);
    clearPending();
  }

  private void clearPending() {
    pendingStep = null;
    pendingText = null;
    pendingFuture = null;
    pendingDeltas = 0;
    publisher.pendingCleared(this);
  }

  /** The coalescing window of {@code generation} has passed. */
  synchronized void windowElapsed(long generation) {
    if (pendingStep == null || generation != pendingGeneration) {
      return;
    }
    if (failPendingIfAborted()) {
      return;
    }
    try {
      sendPendingText();
    } catch (RetriablePublishException e) {
      // Still pending; the next event of the run, flush(), close() or the next window retries.
      publisher.pendingStarted(this, generation);
    } catch (PublishException e) {
      pendingFuture.completeExceptionally(e);
      publisher.deliveryFailed(e);
      clearPending();
      abort(e);
    }
  }

  /** Sends the pending text now, for flush() and close(). */
  synchronized void sendPendingNow() {
    if (pendingStep == null || failPendingIfAborted()) {
      return;
    }
    sendPendingText();
  }

  private boolean failPendingIfAborted() {
    PublishException cause = abortCause.get();
    if (cause == null) {
      return false;
    }
    PublishException failure = aborted(cause);
    pendingFuture.completeExceptionally(failure);
    publisher.deliveryFailed(failure);
    clearPending();
    return true;
  }

  // ---------------------------------------------------------------- sending

  private PendingEvent publish(EventType type, Object payload, PendingEvent pending) {
    return publish(type, payload, pending, 1);
  }

  /** Publishes one event of the workflow; {@code attempt} is its step's attempt, else 1. */
  private PendingEvent publish(EventType type, Object payload, PendingEvent pending, int attempt) {
    long sequence = nextSequence;
    long timestamp = System.currentTimeMillis();
    String eventId = EventIds.nextString();
    AgentEvent event =
        new AgentEvent(
            eventId,
            rootWorkflowId,
            workflowId,
            parent == null ? null : parent.workflowId,
            agentId,
            sequence,
            Instant.ofEpochMilli(timestamp),
            options.tenantId(),
            options.traceparent(),
            options.tracestate(),
            payload,
            attempt);
    PendingEvent future = pending != null ? pending : new PendingEvent(publisher, this);
    future.bind(type, eventId, sequence, timestamp);
    publisher.send(this, event, future, headers(type, sequence), timestamp);
    nextSequence = sequence + 1;
    return future;
  }

  private RecordHeaders headers(EventType type, long sequence) {
    Header[] headers = new Header[headerCount];
    headers[0] = workflowHeader;
    headers[1] =
        new RecordHeader(
            EventHeaders.SEQUENCE, Long.toString(sequence).getBytes(StandardCharsets.US_ASCII));
    headers[2] = TYPE_HEADERS[type.ordinal()];
    int i = 3;
    if (tenantHeader != null) {
      headers[i++] = tenantHeader;
    }
    if (traceHeader != null) {
      headers[i] = traceHeader;
    }
    return new RecordHeaders(headers);
  }

  // ---------------------------------------------------------------- checks

  private void checkUsable() {
    if (publisher.isClosed()) {
      throw refuse(
          new PublisherClosedException(
              "the publisher is closed; nothing more can be published for workflow " + workflowId));
    }
    PublishException cause = abortCause.get();
    if (cause != null) {
      throw refuse(aborted(cause));
    }
  }

  private RunAbortedException aborted(PublishException cause) {
    return new RunAbortedException(
        "workflow "
            + workflowId
            + " is aborted: an earlier event of it was not delivered ("
            + cause.getMessage()
            + "); start a new run",
        cause);
  }

  private void checkRunning(EventType type, String subject) {
    if (status != RunStatus.RUNNING) {
      throw refuse(
          new InvalidTransitionException(
              "workflow "
                  + workflowId
                  + " has ended ("
                  + (status == RunStatus.FINISHED
                      ? "agent_finish"
                      : status == RunStatus.CANCELLED ? "cancelled error" : "error")
                  + " published): "
                  + type.wireName()
                  + " for "
                  + subject
                  + " refused"));
    }
  }

  private void checkStepOpen(Step step, EventType type) {
    checkRunning(type, "step '" + step.key + "'");
    if (step.superseded) {
      throw refuse(superseded(step, type));
    }
    if (step.finished) {
      throw refuse(
          new InvalidTransitionException(
              "step '"
                  + step.key
                  + "' of workflow "
                  + workflowId
                  + " is already finished: "
                  + type.wireName()
                  + " refused"));
    }
  }

  private InvalidTransitionException superseded(Step step, EventType type) {
    return new InvalidTransitionException(
        "attempt "
            + step.attempt
            + " of step '"
            + step.key
            + "' of workflow "
            + workflowId
            + " was superseded by a retry: "
            + type.wireName()
            + " refused; use the handle retry() returned (or step(\""
            + step.key
            + "\"))");
  }

  /**
   * Whether the publisher has no price table, so usage goes out with {@link #LEDGER_PRICED_COST}
   * and the topology prices it from the ledger.
   */
  private boolean pricedByLedger() {
    return publisher.config().prices().prices().isEmpty();
  }

  private PublishException refuse(PublishException e) {
    publisher.refused();
    return e;
  }

  @Override
  public String toString() {
    return "AgentRun{workflow="
        + workflowId
        + ", root="
        + rootWorkflowId
        + ", agent="
        + agentId
        + ", status="
        + status
        + (abortCause.get() != null ? ", aborted" : "")
        + "}";
  }
}
