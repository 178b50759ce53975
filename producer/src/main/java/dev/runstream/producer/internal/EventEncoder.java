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
 * schema id resolved once, with Avro's {@code SpecificDatumWriter}. Each thread reuses its own
 * buffer and encoder, so encoding allocates only the returned array; thread-safe.
 */
public final class EventEncoder {
  private static final byte MAGIC_BYTE = 0;
  private static final int MAX_RETAINED_BUFFER = 64 * 1024;

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
    byte[] framed = state.buffer.toByteArray();
    if (state.buffer.size() > MAX_RETAINED_BUFFER) {
      // a one-off huge event must not pin its buffer to the thread for good
      states.remove();
    }
    return framed;
  }

  private static final class State {
    final ByteArrayOutputStream buffer = new ByteArrayOutputStream(512);
    BinaryEncoder encoder;
  }
}
