package dev.runstream.topology.internal;

import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.streams.errors.DefaultProductionExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.ProductionExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@link DefaultProductionExceptionHandler} (retry retriable send failures, fail on
 * the rest), except that a record the producer refuses as too large is dropped and counted instead
 * of stopping the application: the processor already keeps run records under the limit, so this is
 * the last line of defence, and the state store still holds the run.
 */
public final class OutputProductionHandler implements ProductionExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(OutputProductionHandler.class);

  private final DefaultProductionExceptionHandler delegate =
      new DefaultProductionExceptionHandler();
  private TopologyMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
  }

  @Override
  public Response handleError(
      ErrorHandlerContext context, ProducerRecord<byte[], byte[]> record, Exception exception) {
    if (exception instanceof RecordTooLargeException) {
      log.error(
          "Dropped a record of {} bytes for {}: {}",
          record.value() == null ? 0 : record.value().length,
          record.topic(),
          exception.getMessage());
      if (metrics != null) {
        metrics.dropped();
      }
      return Response.resume();
    }
    return delegate.handleError(context, record, exception);
  }

  @Override
  @SuppressWarnings("rawtypes")
  public Response handleSerializationError(
      ErrorHandlerContext context,
      ProducerRecord record,
      Exception exception,
      SerializationExceptionOrigin origin) {
    return delegate.handleSerializationError(context, record, exception, origin);
  }
}
