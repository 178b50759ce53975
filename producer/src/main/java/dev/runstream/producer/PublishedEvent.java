package dev.runstream.producer;

import dev.runstream.schemas.EventType;
import java.time.Instant;

/**
 * An event the broker acknowledged: the value of an event's future.
 *
 * @param eventId the event's unique id (a UUID)
 * @param rootWorkflowId the root workflow id, which is also the record key
 * @param workflowId the event's workflow
 * @param sequence the event's sequence within its workflow, from 0, without gaps
 * @param type the event type
 * @param partition the partition it was written to
 * @param offset its offset in that partition
 * @param timestamp the event's timestamp, also the record's timestamp
 */
public record PublishedEvent(
    String eventId,
    String rootWorkflowId,
    String workflowId,
    long sequence,
    EventType type,
    int partition,
    long offset,
    Instant timestamp) {}
