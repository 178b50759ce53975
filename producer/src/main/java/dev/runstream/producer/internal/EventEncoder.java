package dev.runstream.producer.internal;

import dev.runstream.schemas.AgentEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;

/**
 * Encodes {@link AgentEvent}s in the Confluent wire format (magic byte 0, the 4-byte big-endian
 * schema id, Avro binary), the format of {@code dev.runstream.schemas.AvroSerializer}, with a
 * schema id resolved once. Uses the direct {@link AgentEventWriter} when it implements the
 * generated schema, else Avro's {@code SpecificDatumWriter}. Each thread reuses its own buffer;
 * thread-safe.
 */
public final class EventEncoder {
  private static final byte MAGIC_BYTE = 0;
  private static final boolean DIRECT = AgentEventWriter.supports();
  private static final ThreadLocal<AgentEventWriter> DIRECT_WRITERS =
      ThreadLocal.withInitial(AgentEventWriter::new);

  private final byte[] header;
  private final SpecificDatumWriter<AgentEvent> writer =
      new SpecificDatumWriter<>(AgentEvent.class);
  private final ThreadLocal<State> states = ThreadLocal.withInitial(State::new);

  /**
   * Creates an encoder.
   *
   * @param schemaId the registry id of {@link AgentEvent}'s schema
   */
  public EventEncoder(int schemaId) {
    this.header =
        new byte[] {
          MAGIC_BYTE,
          (byte) (schemaId >>> 24),
          (byte) (schemaId >>> 16),
          (byte) (schemaId >>> 8),
          (byte) schemaId
        };
  }

  /**
   * Encodes one event.
   *
   * @param event the event
   * @return a new array with the framed record value
   */
  public byte[] encode(AgentEvent event) {
    if (DIRECT) {
      AgentEventWriter writer = DIRECT_WRITERS.get().start(header);
      writer.write(event);
      return writer.toByteArray();
    }
    return encodeWithAvro(event);
  }

  /**
   * Encodes one event with Avro's {@code SpecificDatumWriter}: the reference for the direct writer.
   *
   * @param event the event
   * @return a new array with the framed record value
   */
  byte[] encodeWithAvro(AgentEvent event) {
    State state = states.get();
    state.buffer.reset();
    state.buffer.write(header, 0, header.length);
    try {
      state.encoder = EncoderFactory.get().binaryEncoder(state.buffer, state.encoder);
      writer.write(event, state.encoder);
      state.encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return state.buffer.toByteArray();
  }

  private static final class State {
    final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    BinaryEncoder encoder;
  }
}
