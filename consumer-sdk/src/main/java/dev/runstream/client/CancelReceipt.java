package dev.runstream.client;

import java.time.Instant;

/**
 * The broker's acknowledgement of a cancel request: the command is durably on the control topic.
 * The run is not cancelled yet — its worker observes the request and ends the run with a cancelled
 * {@code error} event; streams of the run end with that event and {@link RunResult#isCancelled()}
 * then holds.
 *
 * @param requestId the request's unique id; the cancelled event's {@code Cancellation} echoes it
 * @param workflowId the workflow asked to cancel
 * @param rootWorkflowId the root of its tree, the command's record key
 * @param reason the reason, or {@code null}
 * @param requestedBy who asked, or {@code null}
 * @param source the component that asked
 * @param requestedAt when the command was published
 * @param topic the control topic
 * @param partition its partition
 * @param offset its offset
 */
public record CancelReceipt(
    String requestId,
    String workflowId,
    String rootWorkflowId,
    String reason,
    String requestedBy,
    String source,
    Instant requestedAt,
    String topic,
    int partition,
    long offset) {}
