package dev.runstream.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericEnumSymbol;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes an {@link AgentEvent} as one line of JSON, as the topology's HTTP API writes records: Avro
 * field names (snake_case), unions unwrapped, timestamps as ISO-8601 strings, {@code cost_usd} as a
 * decimal string (exact), enums as names. An {@code event_type} field (the wire name, such as
 * {@code text_delta}) comes first so {@code jq 'select(.event_type=="tool_call")'} works.
 */
public final class EventJson {
  private static final JsonFactory JSON = new JsonFactory();

  private EventJson() {}

  /**
   * The event as a single line of JSON.
   *
   * @param event the event
   * @return JSON text without a line break
   */
  public static String toJson(AgentEvent event) {
    StringWriter text = new StringWriter(256);
    try (JsonGenerator g = JSON.createGenerator(text)) {
      g.writeStartObject();
      g.writeStringField("event_type", EventType.of(event).wireName());
      writeFields(g, event);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }

  private static void writeFields(JsonGenerator g, IndexedRecord record) throws IOException {
    for (Schema.Field field : record.getSchema().getFields()) {
      g.writeFieldName(field.name());
      write(g, field.schema(), record.get(field.pos()));
    }
  }

  private static void write(JsonGenerator g, Schema schema, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
      return;
    }
    switch (schema.getType()) {
      case UNION -> write(g, branch(schema, value), value);
      case RECORD -> {
        g.writeStartObject();
        writeFields(g, (IndexedRecord) value);
        g.writeEndObject();
      }
      case ARRAY -> {
        g.writeStartArray();
        for (Object item : (Collection<?>) value) {
          write(g, schema.getElementType(), item);
        }
        g.writeEndArray();
      }
      case MAP -> {
        g.writeStartObject();
        for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
          g.writeFieldName(e.getKey().toString());
          write(g, schema.getValueType(), e.getValue());
        }
        g.writeEndObject();
      }
      case STRING, ENUM -> g.writeString(value.toString());
      case BOOLEAN -> g.writeBoolean((Boolean) value);
      case INT -> g.writeNumber(((Number) value).intValue());
      case LONG -> {
        if (value instanceof Instant instant) {
          g.writeString(instant.toString());
        } else if (schema.getLogicalType() instanceof LogicalTypes.TimestampMillis) {
          g.writeString(Instant.ofEpochMilli((Long) value).toString());
        } else {
          g.writeNumber(((Number) value).longValue());
        }
      }
      case FLOAT, DOUBLE -> g.writeNumber(((Number) value).doubleValue());
      case BYTES, FIXED -> {
        if (value instanceof BigDecimal decimal) {
          g.writeString(decimal.toPlainString());
        } else if (value instanceof ByteBuffer buffer) {
          byte[] bytes = new byte[buffer.remaining()];
          buffer.duplicate().get(bytes);
          g.writeString(Base64.getEncoder().encodeToString(bytes));
        } else {
          g.writeString(value.toString());
        }
      }
      case NULL -> g.writeNull();
    }
  }

  private static Schema branch(Schema union, Object value) {
    Schema fallback = null;
    for (Schema branch : union.getTypes()) {
      if (branch.getType() == Schema.Type.NULL) {
        continue;
      }
      if (matches(branch, value)) {
        return branch;
      }
      fallback = fallback == null ? branch : fallback;
    }
    return fallback;
  }

  private static boolean matches(Schema schema, Object value) {
    return switch (schema.getType()) {
      case RECORD ->
          value instanceof IndexedRecord r
              && r.getSchema().getFullName().equals(schema.getFullName());
      case STRING -> value instanceof CharSequence;
      case LONG -> value instanceof Long || value instanceof Instant;
      case INT -> value instanceof Integer;
      case BOOLEAN -> value instanceof Boolean;
      case ARRAY -> value instanceof Collection;
      case MAP -> value instanceof Map;
      case ENUM -> value instanceof Enum<?> || value instanceof GenericEnumSymbol;
      case BYTES, FIXED -> value instanceof BigDecimal || value instanceof ByteBuffer;
      case FLOAT, DOUBLE -> value instanceof Float || value instanceof Double;
      default -> false;
    };
  }
}
