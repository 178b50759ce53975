package dev.runstream.client;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.AvroSerdeConfig;
import dev.runstream.schemas.AvroSerializer;
import dev.runstream.schemas.EventHeaders;
import dev.runstream.schemas.EventType;
import dev.runstream.schemas.SchemaRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes agent events to a local cluster the way runstream's producer does: keyed by root
 * workflow id with the default partitioner, idempotent, {@code acks=all}, Avro in the Confluent
 * wire format, with the {@link EventHeaders}. Also publishes poison records.
 */
public final class ClusterEvents implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final AvroSerializer<AgentEvent> serializer;
  private final String topic;

  public ClusterEvents(LocalCluster cluster) {
    this(cluster, TopicSpec.AGENT_EVENTS);
  }

  public ClusterEvents(LocalCluster cluster, String topic) {
    this.topic = topic;
    AvroSerdeConfig serde =
        new AvroSerdeConfig(
            Map.of(AvroSerdeConfig.SCHEMA_REGISTRY_URL_CONFIG, cluster.schemaRegistryUrl()));
    this.serializer = new AvroSerializer<>(SchemaRegistry.connect(serde), serde, false);
    this.producer =
        new KafkaProducer<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                cluster.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                ProducerConfig.LINGER_MS_CONFIG,
                1),
            new StringSerializer(),
            new ByteArraySerializer());
  }

  /** The client configuration for this cluster, with the view disabled. */
  public static ClientConfig.Builder config(LocalCluster cluster) {
    return ClientConfig.newBuilder()
        .bootstrapServers(cluster.bootstrapServers())
        .schemaRegistryUrl(cluster.schemaRegistryUrl())
        .withoutView()
        .brokerTimeout(Duration.ofSeconds(10));
  }

  public static RecordHeaders headers(String workflowId, long sequence, String type) {
    RecordHeaders headers = new RecordHeaders();
    headers.add(EventHeaders.WORKFLOW_ID, workflowId.getBytes(StandardCharsets.UTF_8));
    headers.add(EventHeaders.SEQUENCE, Long.toString(sequence).getBytes(StandardCharsets.UTF_8));
    if (type != null) {
      headers.add(EventHeaders.EVENT_TYPE, type.getBytes(StandardCharsets.UTF_8));
    }
    return headers;
  }

  public byte[] serialize(AgentEvent event) {
    return serializer.serialize(topic, event);
  }

  /** Sends without waiting. */
  public Future<RecordMetadata> sendAsync(AgentEvent e) {
    return producer.send(
        new ProducerRecord<>(
            topic,
            null,
            e.getRootWorkflowId(),
            serialize(e),
            headers(e.getWorkflowId(), e.getSequence(), EventType.of(e).wireName())));
  }

  /** Sends and waits for the acknowledgement. */
  public RecordMetadata send(AgentEvent e) {
    try {
      return sendAsync(e).get(30, TimeUnit.SECONDS);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  /** Sends all, in order, and waits for every acknowledgement. */
  public List<RecordMetadata> sendAll(List<AgentEvent> events) {
    List<Future<RecordMetadata>> futures = new ArrayList<>();
    for (AgentEvent e : events) {
      futures.add(sendAsync(e));
    }
    List<RecordMetadata> out = new ArrayList<>();
    for (Future<RecordMetadata> f : futures) {
      try {
        out.add(f.get(30, TimeUnit.SECONDS));
      } catch (Exception ex) {
        throw new IllegalStateException(ex);
      }
    }
    return out;
  }

  /** Sends a value that is not a valid event, keyed and with headers naming a workflow. */
  public RecordMetadata sendPoison(String root, String workflowId, long sequence, byte[] value) {
    try {
      return producer
          .send(
              new ProducerRecord<>(
                  topic, null, root, value, headers(workflowId, sequence, "text_delta")))
          .get(30, TimeUnit.SECONDS);
    } catch (Exception ex) {
      throw new IllegalStateException(ex);
    }
  }

  public void flush() {
    producer.flush();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(10));
  }
}
