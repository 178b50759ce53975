package dev.runstream.producer.internal;

import dev.runstream.producer.PublisherConfig;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.EventType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.util.ClassSecurityValidator;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** A publisher on a {@link MockProducer}, and decoding of what it sent. */
final class Harness implements AutoCloseable {
  static final int SCHEMA_ID = 7;

  static {
    // Test-side decoding of generated classes; AvroDeserializer does the same for its readers.
    ClassSecurityValidator.setGlobal(
        ClassSecurityValidator.composite(
            ClassSecurityValidator.getGlobal(),
            type -> "dev.runstream.schemas".equals(type.getPackageName())));
  }

  final MockProducer<byte[], byte[]> producer;
  final KafkaAgentEventPublisher publisher;

  Harness() {
    this(PublisherConfig.newBuilder().prices("gpt-4o-mini:0.15:0.60,claude-sonnet:3:15").build());
  }

  Harness(PublisherConfig config) {
    this(
        config,
        new MockProducer<>(true, null, new ByteArraySerializer(), new ByteArraySerializer()));
  }

  Harness(PublisherConfig config, MockProducer<byte[], byte[]> producer) {
    this.producer = producer;
    this.publisher = new KafkaAgentEventPublisher(config, producer, SCHEMA_ID);
  }

  List<ProducerRecord<byte[], byte[]>> records() {
    return producer.history();
  }

  List<AgentEvent> events() {
    return records().stream().map(r -> decode(r.value())).toList();
  }

  List<EventType> types() {
    return events().stream().map(EventType::of).toList();
  }

  int sent() {
    return producer.history().size();
  }

  static AgentEvent decode(byte[] value) {
    if (value[0] != 0) {
      throw new AssertionError("magic byte " + value[0]);
    }
    int id =
        ((value[1] & 0xff) << 24)
            | ((value[2] & 0xff) << 16)
            | ((value[3] & 0xff) << 8)
            | (value[4] & 0xff);
    if (id != SCHEMA_ID) {
      throw new AssertionError("schema id " + id);
    }
    try {
      return new SpecificDatumReader<>(AgentEvent.class)
          .read(
              null,
              DecoderFactory.get().binaryDecoder(Arrays.copyOfRange(value, 5, value.length), null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String header(ProducerRecord<byte[], byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    publisher.close();
  }
}
