package dev.runstream.client.internal;

import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerdeException;
import dev.runstream.schemas.MalformedRecordException;
import dev.runstream.schemas.SchemaRegistry;

/**
 * Decodes event values (Avro, Confluent wire format) with a shared, caching registry client.
 * Thread-safe.
 */
public final class EventDecoder {
  /** The outcome of decoding one value: an event, or why not. */
  public record Decoded(AgentEvent event, RuntimeException failure) {
    /** Whether the failure may go away by itself (the registry is unreachable). */
    public boolean isRetriable() {
      return failure instanceof AvroSerdeException e && e.isRetriable();
    }
  }

  private final AvroDeserializer<AgentEvent> deserializer;

  public EventDecoder(AvroSerdeConfig config) {
    this.deserializer = new AvroDeserializer<>(AgentEvent.class, SchemaRegistry.connect(config));
  }

  /** Decodes {@code value}; never throws. */
  public Decoded decode(String topic, byte[] value) {
    if (value == null) {
      return new Decoded(
          null, new MalformedRecordException("record on topic " + topic + " has no value", null));
    }
    try {
      AgentEvent event = deserializer.deserialize(topic, value);
      if (event == null) {
        return new Decoded(
            null,
            new MalformedRecordException("record on topic " + topic + " decoded to null", null));
      }
      return new Decoded(event, null);
    } catch (RuntimeException e) {
      return new Decoded(null, e);
    }
  }
}
