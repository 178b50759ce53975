package dev.runstream.schemas;

import java.util.Map;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serde;

/**
 * A Kafka {@link Serde} of {@link AvroSerializer} and {@link AvroDeserializer}: Avro in the
 * Confluent wire format, with schemas in a Confluent-API registry.
 *
 * <pre>{@code
 * AvroSerdeConfig config = new AvroSerdeConfig();
 * Serde<AgentEvent> events = AvroSerde.specific(AgentEvent.class, config);
 * KStream<String, AgentEvent> stream = builder.stream("agent-events",
 *     Consumed.with(Serdes.String(), events));
 * }</pre>
 *
 * <p>One {@link SchemaRegistry} client, and so one cache, is shared by the serializer and the
 * deserializer of a serde. Kafka Streams may call {@link #configure}; a serde created by a factory
 * method is already configured and ignores it.
 *
 * @param <T> the record type
 */
public final class AvroSerde<T extends IndexedRecord> implements Serde<T> {
  private final AvroSerializer<T> serializer;
  private final AvroDeserializer<T> deserializer;
  private final boolean preconfigured;

  private AvroSerde(
      AvroSerializer<T> serializer, AvroDeserializer<T> deserializer, boolean preconfigured) {
    this.serializer = serializer;
    this.deserializer = deserializer;
    this.preconfigured = preconfigured;
  }

  /** A value serde for generated class {@code type}. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, AvroSerdeConfig config) {
    return specific(type, config, SchemaRegistry.connect(config), false);
  }

  /** A serde for generated class {@code type} that uses an existing registry client. */
  public static <T extends SpecificRecord> AvroSerde<T> specific(
      Class<T> type, AvroSerdeConfig config, SchemaRegistry registry, boolean isKey) {
    return new AvroSerde<>(
        new AvroSerializer<>(registry, config, isKey),
        new AvroDeserializer<>(type, registry),
        true);
  }

  /** A value serde for {@link GenericRecord}s. */
  public static AvroSerde<GenericRecord> generic(AvroSerdeConfig config) {
    SchemaRegistry registry = SchemaRegistry.connect(config);
    return new AvroSerde<>(
        new AvroSerializer<>(registry, config, false),
        new AvroDeserializer<>(registry, config),
        true);
  }

  @Override
  public void configure(Map<String, ?> configs, boolean isKey) {
    if (!preconfigured) {
      serializer.configure(configs, isKey);
      deserializer.configure(configs, isKey);
    }
  }

  @Override
  public AvroSerializer<T> serializer() {
    return serializer;
  }

  @Override
  public AvroDeserializer<T> deserializer() {
    return deserializer;
  }
}
