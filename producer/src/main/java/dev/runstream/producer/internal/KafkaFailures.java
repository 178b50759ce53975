package dev.runstream.producer.internal;

import dev.runstream.producer.BackpressureException;
import dev.runstream.producer.BrokerUnavailableException;
import dev.runstream.producer.DeliveryFailedException;
import dev.runstream.producer.InvalidEventException;
import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublisherClosedException;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RetriablePublishException;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/** Turns Kafka client failures into the library's typed exceptions, with messages that say why. */
final class KafkaFailures {
  private KafkaFailures() {}

  /**
   * A failure of {@code send()} itself: nothing was accepted.
   *
   * @param e the client's exception
   * @param what the event, e.g. {@code text_delta #12 of workflow 0190…}
   */
  static PublishException synchronous(Throwable e, String what, PublisherConfig config) {
    if (e instanceof PublishException p) {
      return p;
    }
    if (e instanceof BufferExhaustedException) {
      return new BackpressureException(
          "Backpressure: the publisher's buffer (buffer.memory="
              + config.bufferMemory()
              + " bytes) stayed full for max.block.ms="
              + config.maxBlock().toMillis()
              + " ms because the broker at "
              + String.join(",", config.bootstrapServers())
              + " accepts events more slowly than they are published. Nothing was published for "
              + what
              + " and the run's state is unchanged; call again later.",
          e);
    }
    if (e instanceof TimeoutException) {
      return new BrokerUnavailableException(
          "Broker unavailable: no metadata for topic "
              + config.topic()
              + " from "
              + String.join(",", config.bootstrapServers())
              + " within max.block.ms="
              + config.maxBlock().toMillis()
              + " ms (the broker is down or unreachable, or the topic does not exist). Nothing"
              + " was published for "
              + what
              + " and the run's state is unchanged.",
          e);
    }
    if (e instanceof RecordTooLargeException) {
      return new InvalidEventException(
          what + " is larger than the broker or max.request.size accepts: " + e.getMessage(), e);
    }
    if (e instanceof InterruptException) {
      return new RetriablePublishException(
          "Interrupted while publishing " + what + "; nothing was published.", e);
    }
    if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).contains("closed")) {
      return new PublisherClosedException("the publisher is closed; " + what + " was refused");
    }
    if (e instanceof RetriableException) {
      return new RetriablePublishException(
          "Could not publish " + what + ": " + e.getMessage() + "; nothing was published.", e);
    }
    return new DeliveryFailedException(
        "Could not publish " + what + ": " + e + "; nothing was published.", e);
  }

  /**
   * A failure of an accepted event's delivery.
   *
   * @param e the client's exception
   * @param what the event
   */
  static PublishException delivery(Exception e, String what, PublisherConfig config) {
    if (e instanceof TimeoutException) {
      return new BrokerUnavailableException(
          "Broker unavailable: "
              + what
              + " was not acknowledged by "
              + String.join(",", config.bootstrapServers())
              + " within delivery.timeout.ms="
              + config.deliveryTimeout().toMillis()
              + " ms; it was not delivered and its run is aborted ("
              + e.getMessage()
              + ")",
          e);
    }
    if (e instanceof RetriableException) {
      return new RetriablePublishException(
          what + " was not delivered (" + e + "); its run is aborted", e);
    }
    return new DeliveryFailedException(
        what + " was refused by the broker (" + e + "); its run is aborted", e);
  }
}
