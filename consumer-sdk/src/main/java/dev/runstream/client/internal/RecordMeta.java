package dev.runstream.client.internal;

import dev.runstream.schemas.EventHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;

/**
 * What a reader knows of a record before decoding its Avro value: where it is, its key (the root
 * workflow id) and the runstream headers ({@link EventHeaders}), which name the workflow and the
 * sequence. Header values that are missing or malformed are {@code null} / -1: the value is then
 * decoded to find out.
 *
 * @param partition the partition
 * @param offset the offset
 * @param timestamp the record timestamp
 * @param key the key as UTF-8, or {@code null}
 * @param workflowId the {@link EventHeaders#WORKFLOW_ID} header, or {@code null}
 * @param sequence the {@link EventHeaders#SEQUENCE} header, or -1
 * @param eventType the {@link EventHeaders#EVENT_TYPE} header, or {@code null}
 */
public record RecordMeta(
    int partition,
    long offset,
    long timestamp,
    String key,
    String workflowId,
    long sequence,
    String eventType) {

  /** A record with no event type header. */
  public RecordMeta(
      int partition, long offset, long timestamp, String key, String workflowId, long sequence) {
    this(partition, offset, timestamp, key, workflowId, sequence, null);
  }

  /** Whether the event type header names a terminal event ({@code agent_finish}, {@code error}). */
  public boolean isTerminalByHeader() {
    return "agent_finish".equals(eventType) || "error".equals(eventType);
  }

  /** Reads the key and headers of {@code record}. */
  public static RecordMeta of(ConsumerRecord<byte[], byte[]> record) {
    String workflowId = null;
    String eventType = null;
    long sequence = -1;
    for (Header header : record.headers()) {
      String name = header.key();
      if (EventHeaders.WORKFLOW_ID.equals(name)) {
        workflowId = utf8(header.value());
      } else if (EventHeaders.SEQUENCE.equals(name)) {
        sequence = parseSequence(header.value());
      } else if (EventHeaders.EVENT_TYPE.equals(name)) {
        eventType = utf8(header.value());
      }
    }
    byte[] key = record.key();
    return new RecordMeta(
        record.partition(),
        record.offset(),
        record.timestamp(),
        key == null ? null : new String(key, StandardCharsets.UTF_8),
        workflowId,
        sequence,
        eventType);
  }

  /** Whether the headers named the workflow and the sequence. */
  public boolean hasHeaders() {
    return workflowId != null && sequence >= 0;
  }

  private static String utf8(byte[] value) {
    return value == null || value.length == 0 ? null : new String(value, StandardCharsets.UTF_8);
  }

  static long parseSequence(byte[] value) {
    if (value == null || value.length == 0 || value.length > 19) {
      return -1;
    }
    long n = 0;
    for (byte b : value) {
      if (b < '0' || b > '9') {
        return -1;
      }
      n = n * 10 + (b - '0');
    }
    return n;
  }
}
