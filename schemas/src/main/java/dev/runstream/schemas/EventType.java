package dev.runstream.schemas;

import java.util.Locale;
import java.util.Optional;

/**
 * The lifecycle event types of an agent run, named as in Polos' streaming API ({@code
 * event.event_type}). Each maps to one record of the {@link AgentEvent} payload union.
 *
 * <pre>{@code
 * switch (EventType.of(event)) {
 *   case TEXT_DELTA -> out.print(((TextDelta) event.getPayload()).getContent());
 *   case AGENT_FINISH -> out.println("done");
 *   default -> {}
 * }
 * }</pre>
 */
public enum EventType {
  AGENT_START(AgentStart.class),
  STEP_START(StepStart.class),
  TEXT_DELTA(TextDelta.class),
  TOOL_CALL(ToolCall.class),
  STEP_FINISH(StepFinish.class),
  AGENT_FINISH(AgentFinish.class),
  ERROR(AgentError.class);

  private final Class<?> payloadType;
  private final String wireName;

  EventType(Class<?> payloadType) {
    this.payloadType = payloadType;
    this.wireName = name().toLowerCase(Locale.ROOT);
  }

  /** The Polos name: {@code agent_start}, {@code text_delta}, …, {@code error}. */
  public String wireName() {
    return wireName;
  }

  /** The payload record class of this type. */
  public Class<?> payloadType() {
    return payloadType;
  }

  /** Whether this type ends a run: {@code agent_finish} or {@code error}. */
  public boolean isTerminal() {
    return this == AGENT_FINISH || this == ERROR;
  }

  /**
   * The {@code error_type} of the error event that ends a cancelled run; such an event also carries
   * a {@link Cancellation} (readers that predate cancellation see an ordinary error of this type).
   */
  public static final String CANCELLED_ERROR_TYPE = "cancelled";

  /**
   * The cancellation of a cancelled run's terminal event.
   *
   * <pre>{@code
   * EventType.cancellation(event).ifPresent(c -> out.println("cancelled: " + c.getReason()));
   * }</pre>
   *
   * @param event any event
   * @return its cancellation when it is the {@code error} event of a cancelled run, else empty
   */
  public static Optional<Cancellation> cancellation(AgentEvent event) {
    return event.getPayload() instanceof AgentError error
        ? Optional.ofNullable(error.getCancellation())
        : Optional.empty();
  }

  /** The type of {@code event}'s payload. */
  public static EventType of(AgentEvent event) {
    return ofPayload(event.getPayload());
  }

  /** The type of a payload record. */
  public static EventType ofPayload(Object payload) {
    for (EventType type : values()) {
      if (type.payloadType.isInstance(payload)) {
        return type;
      }
    }
    throw new IllegalArgumentException(
        "not an agent event payload: " + (payload == null ? "null" : payload.getClass()));
  }

  /**
   * The type named {@code wireName} ({@code text_delta}).
   *
   * @throws IllegalArgumentException for an unknown name
   */
  public static EventType fromWireName(String wireName) {
    for (EventType type : values()) {
      if (type.wireName.equals(wireName)) {
        return type;
      }
    }
    throw new IllegalArgumentException("unknown event type: " + wireName);
  }
}
