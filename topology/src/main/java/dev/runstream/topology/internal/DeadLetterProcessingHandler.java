package dev.runstream.topology.internal;

import dev.runstream.topology.DeadLetterReason;
import dev.runstream.topology.InvalidEventException;
import java.util.Map;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessingExceptionHandler;
import org.apache.kafka.streams.errors.ProcessorStateException;
import org.apache.kafka.streams.processor.api.Record;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kafka Streams' {@link LogAndContinueProcessingExceptionHandler} (KIP-1033), which writes the
 * source record to the dead-letter topic (KIP-1034), plus a reason label and a metric. Events that
 * break a workflow's state machine ({@link InvalidEventException}) and unexpected failures of one
 * record go there; failures of the state stores, which are not the record's fault, fail the thread
 * (it is replaced and resumes from the last commit).
 */
public final class DeadLetterProcessingHandler implements ProcessingExceptionHandler {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterProcessingHandler.class);

  private final LogAndContinueProcessingExceptionHandler delegate =
      new LogAndContinueProcessingExceptionHandler();
  private TopologyMetrics metrics;

  @Override
  public void configure(Map<String, ?> configs) {
    delegate.configure(configs);
    metrics = DeadLetters.metrics(configs);
  }

  @Override
  public Response handleError(ErrorHandlerContext context, Record<?, ?> record, Exception e) {
    if (DeadLetters.find(e, ProcessorStateException.class) != null || DeadLetters.isRetriable(e)) {
      log.warn(
          "State or retriable failure processing {}-{}@{}; failing the thread: {}",
          context.topic(),
          context.partition(),
          context.offset(),
          e.toString());
      return Response.fail();
    }
    DeadLetterReason reason =
        DeadLetters.find(e, InvalidEventException.class) != null
            ? DeadLetterReason.INVALID_EVENT
            : DeadLetterReason.PROCESSING_ERROR;
    Response response = delegate.handleError(context, record, e);
    DeadLetters.label(
        response.deadLetterQueueRecords(), reason, DeadLetters.detail(e), "processing");
    if (metrics != null) {
      metrics.deadLetter(reason);
    }
    return response;
  }
}
