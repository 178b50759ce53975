package dev.runstream.topology.internal;

import dev.runstream.topology.DeadLetterReason;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@link LogAndContinueExceptionHandler}, which with {@code
 * errors.dead.letter.queue.topic.name} set writes the record to the dead-letter topic (KIP-1034),
 * plus a reason label and a metric. A retriable failure (the registry is unreachable) is not the
 * record's fault: it fails the stream thread instead, which is replaced and retries the record from
 * the last commit.
 */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterDeserializationHandler.class);

  private final LogAndContinueExceptionHandler delegate = new LogAndContinueExceptionHandler();
  private TopologyMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
    if (DeadLetters.isRetriable(exception)) {
      log.warn(
          "Retriable failure deserializing {}-{}@{}; failing the thread to retry: {}",
          context.topic(),
          context.partition(),
          context.offset(),
          exception.toString());
      return Response.fail();
    }
    DeadLetterReason reason = DeadLetters.deserializationReason(exception);
    Response response = delegate.handleError(context, record, exception);
    DeadLetters.label(
        response.deadLetterQueueRecords(),
        reason,
        DeadLetters.detail(exception),
        "deserialization");
    if (metrics != null) {
      metrics.deadLetter(reason);
    }
    return response;
  }
}
