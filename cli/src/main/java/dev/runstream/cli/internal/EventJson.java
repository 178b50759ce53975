package dev.runstream.cli.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroJson;
import dev.runstream.schemas.EventType;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Set;

/**
 * Writes an {@link AgentEvent} as one line of JSON with {@link AvroJson}, as the topology's HTTP
 * API writes records: Avro field names (snake_case), unions unwrapped, timestamps as ISO-8601
 * strings, {@code cost_usd} as a decimal string (exact), enums as names. An {@code event_type}
 * field (the wire name, such as {@code text_delta}) comes first so {@code jq
 * 'select(.event_type=="tool_call")'} works.
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
      AvroJson.writeFields(g, event, Set.of());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return text.toString();
  }
}
