package dev.runstream.schemas;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.IndexedRecord;

/**
 * Writes Avro records (generated or generic) as runstream's JSON, the format of the topology's
 * query API, the gateway's records and the command line's {@code --json}: Avro field names
 * (snake_case), unions unwrapped (a {@code ["null", T]} is {@code null} or the T value), timestamps
 * as ISO-8601 strings, decimals ({@code cost_usd}) as decimal strings so no precision is lost,
 * enums as their names, bytes as Base64.
 *
 * <pre>{@code
 * byte[] json = AvroJson.toJson(workflowRun, Set.of("text"));   // without the text
 * }</pre>
 *
 * <p>Thread-safe and stateless. Failures of the underlying writer surface as {@link
 * UncheckedIOException} from the byte-array methods and as {@link IOException} from the streaming
 * ones.
 */
public final class AvroJson {
  private static final JsonFactory JSON = new JsonFactory();

  private AvroJson() {}

  /**
   * The record as JSON bytes (UTF-8).
   *
   * @param record the record
   * @return its JSON
   */
  public static byte[] toJson(IndexedRecord record) {
    return toJson(record, Set.of());
  }

  /**
   * The record as JSON bytes (UTF-8), without the top-level fields named in {@code omit}.
   *
   * @param record the record
   * @param omit names of top-level fields to leave out
   * @return its JSON
   */
  public static byte[] toJson(IndexedRecord record, Set<String> omit) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(1024);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      writeRecord(g, record, omit);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * Writes {@code record} as a JSON object, without the top-level fields named in {@code omit}.
   *
   * @param g where to write
   * @param record the record
   * @param omit names of top-level fields to leave out
   * @throws IOException if the generator fails
   */
  public static void writeRecord(JsonGenerator g, IndexedRecord record, Set<String> omit)
      throws IOException {
    g.writeStartObject();
    writeFields(g, record, omit);
    g.writeEndObject();
  }

  /**
   * Writes the fields of {@code record} into the JSON object being written, without its braces, so
   * a caller can put fields of its own around them.
   *
   * @param g where to write, inside an object
   * @param record the record
   * @param omit names of fields to leave out
   * @throws IOException if the generator fails
   */
  public static void writeFields(JsonGenerator g, IndexedRecord record, Set<String> omit)
      throws IOException {
    for (Schema.Field field : record.getSchema().getFields()) {
      if (omit.contains(field.name())) {
        continue;
      }
      g.writeFieldName(field.name());
      write(g, field.schema(), record.get(field.pos()));
    }
  }

  private static void write(JsonGenerator g, Schema schema, Object value) throws IOException {
    if (value == null) {
      g.writeNull();
      return;
    }
    LogicalType logical = schema.getLogicalType();
    switch (schema.getType()) {
      case UNION -> write(g, branch(schema, value), value);
      case RECORD -> writeRecord(g, (IndexedRecord) value, Set.of());
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
        } else if (logical instanceof LogicalTypes.TimestampMillis) {
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

  /** The branch of a union that {@code value} (not null) belongs to. */
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
      case ENUM ->
          value instanceof Enum<?> || value instanceof org.apache.avro.generic.GenericEnumSymbol;
      case BYTES, FIXED -> value instanceof BigDecimal || value instanceof ByteBuffer;
      case FLOAT, DOUBLE -> value instanceof Float || value instanceof Double;
      default -> false;
    };
  }
}
