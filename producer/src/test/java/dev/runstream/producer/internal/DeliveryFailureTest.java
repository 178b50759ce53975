package dev.runstream.producer.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.producer.AgentRun;
import dev.runstream.producer.BackpressureException;
import dev.runstream.producer.BrokerUnavailableException;
import dev.runstream.producer.DeliveryFailedException;
import dev.runstream.producer.InvalidEventException;
import dev.runstream.producer.PublishedEvent;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunAbortedException;
import dev.runstream.producer.RunStep;
import dev.runstream.schemas.AgentEvent;
import dev.runstream.schemas.StepType;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.Callback;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

class DeliveryFailureTest {

  /**
   * Behaves like KafkaProducer for ApiExceptions raised inside send(): the callback is invoked on
   * the calling thread and a failed future is returned; nothing is appended.
   */
  static final class RefusingProducer extends MockProducer<byte[], byte[]> {
    volatile RuntimeException refuseNext;

    RefusingProducer() {
      super(true, null, new ByteArraySerializer(), new ByteArraySerializer());
    }

    @Override
    public synchronized Future<RecordMetadata> send(
        ProducerRecord<byte[], byte[]> record, Callback callback) {
      RuntimeException refusal = refuseNext;
      if (refusal != null) {
        refuseNext = null;
        callback.onCompletion(null, refusal);
        return CompletableFuture.failedFuture(refusal);
      }
      return super.send(record, callback);
    }
  }

  private static PublisherConfig config() {
    return PublisherConfig.newBuilder().maxBlock(java.time.Duration.ofMillis(250)).build();
  }

  @Test
  void shouldThrowBackpressureAndKeepStateWhenBufferStaysFull() {
    RefusingProducer producer = new RefusingProducer();
    try (Harness harness = new Harness(config(), producer)) {
      AgentRun run = harness.publisher.startRun("agent", null);
      RunStep step = run.startStep("s", StepType.LLM);
      producer.refuseNext =
          new BufferExhaustedException("Failed to allocate 100 bytes within 250 ms");
      assertThatThrownBy(() -> step.textDelta("lost?"))
          .isInstanceOf(BackpressureException.class)
          .hasMessageContaining("max.block.ms=250")
          .hasMessageContaining("Nothing was published")
          .satisfies(e -> assertThat(((BackpressureException) e).isRetriable()).isTrue());
      step.textDelta("again");
      step.finish(null);
      assertThat(harness.events())
          .extracting(AgentEvent::getSequence)
          .as("the refused delta used no sequence number")
          .containsExactly(0L, 1L, 2L, 3L);
      assertThat(harness.publisher.stats().refused()).isEqualTo(1);
    }
  }

  @Test
  void shouldThrowBrokerUnavailableWhenMetadataIsMissing() {
    RefusingProducer producer = new RefusingProducer();
    try (Harness harness = new Harness(config(), producer)) {
      producer.refuseNext = new TimeoutException("Topic agent-events not present in metadata");
      assertThatThrownBy(() -> harness.publisher.startRun("agent", null))
          .isInstanceOf(BrokerUnavailableException.class)
          .hasMessageContaining("within max.block.ms=250 ms")
          .hasMessageContaining("127.0.0.1:9092");
      assertThat(harness.sent()).isZero();
    }
  }

  @Test
  void shouldRefuseEventWhenRecordIsTooLarge() {
    RefusingProducer producer = new RefusingProducer();
    try (Harness harness = new Harness(config(), producer)) {
      RunStep step = harness.publisher.startRun("agent", null).startStep("s", StepType.LLM);
      producer.refuseNext = new RecordTooLargeException("too large");
      assertThatThrownBy(() -> step.finish("huge"))
          .isInstanceOf(InvalidEventException.class)
          .hasMessageContaining("larger than");
      assertThat(step.isOpen()).isTrue();
    }
  }

  @Test
  void shouldFailFutureAbortRunAndReportOnFlushWhenDeliveryTimesOut() {
    MockProducer<byte[], byte[]> producer =
        new MockProducer<>(false, null, new ByteArraySerializer(), new ByteArraySerializer());
    Harness harness = new Harness(config(), producer);
    AgentRun run = harness.publisher.startRun("agent", null);
    RunStep step = run.startStep("s", StepType.LLM);
    CompletableFuture<PublishedEvent> delta = step.textDelta("hello");
    producer.completeNext();
    producer.completeNext();
    producer.errorNext(new TimeoutException("Expiring 1 record(s): 30000 ms has passed"));

    assertThat(delta).isCompletedExceptionally();
    assertThatThrownBy(delta::join)
        .hasCauseInstanceOf(BrokerUnavailableException.class)
        .hasMessageContaining("delivery.timeout.ms");
    assertThatThrownBy(() -> step.textDelta("more"))
        .isInstanceOf(RunAbortedException.class)
        .hasMessageContaining(run.workflowId())
        .hasCauseInstanceOf(BrokerUnavailableException.class);
    assertThatThrownBy(() -> run.finish("x")).isInstanceOf(RunAbortedException.class);
    assertThatThrownBy(harness.publisher::flush)
        .isInstanceOf(DeliveryFailedException.class)
        .hasMessageContaining("1 event(s)");
    harness.publisher.flush(); // reported once
    assertThat(harness.publisher.stats().failed()).isEqualTo(1);
    harness.close();
  }
}
