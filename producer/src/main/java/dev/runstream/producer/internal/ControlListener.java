package dev.runstream.producer.internal;

import dev.runstream.producer.CancelRequest;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.schemas.AvroDeserializer;
import dev.runstream.schemas.ControlCommand;
import dev.runstream.schemas.ControlCommandType;
import dev.runstream.schemas.SchemaRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the control topic with an assigned consumer (no group, nothing committed) from its end at
 * creation, and hands every {@code CANCEL} command to a callback. It never fails the publisher: a
 * missing topic is retried in the background, a denied one disables cancellation, with a warning.
 */
final class ControlListener implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ControlListener.class);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final long RETRY_MS = 2_000;

  private final PublisherConfig config;
  private final Consumer<CancelRequest> onCancel;
  private final KafkaConsumer<byte[], byte[]> consumer;
  private final AvroDeserializer<ControlCommand> deserializer;
  private final Thread thread;
  private final CountDownLatch positioned = new CountDownLatch(1);
  private volatile boolean closed;

  private ControlListener(PublisherConfig config, Consumer<CancelRequest> onCancel) {
    this.config = config;
    this.onCancel = onCancel;
    this.consumer = new KafkaConsumer<>(config.kafkaControlConsumerProperties());
    this.deserializer =
        new AvroDeserializer<>(
            ControlCommand.class, SchemaRegistry.connect(config.registryConfig()));
    this.thread = new Thread(this::run, "runstream-publisher-control");
    this.thread.setDaemon(true);
  }

  /**
   * Starts listening and waits, at most {@code max.block.ms}, until the consumer is positioned at
   * the end of the topic, so that every command published after this returns is seen.
   *
   * @param config the publisher's configuration
   * @param onCancel called on the listener's thread for every cancel command
   * @return the listener; close it
   */
  static ControlListener start(PublisherConfig config, Consumer<CancelRequest> onCancel) {
    ControlListener listener = new ControlListener(config, onCancel);
    listener.thread.start();
    try {
      if (!listener.positioned.await(config.maxBlock().toMillis(), TimeUnit.MILLISECONDS)) {
        LOG.warn(
            "Control topic {} not ready within max.block.ms; cancel requests are observed once it"
                + " is",
            config.controlTopic());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return listener;
  }

  private void run() {
    String topic = config.controlTopic();
    try {
      if (!assign(topic)) {
        return;
      }
      positioned.countDown();
      LOG.debug("Observing cancel requests on {}", topic);
      while (!closed) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
          handle(record);
        }
      }
    } catch (WakeupException e) {
      // close()
    } catch (AuthorizationException | AuthenticationException e) {
      LOG.warn(
          "Cancellation disabled: cannot read control topic {} ({}); the worker's principal needs"
              + " READ and DESCRIBE on it (see `runstream acl`)",
          topic,
          e.getMessage());
    } catch (RuntimeException e) {
      if (!closed) {
        LOG.warn("Cancellation disabled: the control listener failed: {}", e.toString());
      }
    } finally {
      positioned.countDown();
      consumer.close(Duration.ZERO);
    }
  }

  private boolean assign(String topic) {
    boolean warned = false;
    while (!closed) {
      List<PartitionInfo> partitions;
      try {
        partitions = consumer.partitionsFor(topic, config.maxBlock());
      } catch (org.apache.kafka.common.errors.TimeoutException e) {
        partitions = List.of();
      }
      if (partitions != null && !partitions.isEmpty()) {
        List<TopicPartition> assigned =
            partitions.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(assigned);
        consumer.seekToEnd(assigned);
        for (TopicPartition partition : assigned) {
          consumer.position(partition); // resolves the end now, not at the first poll
        }
        if (warned) {
          LOG.info("Control topic {} is there now; observing cancel requests", topic);
        }
        return true;
      }
      if (!warned) {
        LOG.warn(
            "Control topic {} does not exist (or the broker is unreachable); runs will not see"
                + " cancel requests until it does. Retrying every {} ms.",
            topic,
            RETRY_MS);
        warned = true;
        positioned.countDown();
      }
      try {
        Thread.sleep(RETRY_MS);
      } catch (InterruptedException e) {
        return false;
      }
    }
    return false;
  }

  private void handle(ConsumerRecord<byte[], byte[]> record) {
    ControlCommand command;
    try {
      command = deserializer.deserialize(record.topic(), record.value());
    } catch (RuntimeException e) {
      LOG.warn(
          "Skipped an unreadable control record at {}-{}@{}: {}",
          record.topic(),
          record.partition(),
          record.offset(),
          e.getMessage());
      return;
    }
    if (command == null || command.getCommand() != ControlCommandType.CANCEL) {
      return;
    }
    CancelRequest request =
        new CancelRequest(
            command.getRequestId(),
            command.getWorkflowId(),
            command.getRootWorkflowId(),
            command.getReason(),
            command.getRequestedBy(),
            command.getSource(),
            command.getTimestamp());
    try {
      onCancel.accept(request);
    } catch (RuntimeException e) {
      LOG.warn("A cancellation callback of workflow {} failed: {}", command.getWorkflowId(), e);
    }
  }

  @Override
  public void close() {
    closed = true;
    consumer.wakeup();
    try {
      thread.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
