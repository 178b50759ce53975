package dev.runstream.topology.internal;

import dev.runstream.schemas.AvroSerdeException;
import dev.runstream.schemas.MalformedRecordException;
import dev.runstream.schemas.UnknownSchemaException;
import dev.runstream.topology.DeadLetterHeaders;
import dev.runstream.topology.DeadLetterReason;
import dev.runstream.topology.InvalidEventException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RetriableException;

/** What the exception handlers share: classifying failures and labelling dead letters. */
final class DeadLetters {
  private DeadLetters() {}

  static TopologyMetrics metrics(Map<String, ?> configs) {
    Object value = configs.get(TopologyMetrics.CONFIG_KEY);
    return value instanceof TopologyMetrics m ? m : null;
  }

  /** Whether the failure may go away by itself (registry or broker unreachable). */
  static boolean isRetriable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof AvroSerdeException serde) {
        return serde.isRetriable();
      }
      if (t instanceof RetriableException) {
        return true;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return false;
  }

  static <T extends Throwable> T find(Throwable e, Class<T> type) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  static DeadLetterReason deserializationReason(Throwable e) {
    if (find(e, MalformedRecordException.class) != null) {
      return DeadLetterReason.MALFORMED_RECORD;
    }
    if (find(e, UnknownSchemaException.class) != null) {
      return DeadLetterReason.UNKNOWN_SCHEMA;
    }
    return DeadLetterReason.DESERIALIZATION_ERROR;
  }

  static String detail(Throwable e) {
    InvalidEventException invalid = find(e, InvalidEventException.class);
    if (invalid != null) {
      return invalid.violation().name();
    }
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName();
  }

  static void label(
      List<ProducerRecord<byte[], byte[]>> records,
      DeadLetterReason reason,
      String detail,
      String stage) {
    for (ProducerRecord<byte[], byte[]> record : records) {
      record.headers().add(DeadLetterHeaders.REASON, bytes(reason.name()));
      record.headers().add(DeadLetterHeaders.DETAIL, bytes(detail));
      record.headers().add(DeadLetterHeaders.STAGE, bytes(stage));
    }
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
