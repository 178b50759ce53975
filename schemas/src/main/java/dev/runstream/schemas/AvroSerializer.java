package dev.runstream.schemas;

import dev.runstream.schemas.internal.WireFormat;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DatumWriter;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.apache.avro.specific.SpecificRecordBase;
import org.apache.kafka.common.serialization.Serializer;

/**
 * Kafka {@link Serializer} that writes Avro records in the Confluent wire format: magic byte 0, the
 * 4-byte big-endian id the schema registry assigned to the record's schema, then Avro binary. Any
 * Confluent-compatible consumer ({@code KafkaAvroDeserializer}, Karapace, Apicurio's ccompat
 * serdes) reads its output.
 *
 * <p>Works for generated ({@code SpecificRecord}) and generic records. The subject is the topic's,
 * by TopicNameStrategy ({@code <topic>-value} or {@code <topic>-key}). With {@link
 * AvroSerdeConfig#AUTO_REGISTER_SCHEMAS_CONFIG} true (the default) a new schema is registered on
 * first use; otherwise it must already exist. Schema ids are cached, so the registry is called once
 * per schema and subject. {@code null} serializes to {@code null} (a tombstone). Thread-safe.
 *
 * <p>Failures: {@link IncompatibleSchemaException} when the registry rejects the schema, {@link
 * UnknownSchemaException} when auto-registration is off and the schema is missing, {@link
 * SchemaRegistryUnavailableException} (retriable) when the registry cannot be reached.
 *
 * <pre>{@code
 * props.put("value.serializer", AvroSerializer.class.getName());
 * props.put("schema.registry.url", "http://127.0.0.1:8081/apis/ccompat/v7");
 * }</pre>
 *
 * @param <T> the record type
 */
public class AvroSerializer<T extends IndexedRecord> implements Serializer<T> {
  private SchemaRegistry registry;
  private boolean autoRegister;
  private boolean isKey;
  private final Map<Schema, DatumWriter<Object>> writers = new ConcurrentHashMap<>();

  /** For Kafka's class-name instantiation; {@link #configure} must be called before use. */
  public AvroSerializer() {}

  /** A ready serializer that uses {@code registry}. */
  public AvroSerializer(SchemaRegistry registry, AvroSerdeConfig config, boolean isKey) {
    this.registry = registry;
    this.autoRegister = config.autoRegisterSchemas();
    this.isKey = isKey;
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    AvroSerdeConfig config = new AvroSerdeConfig(configs);
    this.registry = SchemaRegistry.connect(config);
    this.autoRegister = config.autoRegisterSchemas();
    this.isKey = isKey;
  }

  @Override
  public byte[] serialize(String topic, T record) {
    if (record == null) {
      return null;
    }
    if (registry == null) {
      throw new IllegalStateException("AvroSerializer was not configured");
    }
    Schema schema = record.getSchema();
    String subject = SchemaRegistry.topicSubject(topic, isKey);
    int id = autoRegister ? registry.register(subject, schema) : registry.idOf(subject, schema);
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    ByteBuffer header = ByteBuffer.allocate(WireFormat.HEADER_SIZE);
    WireFormat.writeHeader(header, id);
    out.write(header.array(), 0, WireFormat.HEADER_SIZE);
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    try {
      writers.computeIfAbsent(schema, s -> writerFor(record)).write(record, encoder);
      encoder.flush();
    } catch (IOException | RuntimeException e) {
      throw new MalformedRecordException(
          "could not encode a " + schema.getFullName() + " for topic " + topic + ": " + e, e);
    }
    return out.toByteArray();
  }

  @SuppressWarnings("unchecked")
  private static DatumWriter<Object> writerFor(IndexedRecord record) {
    if (record instanceof SpecificRecordBase specific) {
      return new SpecificDatumWriter<>(record.getSchema(), specific.getSpecificData());
    }
    return new GenericDatumWriter<>(record.getSchema(), GenericData.get());
  }
}
