package dev.runstream.producer;

import dev.runstream.producer.internal.DemoScript;
import java.util.Objects;

/**
 * A simulated run decided in advance by {@link DemoAgent#plan(long)}: which agent, its input, its
 * steps, tokens, tool calls, sub-agents, usage and whether it fails. Two plans from the same seed
 * and index are equal and publish the same event payloads (ids and timestamps aside).
 */
public final class RunPlan {
  private final long runIndex;
  private final DemoScript script;

  RunPlan(long runIndex, DemoScript script) {
    this.runIndex = runIndex;
    this.script = script;
  }

  DemoScript script() {
    return script;
  }

  /**
   * The run's index within its {@link DemoAgent}.
   *
   * @return the index
   */
  public long runIndex() {
    return runIndex;
  }

  /**
   * The agent.
   *
   * @return the agent id
   */
  public String agentId() {
    return script.agentId();
  }

  /**
   * The run's input prompt.
   *
   * @return the input
   */
  public String input() {
    return script.input();
  }

  /**
   * The events the run publishes without coalescing, sub-agent runs included.
   *
   * @return the event count
   */
  public long eventCount() {
    return script.eventCount();
  }

  /**
   * Whether the run ends with an error event.
   *
   * @return {@code true} if it fails
   */
  public boolean fails() {
    return script.fails();
  }

  /**
   * Sub-agent runs, transitively.
   *
   * @return the count
   */
  public int childRuns() {
    return script.childRuns();
  }

  /**
   * Step retries the run performs ({@link RunStep#retry()}), children included.
   *
   * @return the count
   */
  public int retries() {
    return script.retries();
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof RunPlan plan && plan.runIndex == runIndex && plan.script.equals(script);
  }

  @Override
  public int hashCode() {
    return Objects.hash(runIndex, script);
  }

  @Override
  public String toString() {
    return "RunPlan{#"
        + runIndex
        + " "
        + script.agentId()
        + ", events="
        + eventCount()
        + ", children="
        + childRuns()
        + (retries() > 0 ? ", retries=" + retries() : "")
        + (fails() ? ", fails" : "")
        + "}";
  }
}
