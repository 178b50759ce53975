package dev.runstream.schemas;

import dev.runstream.schemas.internal.GeneratedClassTrust;
import dev.runstream.schemas.internal.WireFormat;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.AvroRuntimeException;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.DatumReader;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Deserializer;

/**
 * Kafka {@link Deserializer} for Avro records in the Confluent wire format (magic byte 0, a 4-byte
 * big-endian schema id, Avro binary), as written by {@link AvroSerializer} or by Confluent's {@code
 * KafkaAvroSerializer}.
 *
 * <p>It fetches the writer's schema by id from the registry (cached) and resolves it to the
 * reader's schema with Avro's schema resolution, so records written with an older or newer
 * compatible version are read into the current one. The reader schema is, in order: the target
 * class given to the constructor; with {@link AvroSerdeConfig#SPECIFIC_AVRO_READER_CONFIG}, the
 * generated class named by the writer schema; otherwise the writer schema itself (a {@code
 * GenericRecord}). {@code null} bytes deserialize to {@code null}. Thread-safe.
 *
 * <p>Failures, each naming the topic and the schema id: {@link MalformedRecordException} for fewer
 * than 5 bytes, a magic byte other than 0, or an Avro body that does not decode (truncated,
 * trailing bytes, corrupt); {@link UnknownSchemaException} for an id the registry does not know;
 * {@link SchemaRegistryUnavailableException} (retriable) when the registry cannot be reached. A
 * Kafka consumer wraps them in a {@code RecordDeserializationException} with partition and offset.
 *
 * <pre>{@code
 * Deserializer<AgentEvent> events = new AvroDeserializer<>(AgentEvent.class,
 *     SchemaRegistry.connect(config));
 * }</pre>
 *
 * @param <T> the record type: a generated class, or {@code GenericRecord}
 */
public class AvroDeserializer<T> implements Deserializer<T> {
  static {
    GeneratedClassTrust.install();
  }

  private SchemaRegistry registry;
  private Class<? extends SpecificRecord> targetClass;
  private boolean specificReader;
  private final Map<Integer, DatumReader<?>> readers = new ConcurrentHashMap<>();

  /** For Kafka's class-name instantiation; {@link #configure} must be called before use. */
  public AvroDeserializer() {}

  /** A ready deserializer producing {@code targetClass} instances. */
  public AvroDeserializer(Class<? extends SpecificRecord> targetClass, SchemaRegistry registry) {
    this.targetClass = Objects.requireNonNull(targetClass, "targetClass");
    this.registry = Objects.requireNonNull(registry, "registry");
    this.specificReader = true;
  }

  /** A ready deserializer producing {@code GenericRecord}s, or generated classes if configured. */
  public AvroDeserializer(SchemaRegistry registry, AvroSerdeConfig config) {
    this.registry = Objects.requireNonNull(registry, "registry");
    this.specificReader = config.specificAvroReader();
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    this.registry = SchemaRegistry.connect(config);
    this.specificReader = targetClass != null || config.specificAvroReader();
  }

  @Override
  public T deserialize(String topic, byte[] data) {
    if (data == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroDeserializer was not configured");
    }
    ByteBuffer buffer = ByteBuffer.wrap(data);
    int id = WireFormat.readSchemaId(buffer, topic);
    @SuppressWarnings("unchecked")
    DatumReader<T> reader =
        (DatumReader<T>) readers.computeIfAbsent(id, i -> readerFor(registry.schemaById(i)));
    BinaryDecoder decoder =
        DecoderFactory.get().binaryDecoder(data, buffer.position(), buffer.remaining(), null);
    T value;
    try {
      value = reader.read(null, decoder);
      if (!decoder.isEnd()) {
        throw new MalformedRecordException(
            "record on topic "
                + topic
                + " with schema id "
                + id
                + " has trailing bytes after its Avro body");
      }
    } catch (IOException
        | AvroRuntimeException
        | IndexOutOfBoundsException
        | NegativeArraySizeException e) {
      throw new MalformedRecordException(
          "record on topic "
              + topic
              + " with schema id "
              + id
              + " is not valid Avro for that schema ("
              + data.length
              + " bytes): "
              + e,
          e);
    }
    return value;
  }

  private DatumReader<?> readerFor(Schema writer) {
    if (targetClass != null) {
      SpecificData model = SpecificData.getForClass(targetClass);
      return new SpecificDatumReader<>(writer, model.getSchema(targetClass), model);
    }
    if (specificReader && writer.getType() == Schema.Type.RECORD) {
      Class<?> generated = generatedClass(writer.getFullName());
      if (generated != null) {
        SpecificData classModel = SpecificData.getForClass(generated);
        return new SpecificDatumReader<>(writer, classModel.getSchema(generated), classModel);
      }
      throw new UnknownSchemaException(
          "no generated class "
              + writer.getFullName()
              + " on the classpath for specific.avro.reader=true");
    }
    return new GenericDatumReader<>(writer, writer, GenericData.get());
  }

  /** The generated class named {@code name}, loaded without initialising anything else. */
  private static Class<?> generatedClass(String name) {
    try {
      ClassLoader loader = Thread.currentThread().getContextClassLoader();
      Class<?> type =
          Class.forName(
              name, false, loader != null ? loader : AvroDeserializer.class.getClassLoader());
      return SpecificRecord.class.isAssignableFrom(type) ? type : null;
    } catch (ClassNotFoundException e) {
      return null;
    }
  }
}
