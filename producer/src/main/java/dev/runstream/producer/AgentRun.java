package dev.runstream.producer;

import dev.runstream.schemas.RunStatus;
import dev.runstream.schemas.StepType;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * One running workflow (an agent run) whose {@code agent_start} was published. Thread-safe; its
 * calls are serialized, so events of a workflow are numbered and published in call order.
 *
 * <h2>The rules it enforces</h2>
 *
 * Each call below throws {@link InvalidTransitionException}, and publishes nothing, when:
 *
 * <ul>
 *   <li>the run has ended ({@code agent_finish} or {@code error} published): any further event,
 *       including a second terminal event;
 *   <li>a step key is used twice in the workflow, a step is unknown ({@link #step(String)}), a step
 *       is finished twice, or a text delta, tool call or finish targets a finished step;
 *   <li>any call goes through the handle of a step attempt that {@link RunStep#retry()} superseded,
 *       or a finished step is retried;
 *   <li>a tool call id is used twice in the workflow, or a TOOL step names a call id that no {@code
 *       tool_call} of this workflow announced, or that another TOOL step already executes;
 *   <li>{@link #finish} is called while steps or child runs are still open: finish or fail them
 *       first. ({@link #fail} is allowed at any time: see below.)
 *   <li>a child run is started on a run that has ended.
 * </ul>
 *
 * <p>{@link #fail} ends the run with an {@code error} event even with open steps (a failure may
 * strike mid-step); its open steps then take no more events. It first fails every child run still
 * open, depth first, with an {@code error} of type {@value #PARENT_FAILED}, so no child can publish
 * after its parent ended and every workflow of the tree ends with a terminal event.
 *
 * <p>When one of the run's accepted events fails delivery, every later call throws {@link
 * RunAbortedException}.
 *
 * <h2>Cancellation</h2>
 *
 * A cancel request ({@code client.cancel(workflowId, reason)}, {@code POST
 * /v1/workflows/{id}/cancel}, {@code runstream cancel}) reaches the publisher on the control topic.
 * It does not stop anything by itself: the worker observes it and stops its agent loop, then ends
 * the run with {@link #cancel(String)}, whose terminal {@code error} event says the run was
 * cancelled (type {@value dev.runstream.schemas.EventType#CANCELLED_ERROR_TYPE}, with a {@code
 * Cancellation}) and makes the materialized status {@code CANCELLED}. A request for a run also
 * reaches its open child runs.
 *
 * <pre>{@code
 * AgentRun run = publisher.startRun("researcher", question);
 * for (String task : plan) {
 *   if (run.isCancelRequested()) {          // or: run.cancellation().thenRun(loop::interrupt)
 *     run.cancel(null);                     // error{type=cancelled}, reason from the request
 *     return;
 *   }
 *   doStep(run, task);
 * }
 * run.finish(answer);
 * }</pre>
 */
public interface AgentRun {

  /** The {@code error_type} of the error published for a child run when its parent fails. */
  String PARENT_FAILED = "parent_failed";

  /**
   * This run's workflow id.
   *
   * @return the workflow id
   */
  String workflowId();

  /**
   * The root workflow id of its tree (its own id for a top-level run): the record key.
   *
   * @return the root workflow id
   */
  String rootWorkflowId();

  /**
   * The parent's workflow id, for a child run.
   *
   * @return the parent's workflow id, or empty for a top-level run
   */
  Optional<String> parentWorkflowId();

  /**
   * The agent's id.
   *
   * @return the agent id
   */
  String agentId();

  /**
   * The run's status: RUNNING until a terminal event was accepted; then FINISHED, FAILED or
   * CANCELLED.
   *
   * @return the status
   */
  RunStatus status();

  /**
   * Starts an LLM or OTHER step: publishes {@code step_start}. Several steps may be open at once.
   *
   * @param stepKey unique within the workflow
   * @param type {@link StepType#LLM} or {@link StepType#OTHER}; TOOL steps use {@link
   *     #startToolStep}
   * @return the step
   * @throws InvalidTransitionException if the run ended or the key was used
   * @throws InvalidEventException if {@code type} is TOOL
   */
  RunStep startStep(String stepKey, StepType type);

  /**
   * Starts a TOOL step that executes a tool call announced by a {@code tool_call} of this workflow:
   * publishes {@code step_start} with its {@code tool_call_id}. The step's output (its {@link
   * RunStep#finish(String)}) is the tool result, and {@code agent_finish} lists it in {@code
   * tool_results}.
   *
   * @param stepKey unique within the workflow
   * @param toolCallId the call id of the tool call it executes
   * @return the step
   * @throws InvalidTransitionException if the run ended, the key was used, the call id is unknown
   *     or already executed by another step
   */
  RunStep startToolStep(String stepKey, String toolCallId);

  /**
   * The open step with this key, for workers that track steps by key.
   *
   * @param stepKey the key
   * @return the step
   * @throws InvalidTransitionException if the workflow has no such step, or it was finished
   */
  RunStep step(String stepKey);

  /**
   * Starts a child run (a sub-agent): it shares this run's root workflow id, and so its partition,
   * records this run as its parent, and inherits its tenant and trace context.
   *
   * @param agentId the sub-agent's id
   * @param input its input, or {@code null}
   * @return the child run
   * @throws InvalidTransitionException if this run ended
   */
  default AgentRun startChildRun(String agentId, String input) {
    return startChildRun(RunOptions.of(agentId, input));
  }

  /**
   * Starts a child run with full options; {@code null} tenant and trace context are inherited.
   *
   * @param options the options
   * @return the child run
   * @throws InvalidTransitionException if this run ended
   */
  AgentRun startChildRun(RunOptions options);

  /**
   * Ends the run: publishes {@code agent_finish} with the output, the number of steps, the tool
   * results of its TOOL steps, and the sum of its steps' usage and cost (not its children's).
   *
   * @param output the final result, or {@code null}
   * @return the event's future
   * @throws InvalidTransitionException if the run ended or has open steps or child runs
   */
  CompletableFuture<PublishedEvent> finish(String output);

  /**
   * Ends the run with the total usage the worker reports instead of the sum of its steps. A total
   * spans models, so it must carry its cost, unless the publisher has no price table: then it is
   * published with cost 0 (the topology takes the run's cost from its ledger-priced steps).
   *
   * @param output the final result, or {@code null}
   * @param totalUsage the total usage, with a cost
   * @return the event's future
   * @throws InvalidTransitionException if the run ended or has open steps or child runs
   * @throws InvalidEventException if the usage has no cost and the publisher has a price table
   */
  CompletableFuture<PublishedEvent> finish(String output, TokenUsage totalUsage);

  /**
   * Ends the run with an {@code error} event (see the class documentation for open steps and child
   * runs).
   *
   * @param errorType a short classifier, e.g. an exception class or provider error code
   * @param message what went wrong
   * @param retryable whether running the agent again may succeed
   * @return the event's future
   * @throws InvalidTransitionException if the run ended
   */
  CompletableFuture<PublishedEvent> fail(String errorType, String message, boolean retryable);

  /**
   * Whether a cancel request for this run (or an ancestor run) has been observed on the control
   * topic. Stays {@code true}; the run keeps running until the worker ends it.
   *
   * @return {@code true} once a cancel request arrived
   */
  boolean isCancelRequested();

  /**
   * The first cancel request for this run (or an ancestor run): a future that completes when it
   * arrives, on the publisher's control-listener thread, so dependent stages must not block. It
   * never completes when {@code publisher.control.enabled=false} or the run ends first; it never
   * completes exceptionally. Each call returns a new dependent future, so completing it has no
   * effect on the run.
   *
   * @return the request's future
   */
  CompletableFuture<CancelRequest> cancellation();

  /**
   * Ends the run as cancelled: publishes an {@code error} event of type {@value
   * dev.runstream.schemas.EventType#CANCELLED_ERROR_TYPE} that carries a {@code Cancellation} (the
   * reason, who asked, the request id). Like {@link #fail}, it is allowed with open steps and first
   * cancels every child run still open, depth first. It can be called without a request, for a
   * worker that stops on its own (then {@code requested_by} is {@code worker}).
   *
   * @param reason the reason; {@code null} takes the request's reason
   * @return the event's future
   * @throws InvalidTransitionException if the run ended
   */
  CompletableFuture<PublishedEvent> cancel(String reason);

  /**
   * Ends the run with an {@code error} event describing {@code error}: its simple class name as the
   * type, its message, not retryable.
   *
   * @param error the failure
   * @return the event's future
   * @throws InvalidTransitionException if the run ended
   */
  default CompletableFuture<PublishedEvent> fail(Throwable error) {
    return fail(
        error.getClass().getSimpleName(),
        error.getMessage() == null ? error.toString() : error.getMessage(),
        false);
  }
}
