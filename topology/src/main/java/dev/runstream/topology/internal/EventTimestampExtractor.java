package dev.runstream.topology.internal;

import dev.runstream.schemas.AgentEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * Event time is the event's own {@code timestamp}, when the agent did the work, not when the record
 * reached Kafka: usage lands in the hour it was spent even if it is published late.
 */
public final class EventTimestampExtractor implements TimestampExtractor {
  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.value() instanceof AgentEvent event
        && event.getTimestamp() != null
        && event.getTimestamp().toEpochMilli() >= 0) {
      return event.getTimestamp().toEpochMilli();
    }
    return record.timestamp() >= 0 ? record.timestamp() : Math.max(0, partitionTime);
  }
}
