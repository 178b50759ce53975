package dev.runstream.producer;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * What an {@code agent_start} event says about a new run, and the context its events carry.
 *
 * <pre>{@code
 * RunOptions options = RunOptions.newBuilder()
 *     .agentId("weather-agent")
 *     .input("What is the weather in Tokyo?")
 *     .config("model", "gpt-4o-mini")
 *     .tenantId("acme")
 *     .traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")
 *     .build();
 * AgentRun run = publisher.startRun(options);
 * }</pre>
 *
 * <p>A child run ({@link AgentRun#startChildRun(RunOptions)}) inherits its parent's tenant and
 * trace context when its options leave them {@code null}.
 *
 * @param agentId the agent's id, not blank
 * @param input the run's input (a prompt or JSON text), or {@code null}
 * @param config agent configuration (model, temperature, limits), copied; never {@code null}
 * @param tenantId the tenant, or {@code null}
 * @param traceparent a W3C {@code traceparent} value, or {@code null}
 * @param tracestate a W3C {@code tracestate} value, or {@code null}
 * @param workflowId the run's workflow id, or {@code null} for a new random UUID. Give one only if
 *     it is unique: the sequence numbers of a workflow id start again at 0 in every run.
 */
public record RunOptions(
    String agentId,
    String input,
    Map<String, String> config,
    String tenantId,
    String traceparent,
    String tracestate,
    String workflowId) {

  private static final Pattern TRACEPARENT =
      Pattern.compile("[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}");

  /**
   * Validates and copies the components.
   *
   * @throws IllegalArgumentException if the agent id or the workflow id is blank, or the
   *     traceparent is malformed
   * @throws NullPointerException if the agent id is {@code null}
   */
  public RunOptions {
    Objects.requireNonNull(agentId, "agentId");
    if (agentId.isBlank()) {
      throw new IllegalArgumentException("agentId must not be blank");
    }
    config = config == null ? Map.of() : Map.copyOf(config);
    if (traceparent != null && !TRACEPARENT.matcher(traceparent).matches()) {
      throw new IllegalArgumentException(
          "traceparent '" + traceparent + "' is not a W3C trace context traceparent");
    }
    if (workflowId != null && workflowId.isBlank()) {
      throw new IllegalArgumentException("workflowId must not be blank; use null for a new one");
    }
    if (tenantId != null && tenantId.isBlank()) {
      throw new IllegalArgumentException("tenantId must not be blank; use null for none");
    }
  }

  /**
   * Options with only an agent id and an input.
   *
   * @param agentId the agent's id
   * @param input the input, or {@code null}
   * @return the options
   */
  public static RunOptions of(String agentId, String input) {
    return new RunOptions(agentId, input, Map.of(), null, null, null, null);
  }

  /**
   * A builder.
   *
   * @return a new builder
   */
  public static Builder newBuilder() {
    return new Builder();
  }

  /**
   * A builder initialised with these options.
   *
   * @return a new builder
   */
  public Builder toBuilder() {
    Builder builder = new Builder();
    builder.agentId = agentId;
    builder.input = input;
    builder.config.putAll(config);
    builder.tenantId = tenantId;
    builder.traceparent = traceparent;
    builder.tracestate = tracestate;
    builder.workflowId = workflowId;
    return builder;
  }

  /** Builds {@link RunOptions}. Not thread-safe. */
  public static final class Builder {
    private String agentId;
    private String input;
    private final Map<String, String> config = new LinkedHashMap<>();
    private String tenantId;
    private String traceparent;
    private String tracestate;
    private String workflowId;

    private Builder() {}

    /**
     * Sets the agent id (required).
     *
     * @param agentId the agent's id
     * @return this builder
     */
    public Builder agentId(String agentId) {
      this.agentId = agentId;
      return this;
    }

    /**
     * Sets the input.
     *
     * @param input a prompt or JSON text
     * @return this builder
     */
    public Builder input(String input) {
      this.input = input;
      return this;
    }

    /**
     * Adds one agent configuration entry.
     *
     * @param key e.g. {@code model}
     * @param value e.g. {@code gpt-4o-mini}
     * @return this builder
     */
    public Builder config(String key, String value) {
      config.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds agent configuration entries.
     *
     * @param entries the entries
     * @return this builder
     */
    public Builder config(Map<String, String> entries) {
      entries.forEach(this::config);
      return this;
    }

    /**
     * Sets the tenant.
     *
     * @param tenantId the tenant id
     * @return this builder
     */
    public Builder tenantId(String tenantId) {
      this.tenantId = tenantId;
      return this;
    }

    /**
     * Sets the W3C trace context.
     *
     * @param traceparent the {@code traceparent} value
     * @return this builder
     */
    public Builder traceparent(String traceparent) {
      this.traceparent = traceparent;
      return this;
    }

    /**
     * Sets the W3C trace state.
     *
     * @param tracestate the {@code tracestate} value
     * @return this builder
     */
    public Builder tracestate(String tracestate) {
      this.tracestate = tracestate;
      return this;
    }

    /**
     * Sets the workflow id instead of a new random UUID.
     *
     * @param workflowId a unique workflow id
     * @return this builder
     */
    public Builder workflowId(String workflowId) {
      this.workflowId = workflowId;
      return this;
    }

    /**
     * Builds the options.
     *
     * @return the options
     * @throws IllegalArgumentException if a value is invalid
     * @throws NullPointerException if no agent id was set
     */
    public RunOptions build() {
      return new RunOptions(agentId, input, config, tenantId, traceparent, tracestate, workflowId);
    }
  }
}
