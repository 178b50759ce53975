package dev.runstream.producer.internal;

import dev.runstream.producer.PublishException;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.schemas.EventType;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.RecordMetadata;

/**
 * The future of one event and the Kafka callback that completes it: one object per event.
 *
 * <p>The Kafka client reports some failures of {@code send()} (buffer full, no metadata, record too
 * large) through the callback, on the calling thread, before {@code send()} returns. Those are
 * captured as {@link #syncFailure} and thrown by the caller, since nothing was accepted; every
 * other completion is the event's delivery outcome.
 */
final class PendingEvent extends CompletableFuture<PublishedEvent> implements Callback {
  private final KafkaAgentEventPublisher publisher;
  private final Run run;
  private EventType type;
  private String eventId;
  private long sequence;
  private long timestamp;
  private Thread sender;
  private boolean inSend;
  Exception syncFailure;

  PendingEvent(KafkaAgentEventPublisher publisher, Run run) {
    this.publisher = publisher;
    this.run = run;
  }

  void bind(EventType type, String eventId, long sequence, long timestamp) {
    this.type = type;
    this.eventId = eventId;
    this.sequence = sequence;
    this.timestamp = timestamp;
  }

  void enterSend() {
    sender = Thread.currentThread();
    inSend = true;
    syncFailure = null;
  }

  void exitSend() {
    inSend = false;
  }

  String describe() {
    return type.wireName() + " #" + sequence + " of workflow " + run.workflowId();
  }

  @Override
  public void onCompletion(RecordMetadata metadata, Exception exception) {
    if (exception != null && inSend && Thread.currentThread() == sender) {
      syncFailure = exception;
      return;
    }
    if (exception == null) {
      publisher.acknowledged();
      complete(
          new PublishedEvent(
              eventId,
              run.rootWorkflowId(),
              run.workflowId(),
              sequence,
              type,
              metadata.partition(),
              metadata.offset(),
              Instant.ofEpochMilli(timestamp)));
    } else {
      PublishException failure = KafkaFailures.delivery(exception, describe(), publisher.config());
      publisher.deliveryFailed(failure);
      run.abort(failure);
      completeExceptionally(failure);
    }
  }
}
