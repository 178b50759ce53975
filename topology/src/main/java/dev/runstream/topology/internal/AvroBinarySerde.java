package dev.runstream.topology.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Plain Avro binary (no registry, no header) for internal topics and state stores, which only this
 * application reads: one compiled schema on both sides. Thread-safe.
 *
 * @param <T> the generated record type
 */
public final class AvroBinarySerde<T extends SpecificRecord> implements Serde<T> {
  private final SpecificDatumWriter<T> writer;
  private final SpecificDatumReader<T> reader;
  private final Schema schema;

  public AvroBinarySerde(Class<T> type) {
    SpecificData model = SpecificData.getForClass(type);
    this.schema = model.getSchema(type);
    this.writer = new SpecificDatumWriter<>(schema, model);
    this.reader = new SpecificDatumReader<>(schema, schema, model);
  }

  /** Encodes {@code value}; never null. */
  public byte[] encode(T value) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    encodeTo(value, out);
    return out.toByteArray();
  }

  /** Encodes {@code value} onto {@code out}. */
  public void encodeTo(T value, ByteArrayOutputStream out) {
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writer.write(value, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot encode " + schema.getFullName() + ": " + e, e);
    }
  }

  /** Decodes {@code length} bytes of {@code data} from {@code offset}. */
  public T decode(byte[] data, int offset, int length) {
    BinaryDecoder decoder = DecoderFactory.get().binaryDecoder(data, offset, length, null);
    try {
      return reader.read(null, decoder);
    } catch (IOException | RuntimeException e) {
      throw new SerializationException("cannot decode " + schema.getFullName() + ": " + e, e);
    }
  }

  @Override
  public Serializer<T> serializer() {
    return (topic, value) -> value == null ? null : encode(value);
  }

  @Override
  public Deserializer<T> deserializer() {
    return (topic, data) -> data == null ? null : decode(data, 0, data.length);
  }
}
