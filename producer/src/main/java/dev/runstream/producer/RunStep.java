package dev.runstream.producer;

import dev.runstream.schemas.StepType;
import java.util.concurrent.CompletableFuture;

/**
 * An open step of an {@link AgentRun}. Its calls go through the run's state machine: they throw
 * {@link InvalidTransitionException} once the step is finished or the run has ended, and {@link
 * RunAbortedException} once the run is aborted. Thread-safe.
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
   * Whether the step still takes events: not finished, and its run has not ended.
   *
   * @return {@code true} if open
   */
  boolean isOpen();

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
