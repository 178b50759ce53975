package dev.runstream.producer.internal;

import dev.runstream.producer.BrokerUnavailableException;
import dev.runstream.producer.DeliveryFailedException;
import dev.runstream.producer.FatalPublishException;
import dev.runstream.producer.ModelPrice;
import dev.runstream.producer.PriceLedger;
import dev.runstream.producer.PriceTable;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RegistryUnavailableException;
import dev.runstream.producer.RetriablePublishException;
import dev.runstream.schemas.AvroSerde;
import dev.runstream.schemas.AvroSerdeException;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import dev.runstream.schemas.SchemaRegistryUnavailableException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** {@link PriceLedger} over a Kafka producer (idempotent, acks=all) and a short-lived consumer. */
public final class KafkaPriceLedger implements PriceLedger {
  private final PublisherConfig config;
  private final AvroSerde<PriceVersion> serde;
  private KafkaProducer<byte[], byte[]> producer;

  public KafkaPriceLedger(PublisherConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    this.serde = AvroSerde.specific(PriceVersion.class, config.registryConfig());
  }

  private synchronized KafkaProducer<byte[], byte[]> producer() {
    if (producer == null) {
      producer = new KafkaProducer<>(new HashMap<>(config.kafkaProducerProperties()));
    }
    return producer;
  }

  @Override
  public PriceVersion publish(ModelPrice price, Instant effectiveFrom, String note) {
    PriceVersion version = PriceLedger.version(price, effectiveFrom, note);
    send(version);
    return version;
  }

  @Override
  public List<PriceVersion> publishAll(PriceTable prices, Instant effectiveFrom, String note) {
    // Every version is checked before the first is sent.
    List<PriceVersion> versions = new ArrayList<>();
    for (ModelPrice price : prices.prices().values()) {
      versions.add(PriceLedger.version(price, effectiveFrom, note));
    }
    versions.forEach(this::send);
    return versions;
  }

  @Override
  public void retract(String model, Instant effectiveFrom) {
    send(PriceVersions.key(model, effectiveFrom), null);
  }

  private byte[] serialize(PriceVersion version) {
    try {
      return serde.serializer().serialize(config.pricesTopic(), version);
    } catch (SchemaRegistryUnavailableException e) {
      throw new RegistryUnavailableException(
          "Schema registry unavailable at " + config.schemaRegistryUrl() + ": " + e.getMessage(),
          e);
    } catch (AvroSerdeException e) {
      throw new FatalPublishException(
          "The schema registry at "
              + config.schemaRegistryUrl()
              + " refused the PriceVersion schema: "
              + e.getMessage(),
          e);
    }
  }

  private void send(PriceVersion version) {
    send(PriceVersions.key(version), serialize(version));
  }

  private void send(String key, byte[] value) {
    String what = (value == null ? "the retraction of " : "the price version ") + key;
    try {
      producer()
          .send(
              new ProducerRecord<>(
                  config.pricesTopic(), key.getBytes(StandardCharsets.UTF_8), value))
          .get(config.deliveryTimeout().toMillis() + 5_000, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RetriablePublishException("Interrupted while publishing " + what, e);
    } catch (ExecutionException e) {
      throw failure(e.getCause(), what);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new BrokerUnavailableException(
          "No acknowledgement for " + what + " on " + config.pricesTopic(), e);
    } catch (RuntimeException e) {
      throw failure(e, what);
    }
  }

  private PublishException failure(Throwable e, String what) {
    if (e instanceof PublishException p) {
      return p;
    }
    if (e instanceof TimeoutException) {
      return new BrokerUnavailableException(
          "Broker unavailable: could not publish "
              + what
              + " to "
              + config.pricesTopic()
              + " at "
              + String.join(",", config.bootstrapServers())
              + " (the broker is down, or the topic does not exist): "
              + e.getMessage(),
          e);
    }
    if (e instanceof RetriableException) {
      return new RetriablePublishException("Could not publish " + what + ": " + e.getMessage(), e);
    }
    return new DeliveryFailedException(
        "Could not publish " + what + " to " + config.pricesTopic() + ": " + e, e);
  }

  @Override
  public List<PriceVersion> versions() {
    Map<String, Object> props = new HashMap<>();
    config.kafkaProducerProperties().entrySet().stream()
        .filter(e -> ConsumerConfig.configNames().contains(e.getKey()))
        .filter(e -> !e.getKey().endsWith("serializer"))
        .forEach(e -> props.put(e.getKey(), e.getValue()));
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(
        ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) config.maxBlock().toMillis() + 5_000);
    Map<String, PriceVersion> live = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props)) {
      List<PartitionInfo> infos = consumer.partitionsFor(config.pricesTopic());
      if (infos == null || infos.isEmpty()) {
        throw new BrokerUnavailableException(
            "The price ledger topic " + config.pricesTopic() + " does not exist", null);
      }
      List<TopicPartition> partitions =
          infos.stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          String key = new String(record.key(), StandardCharsets.UTF_8);
          if (record.value() == null) {
            live.remove(key);
            continue;
          }
          try {
            PriceVersion version =
                PriceVersions.check(
                    serde.deserializer().deserialize(record.topic(), record.value()));
            if (key.equals(PriceVersions.key(version))) {
              live.put(key, version);
            } else {
              live.remove(key);
            }
          } catch (RuntimeException e) {
            live.remove(key); // the topology counts it as no version too
          }
        }
      }
    } catch (PublishException e) {
      throw e;
    } catch (org.apache.kafka.common.KafkaException e) {
      throw failure(e, "the read of " + config.pricesTopic());
    }
    return live.values().stream()
        .sorted(
            Comparator.comparing(PriceVersion::getModel)
                .thenComparing(PriceVersion::getEffectiveFrom))
        .toList();
  }

  @Override
  public synchronized void close() {
    if (producer != null) {
      producer.close(Duration.ofSeconds(5));
      producer = null;
    }
  }
}
