package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The serde against the real broker and the real registry (Apicurio's Confluent API). */
class AvroSerdeIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  private static AvroSerdeConfig serdeConfig(Map<String, Object> extra) {
    Map<String, Object> values = new java.util.HashMap<>(extra);
    values.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, CLUSTER.cluster().schemaRegistryUrl());
    return new AvroSerdeConfig(values);
  }

  private static String newTopic() throws Exception {
    String topic = "serde-it-" + UUID.randomUUID();
    CLUSTER.cluster().createTopics(List.of(new TopicSpec(topic, 1, Map.of())));
    return topic;
  }

  private static Properties clientProperties() {
    Properties props = new Properties();
    props.put("bootstrap.servers", CLUSTER.cluster().bootstrapServers());
    props.put(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, CLUSTER.cluster().schemaRegistryUrl());
    return props;
  }

  private static <V> KafkaConsumer<String, V> consumer(
      Class<?> valueDeserializer, Map<String, Object> extra) {
    Properties props = clientProperties();
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
    props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, valueDeserializer.getName());
    props.putAll(extra);
    return new KafkaConsumer<>(props);
  }

  private static <V> List<V> readAll(KafkaConsumer<String, V> consumer, String topic, int count) {
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    List<V> values = new ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (values.size() < count && System.nanoTime() < deadline) {
      for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(200))) {
        values.add(record.value());
      }
    }
    return values;
  }

  @Test
  void shouldRoundTripEveryEventTypeThroughTheBrokerWhenTheRegistryAssignsIds() throws Exception {
    String topic = newTopic();
    List<AgentEvent> sent = SampleEvents.everyType();
    Properties props = clientProperties();
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, AvroSerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, AgentEvent> producer = new KafkaProducer<>(props)) {
      for (AgentEvent event : sent) {
        producer.send(new ProducerRecord<>(topic, event.getRootWorkflowId(), event)).get();
      }
    }

    try (KafkaConsumer<String, AgentEvent> consumer =
        consumer(
            AvroDeserializer.class, Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true))) {
      assertThat(readAll(consumer, topic, sent.size())).containsExactlyElementsOf(sent);
    }

    int registeredId =
        SchemaRegistry.connect(serdeConfig(Map.of()))
            .idOf(topic + "-value", AgentEvent.getClassSchema());
    try (KafkaConsumer<String, byte[]> raw = consumer(ByteArrayDeserializer.class, Map.of())) {
      for (byte[] bytes : readAll(raw, topic, sent.size())) {
        ByteBuffer header = ByteBuffer.wrap(bytes);
        assertThat(header.get()).isZero();
        assertThat(header.getInt()).isEqualTo(registeredId);
      }
    }
  }

  @Test
  void shouldReadGenericRecordsWhenNoGeneratedClassIsRequested() throws Exception {
    String topic = newTopic();
    AvroSerde<AgentEvent> serde = AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()));
    AgentEvent event = SampleEvents.agentStart();
    byte[] bytes = serde.serializer().serialize(topic, event);

    AvroSerde<GenericRecord> generic = AvroSerde.generic(serdeConfig(Map.of()));
    GenericRecord read = generic.deserializer().deserialize(topic, bytes);

    assertThat(read.get("workflow_id")).hasToString(event.getWorkflowId());
    assertThat(((GenericRecord) read.get("payload")).get("input"))
        .hasToString("What's the weather in Tokyo?");
    assertThat(generic.serializer().serialize(topic, read)).isEqualTo(bytes);
  }

  @Test
  void shouldResolveAnOlderWriterSchemaToTheCurrentClassWhenASchemaEvolved() throws Exception {
    String topic = newTopic();
    Schema current = AgentEvent.getClassSchema();
    // The "previous version": the envelope without its optional tracestate field.
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field f : current.getFields()) {
      if (!f.name().equals("tracestate")) {
        fields.add(new Schema.Field(f, f.schema()));
      }
    }
    Schema previous =
        Schema.createRecord(
            current.getName(), current.getDoc(), current.getNamespace(), false, fields);
    AgentEvent event = SampleEvents.agentStart();
    GenericRecord old = new GenericData.Record(previous);
    for (Schema.Field f : previous.getFields()) {
      old.put(f.name(), GenericData.get().deepCopy(f.schema(), toGeneric(event).get(f.name())));
    }

    AvroSerde<GenericRecord> writer = AvroSerde.generic(serdeConfig(Map.of()));
    byte[] bytes = writer.serializer().serialize(topic, old);
    AgentEvent read =
        AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()))
            .deserializer()
            .deserialize(topic, bytes);

    assertThat(read.getTracestate()).isNull();
    assertThat(read.getWorkflowId()).isEqualTo(event.getWorkflowId());
    assertThat(read.getPayload()).isEqualTo(event.getPayload());
  }

  private static GenericRecord toGeneric(AgentEvent event) {
    AvroSerde<GenericRecord> generic = AvroSerde.generic(serdeConfig(Map.of()));
    byte[] bytes =
        AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()))
            .serializer()
            .serialize("serde-it-conversion", event);
    return generic.deserializer().deserialize("serde-it-conversion", bytes);
  }

  @Test
  void shouldRefuseWith409WhenANewVersionIsIncompatible() throws Exception {
    String topic = newTopic();
    Schema v1 = SchemaBuilder.record("Probe").fields().requiredString("id").endRecord();
    Schema v2 =
        SchemaBuilder.record("Probe")
            .fields()
            .requiredString("id")
            .requiredLong("count")
            .endRecord();
    SchemaRegistry registry = SchemaRegistry.connect(serdeConfig(Map.of()));
    registry.register(topic + "-value", v1);

    assertThat(registry.isCompatible(topic + "-value", v2)).isFalse();
    assertThatThrownBy(() -> registry.register(topic + "-value", v2))
        .isInstanceOf(IncompatibleSchemaException.class)
        .hasMessageContaining("409")
        .satisfies(e -> assertThat(((AvroSerdeException) e).isRetriable()).isFalse());
  }

  @Test
  void shouldRegisterTheSameSchemaOnceWhenCalledRepeatedly() throws Exception {
    String topic = newTopic();
    SchemaRegistry registry = SchemaRegistry.connect(serdeConfig(Map.of()));
    int first = registry.register(topic + "-value", AgentEvent.getClassSchema());
    int again =
        SchemaRegistry.connect(serdeConfig(Map.of()))
            .register(topic + "-value", AgentEvent.getClassSchema());

    assertThat(again).isEqualTo(first);
    assertThat(registry.schemaById(first)).isEqualTo(AgentEvent.getClassSchema());
  }

  @Test
  void shouldFailWithUnknownSchemaWhenTheIdIsNotRegistered() {
    byte[] bytes = {0, 0x7f, (byte) 0xff, (byte) 0xff, 0x10, 2, 4};

    assertThatThrownBy(
            () ->
                AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()))
                    .deserializer()
                    .deserialize("agent-events", bytes))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining("/schemas/ids/" + 0x7fffff10)
        .hasMessageContaining("404");
  }

  @Test
  void shouldFailWithUnknownSchemaWhenAutoRegisterIsOffAndTheSchemaIsMissing() throws Exception {
    String topic = newTopic();
    var serde =
        AvroSerde.specific(
            AgentEvent.class,
            serdeConfig(Map.of(AvroSerdeConfig.AUTO_REGISTER_SCHEMAS_CONFIG, false)));

    assertThatThrownBy(() -> serde.serializer().serialize(topic, SampleEvents.agentStart()))
        .isInstanceOf(UnknownSchemaException.class)
        .hasMessageContaining(topic + "-value");
  }

  @Test
  void shouldRejectTruncatedAndTrailingBodiesWhenTheHeaderIsValid() throws Exception {
    String topic = newTopic();
    var serde = AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()));
    byte[] good = serde.serializer().serialize(topic, SampleEvents.everyType().get(5));

    byte[] truncated = Arrays.copyOf(good, good.length - 7);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, truncated))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("not valid Avro");

    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    assertThatThrownBy(() -> serde.deserializer().deserialize(topic, trailing))
        .isInstanceOf(MalformedRecordException.class)
        .hasMessageContaining("trailing bytes");
  }

  @Test
  void shouldReportPoisonRecordsWithPartitionAndOffsetAndLoseNothingWhenConsumerSkipsThem()
      throws Exception {
    String topic = newTopic();
    var serde = AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()));
    List<AgentEvent> good = SampleEvents.everyType().subList(0, 3);
    byte[] unknownId = {0, 0x7f, 0, 0, 1, 2};
    byte[] notAvro = "plain text".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    List<byte[]> payloads =
        List.of(
            serde.serializer().serialize(topic, good.get(0)),
            notAvro,
            serde.serializer().serialize(topic, good.get(1)),
            unknownId,
            serde.serializer().serialize(topic, good.get(2)));
    Properties props = clientProperties();
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (byte[] payload : payloads) {
        producer.send(new ProducerRecord<>(topic, payload)).get();
      }
    }

    List<AgentEvent> read = new ArrayList<>();
    List<String> poison = new ArrayList<>();
    try (KafkaConsumer<String, AgentEvent> consumer =
        consumer(
            AvroDeserializer.class, Map.of(AvroSerdeConfig.SPECIFIC_AVRO_READER_CONFIG, true))) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      while (read.size() + poison.size() < payloads.size() && System.nanoTime() < deadline) {
        try {
          consumer.poll(Duration.ofMillis(200)).forEach(r -> read.add(r.value()));
        } catch (RecordDeserializationException e) {
          poison.add(
              e.topicPartition().partition()
                  + "@"
                  + e.offset()
                  + ":"
                  + e.getCause().getClass().getSimpleName());
          consumer.seek(e.topicPartition(), e.offset() + 1);
        }
      }
    }

    assertThat(read).containsExactlyElementsOf(good);
    assertThat(poison)
        .containsExactly("0@1:MalformedRecordException", "0@3:UnknownSchemaException");
  }

  @Test
  void shouldKeepServingCachedSchemasAndFailClearlyForNewOnesWhenTheRegistryIsDown()
      throws Exception {
    String topic = newTopic();
    var serde =
        AvroSerde.specific(
            AgentEvent.class,
            serdeConfig(
                Map.of(
                    AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG,
                    2,
                    AvroSerdeConfig.REGISTRY_RETRY_BACKOFF_MS_CONFIG,
                    20L)));
    AgentEvent event = SampleEvents.agentStart();
    byte[] before = serde.serializer().serialize(topic, event);

    CLUSTER.cluster().stopRegistry();
    try {
      assertThat(serde.serializer().serialize(topic, event)).isEqualTo(before);
      assertThat(serde.deserializer().deserialize(topic, before)).isEqualTo(event);

      GenericRecord probe =
          new GenericData.Record(
              SchemaBuilder.record("Down").fields().requiredInt("n").endRecord());
      probe.put("n", 1);
      assertThatThrownBy(
              () ->
                  AvroSerde.generic(
                          serdeConfig(Map.of(AvroSerdeConfig.REGISTRY_MAX_RETRIES_CONFIG, 1)))
                      .serializer()
                      .serialize(topic + "-other", probe))
          .isInstanceOf(SchemaRegistryUnavailableException.class)
          .hasMessageContaining("failed 2 times");
    } finally {
      CLUSTER.cluster().startRegistry();
    }
    // Back up: ids survive the restart, and new schemas register again.
    assertThat(
            AvroSerde.specific(AgentEvent.class, serdeConfig(Map.of()))
                .serializer()
                .serialize(topic, event))
        .isEqualTo(before);
    GenericRecord probe =
        new GenericData.Record(SchemaBuilder.record("Up").fields().requiredInt("n").endRecord());
    probe.put("n", 2);
    assertThat(
            AvroSerde.generic(serdeConfig(Map.of())).serializer().serialize(topic + "-up", probe))
        .startsWith(0);
  }
}
