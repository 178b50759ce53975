package dev.runstream.producer.internal;

import java.util.List;
import java.util.Map;

/**
 * What a simulated agent run does, fully decided in advance from a seed: a flat list of actions per
 * workflow, with child runs nested in the TOOL steps that delegate to them. Records, so two scripts
 * from the same seed are {@code equals}.
 *
 * @param agentId the agent
 * @param input the run's input
 * @param config the agent configuration published in agent_start
 * @param actions what the run does, in order
 */
public record DemoScript(
    String agentId, String input, Map<String, String> config, List<Action> actions) {

  /** One thing a run does. */
  public sealed interface Action {}

  /**
   * Starts an LLM step.
   *
   * @param stepKey the key
   */
  public record StartLlmStep(String stepKey) implements Action {}

  /**
   * Starts a TOOL step for a call.
   *
   * @param stepKey the key
   * @param callId the call it executes
   */
  public record StartToolStep(String stepKey, String callId) implements Action {}

  /**
   * Streams one token of the current step.
   *
   * @param text the token, with its leading space
   */
  public record Token(String text) implements Action {}

  /**
   * Retries the current step: its attempt so far (the tokens streamed since it started) is
   * superseded, and the tokens that follow are the new attempt's.
   */
  public record RetryStep() implements Action {}

  /**
   * The current step asks for a tool.
   *
   * @param callId the call id
   * @param toolName the tool
   * @param argumentsJson its arguments
   */
  public record CallTool(String callId, String toolName, String argumentsJson) implements Action {}

  /**
   * Runs a sub-agent inside the current (TOOL) step; its output is the step's result.
   *
   * @param child the child's script
   */
  public record RunChild(DemoScript child) implements Action {}

  /**
   * Finishes the current step.
   *
   * @param output its output, or {@code null} to use the child's result or the streamed text
   * @param model the model, for LLM steps, else {@code null}
   * @param inputTokens prompt tokens
   * @param outputTokens completion tokens
   */
  public record FinishStep(String output, String model, long inputTokens, long outputTokens)
      implements Action {}

  /**
   * Fails the run (in the current step, if one is open).
   *
   * @param errorType the classifier
   * @param message the message
   * @param retryable whether a retry may succeed
   */
  public record Fail(String errorType, String message, boolean retryable) implements Action {}

  /**
   * Finishes the run.
   *
   * @param output the final answer
   */
  public record Finish(String output) implements Action {}

  /**
   * Events this script publishes without coalescing, child runs included.
   *
   * @return the event count
   */
  public long eventCount() {
    long events = 1; // agent_start
    for (Action action : actions) {
      events += action instanceof RunChild child ? child.child().eventCount() : 1;
    }
    return events;
  }

  /**
   * Step retries in this script, child runs included.
   *
   * @return the number of {@link RetryStep} actions
   */
  public int retries() {
    int retries = 0;
    for (Action action : actions) {
      if (action instanceof RetryStep) {
        retries++;
      } else if (action instanceof RunChild child) {
        retries += child.child().retries();
      }
    }
    return retries;
  }

  /**
   * Whether the run ends with an error.
   *
   * @return {@code true} if its last action is a failure
   */
  public boolean fails() {
    return actions.get(actions.size() - 1) instanceof Fail;
  }

  /**
   * Child runs, transitively.
   *
   * @return the number of sub-agent runs
   */
  public int childRuns() {
    int children = 0;
    for (Action action : actions) {
      if (action instanceof RunChild child) {
        children += 1 + child.child().childRuns();
      }
    }
    return children;
  }
}
