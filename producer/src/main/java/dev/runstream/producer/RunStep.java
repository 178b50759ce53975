package dev.runstream.producer;

import dev.runstream.schemas.StepType;
import java.util.concurrent.CompletableFuture;

/**
 * An open step of an {@link AgentRun}. Its calls go through the run's state machine: they throw
 * {@link InvalidTransitionException} once the step is finished, retried or the run has ended, and
 * {@link RunAbortedException} once the run is aborted. Thread-safe.
 *
 * <h2>Retries</h2>
 *
 * A step that must be redone (an LLM call that failed half-way through its stream, say) is retried
 * with {@link #retry()}: it publishes a {@code step_start} of the same key with {@code attempt} N+1
 * and returns the handle of the new attempt. Every event of an attempt carries its number in the
 * envelope's {@code attempt}. The text deltas of the earlier attempts are superseded: the
 * materialized run's text, the SDK's {@code text()} and {@code result()} and the web UI drop them,
 * and the SDK's text-chunk stream signals a reset for the step. The events themselves stay in the
 * log. The handle of a superseded attempt takes no more events.
 *
 * <pre>{@code
 * RunStep llm = run.startStep("llm_1", StepType.LLM);
 * try {
 *   model.stream(prompt, llm::textDelta);
 * } catch (ProviderTimeoutException e) {
 *   llm = llm.retry();                        // attempt 2: the partial text is superseded
 *   model.stream(prompt, llm::textDelta);
 * }
 * llm.finish(null, "gpt-4o", usage);
 * }</pre>
 */
public interface RunStep {

  /**
   * The step key, unique within the workflow.
   *
   * @return the key
   */
  String key();

  /**
   * The step type.
   *
   * @return LLM, TOOL or OTHER
   */
  StepType type();

  /**
   * The run the step belongs to.
   *
   * @return the run
   */
  AgentRun run();

  /**
   * The attempt this handle publishes for: 1 for the step's first start, N+1 after the N-th {@link
   * #retry()}.
   *
   * @return the attempt, from 1
   */
  int attempt();

  /**
   * Whether the step still takes events through this handle: not finished, not superseded by a
   * retry, and its run has not ended.
   *
   * @return {@code true} if open
   */
  boolean isOpen();

  /**
   * Retries the step: publishes a {@code step_start} of the same key, type and tool call id with
   * attempt {@link #attempt()} + 1, and returns the handle of the new attempt. Text still pending
   * in the coalescing window is sent first, as part of this (now superseded) attempt. From then on
   * this handle refuses every call with {@link InvalidTransitionException}; {@link
   * AgentRun#step(String)} returns the new handle. Tool calls this attempt published stay announced
   * (a TOOL step may already execute them); only text is superseded.
   *
   * @return the handle of the new attempt
   * @throws InvalidTransitionException if the step is finished, already retried, or the run ended
   */
  RunStep retry();

  /**
   * Publishes a chunk of generated text ({@code text_delta}). With coalescing on ({@code
   * publisher.coalesce.window.ms} &gt; 0) deltas within the window are merged into one event of
   * exactly the same text, and this returns the merged event's future; the call then never blocks,
   * and a failure to send the merged event later fails that future and aborts the run.
   *
   * @param content the text, possibly empty
   * @return the event's future
   */
  CompletableFuture<PublishedEvent> textDelta(String content);

  /**
   * Publishes a {@code tool_call}: the model asks for a tool execution. The result comes from the
   * TOOL step that names this call id ({@link AgentRun#startToolStep}).
   *
   * @param callId unique within the workflow
   * @param toolName the tool's name
   * @param argumentsJson the arguments, a JSON value
   * @return the event's future
   * @throws InvalidEventException if the arguments are not JSON
   * @throws InvalidTransitionException if the call id was used in this workflow
   */
  CompletableFuture<PublishedEvent> toolCall(String callId, String toolName, String argumentsJson);

  /**
   * Finishes the step without usage ({@code step_finish}); the duration is measured from its start.
   *
   * @param output the step's output (for a TOOL step, the tool's result), or {@code null}
   * @return the event's future
   */
  CompletableFuture<PublishedEvent> finish(String output);

  /**
   * Finishes the step with the usage of {@code model}. A usage without cost is priced exactly from
   * the publisher's {@link PriceTable}; when the publisher has no price table at all, it is
   * published with cost 0 and the topology prices it from the versioned price ledger (see {@link
   * PriceLedger}).
   *
   * @param output the step's output, or {@code null}
   * @param model the model that produced the usage
   * @param usage the usage
   * @return the event's future
   * @throws InvalidEventException if the usage has no cost and a non-empty price table has no price
   *     for the model
   */
  CompletableFuture<PublishedEvent> finish(String output, String model, TokenUsage usage);

  /**
   * Fails the whole run with an {@code error} event that names this step.
   *
   * @param errorType a short classifier
   * @param message what went wrong
   * @param retryable whether running the agent again may succeed
   * @return the event's future
   */
  CompletableFuture<PublishedEvent> fail(String errorType, String message, boolean retryable);
}
