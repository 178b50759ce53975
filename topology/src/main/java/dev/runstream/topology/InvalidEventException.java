package dev.runstream.topology;

import java.util.Objects;

/**
 * An agent event that deserialized fine but cannot be applied to its workflow: it breaks the
 * workflow's state machine or contradicts what is already known about the workflow.
 *
 * <p>The topology throws it from its processor <em>before</em> changing any state, so the event has
 * no effect; Kafka Streams hands it to the processing exception handler (KIP-1033), which sends the
 * original record to the dead-letter topic with a {@value DeadLetterHeaders#REASON} header of
 * {@link DeadLetterReason#INVALID_EVENT} and a {@value DeadLetterHeaders#DETAIL} header naming the
 * {@link Violation}, and processing continues with the next record.
 *
 * <p>Because the event is not applied, the workflow's {@code last_sequence} does not advance: if a
 * later event of the same workflow is applied, the rejected sequence shows up in the record's
 * {@code gaps}. That is deliberate; the record then says truthfully that an event was not applied.
 */
public class InvalidEventException extends RunstreamTopologyException {
  private static final long serialVersionUID = 1L;

  /** Why an event was refused. */
  public enum Violation {
    /** The event has no value (a tombstone on the events topic). */
    NULL_EVENT,
    /**
     * The record key is not the event's {@code root_workflow_id}, so the event may sit on another
     * partition than the rest of its workflow tree and cannot be ordered with it.
     */
    KEY_MISMATCH,
    /** A required envelope field is blank or out of range (for example a negative sequence). */
    INVALID_ENVELOPE,
    /**
     * The event's root, parent or agent id differs from the one the workflow was first seen with.
     */
    IDENTITY_MISMATCH,
    /** A new event (not a duplicate) for a workflow that already finished or failed. */
    AFTER_TERMINAL,
    /** An {@code agent_start} for a workflow that has already applied events. */
    DUPLICATE_START,
    /**
     * A {@code step_start} whose step key the workflow already has, other than a retry: a retry
     * names an open step and an {@code attempt} above the step's current one.
     */
    DUPLICATE_STEP,
    /**
     * A {@code step_finish} for a step that never started, in a workflow without gaps (with gaps,
     * the missing {@code step_start} may be in one, and the step is materialized anyway).
     */
    UNKNOWN_STEP,
    /** A second {@code step_finish} for the same step. */
    STEP_ALREADY_FINISHED,
    /** A {@code tool_call} whose call id the workflow already has. */
    DUPLICATE_TOOL_CALL,
    /**
     * A {@code text_delta}, {@code tool_call} or {@code step_finish} of a step attempt that a retry
     * (a {@code step_start} with a higher {@code attempt}) already superseded.
     */
    SUPERSEDED_ATTEMPT,
    /** An {@code attempt} below 1 in the envelope. */
    INVALID_ATTEMPT
  }

  private final Violation violation;
  private final String workflowId;
  private final long sequence;

  /**
   * Creates the exception.
   *
   * @param violation the rule the event breaks
   * @param workflowId the event's workflow id, or {@code null} if it has none
   * @param sequence the event's sequence, or {@code -1} if unknown
   * @param message a human-readable explanation
   */
  public InvalidEventException(
      Violation violation, String workflowId, long sequence, String message) {
    // Bad input, not a bug: no stack trace, which would only bloat logs and dead-letter headers.
    super(violation + ": " + message, null, false);
    this.violation = Objects.requireNonNull(violation, "violation");
    this.workflowId = workflowId;
    this.sequence = sequence;
  }

  /**
   * The rule the event breaks.
   *
   * @return the violation
   */
  public Violation violation() {
    return violation;
  }

  /**
   * The event's workflow id.
   *
   * @return the workflow id, or {@code null} if the event has none
   */
  public String workflowId() {
    return workflowId;
  }

  /**
   * The event's sequence.
   *
   * @return the sequence, or {@code -1} if unknown
   */
  public long sequence() {
    return sequence;
  }
}
