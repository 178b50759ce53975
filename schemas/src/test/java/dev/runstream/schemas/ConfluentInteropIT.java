package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.cluster.LocalClusterExtension;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.UUID;
import org.apache.flink.avro.registry.confluent.shaded.io.confluent.kafka.schemaregistry.client.CachedSchemaRegistryClient;
import org.apache.flink.avro.shaded.org.apache.avro.Schema;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumReader;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericDatumWriter;
import org.apache.flink.avro.shaded.org.apache.avro.generic.GenericRecord;
import org.apache.flink.avro.shaded.org.apache.avro.io.BinaryEncoder;
import org.apache.flink.avro.shaded.org.apache.avro.io.DecoderFactory;
import org.apache.flink.avro.shaded.org.apache.avro.io.EncoderFactory;
import org.apache.flink.formats.avro.registry.confluent.ConfluentSchemaRegistryCoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Interop with Confluent's own code: its {@code CachedSchemaRegistryClient} and REST service, and
 * the Confluent wire-format coder, as relocated inside Flink's {@code
 * flink-sql-avro-confluent-registry} (test scope only). Bytes written by our serde are read by that
 * code path, and the other way round, against the same real registry.
 */
class ConfluentInteropIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static AvroSerde<AgentEvent> ourSerde() {
    return AvroSerde.specific(
        AgentEvent.class,
        new AvroSerdeConfig(
            Map.of(
                AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                CLUSTER.cluster().schemaRegistryUrl())));
  }

  private static ConfluentSchemaRegistryCoder confluentCoder(String subject) {
    return new ConfluentSchemaRegistryCoder(
        subject, new CachedSchemaRegistryClient(CLUSTER.cluster().schemaRegistryUrl(), 100));
  }

  @Test
  void shouldBeReadByConfluentClientWhenWrittenByOurSerde() throws Exception {
    String topic = "interop-" + UUID.randomUUID();
    for (AgentEvent event : SampleEvents.everyType()) {
      byte[] bytes = ourSerde().serializer().serialize(topic, event);

      ByteArrayInputStream in = new ByteArrayInputStream(bytes);
      Schema writer = confluentCoder(topic + "-value").readSchema(in);
      GenericRecord read =
          new GenericDatumReader<GenericRecord>(writer)
              .read(null, DecoderFactory.get().binaryDecoder(in, null));

      assertThat(writer.getFullName()).isEqualTo(AgentEvent.getClassSchema().getFullName());
      assertThat(read.get("event_id")).hasToString(event.getEventId());
      assertThat(read.get("sequence")).isEqualTo(event.getSequence());
      assertThat(read.get("timestamp")).isEqualTo(event.getTimestamp().toEpochMilli());
      GenericRecord payload = (GenericRecord) read.get("payload");
      assertThat(payload.getSchema().getName())
          .isEqualTo(event.getPayload().getClass().getSimpleName());
    }
  }

  @Test
  void shouldReadWithOurSerdeWhenWrittenByConfluentClient() throws Exception {
    String topic = "interop-" + UUID.randomUUID();
    AgentEvent expected = SampleEvents.everyType().get(3);
    // Confluent's side writes a GenericRecord built from JSON, with its own relocated Avro.
    Schema schema = new Schema.Parser().parse(AgentEvent.getClassSchema().toString());
    org.apache.flink.avro.shaded.org.apache.avro.io.Decoder json =
        DecoderFactory.get().jsonDecoder(schema, jsonOf(expected));
    GenericRecord record = new GenericDatumReader<GenericRecord>(schema).read(null, json);

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    confluentCoder(topic + "-value").writeSchema(schema, out);
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
    encoder.flush();
    byte[] bytes = out.toByteArray();

    assertThat(bytes[0]).isZero();
    int confluentId = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(
            SchemaRegistry.connect(
                    new AvroSerdeConfig(
                        Map.of(
                            AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG,
                            CLUSTER.cluster().schemaRegistryUrl())))
                .idOf(topic + "-value", AgentEvent.getClassSchema()))
        .isEqualTo(confluentId);
    assertThat(ourSerde().deserializer().deserialize(topic, bytes)).isEqualTo(expected);
  }

  /** Avro's JSON encoding of the event, written with the unrelocated Avro of our classes. */
  private static String jsonOf(AgentEvent event) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    org.apache.avro.io.JsonEncoder encoder =
        org.apache.avro.io.EncoderFactory.get().jsonEncoder(AgentEvent.getClassSchema(), out);
    new org.apache.avro.specific.SpecificDatumWriter<AgentEvent>(AgentEvent.class)
        .write(event, encoder);
    encoder.flush();
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
