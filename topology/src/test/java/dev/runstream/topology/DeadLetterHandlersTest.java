package dev.runstream.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.MalformedRecordException;
import dev.runstream.schemas.SchemaRegistryUnavailableException;
import dev.runstream.schemas.UnknownSchemaException;
import dev.runstream.topology.internal.DeadLetterDeserializationHandler;
import dev.runstream.topology.internal.TopologyMetrics;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Response;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler.Result;
import org.apache.kafka.streams.errors.ErrorHandlerContext;
import org.apache.kafka.streams.processor.TaskId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadLetterHandlersTest {
  final TopologyMetrics metrics = new TopologyMetrics("handler-test");
  final DeadLetterDeserializationHandler handler = new DeadLetterDeserializationHandler();
  final byte[] key = "wf-9".getBytes(StandardCharsets.UTF_8);
  final byte[] value = {1, 2, 3};
  final Headers headers = new RecordHeaders().add("runstream.workflow_id", key);
  final ConsumerRecord<byte[], byte[]> record =
      new ConsumerRecord<>("agent-events", 4, 1234L, key, value);

  @AfterEach
  void close() {
    metrics.close();
  }

  void configure() {
    handler.configure(
        Map.of(
            StreamsConfig.ERRORS_DEAD_LETTER_QUEUE_TOPIC_NAME_CONFIG,
            "agent-events-dlq",
            TopologyMetrics.CONFIG_KEY,
            metrics));
  }

  @Test
  void shouldBuildLabelledDeadLetterWhenBytesAreMalformed() {
    configure();
    Response response =
        handler.handleError(context(), record, new MalformedRecordException("bad magic byte"));

    assertThat(response.result()).isEqualTo(Result.RESUME);
    assertThat(response.deadLetterQueueRecords()).hasSize(1);
    ProducerRecord<byte[], byte[]> letter = response.deadLetterQueueRecords().get(0);
    assertThat(letter.topic()).isEqualTo("agent-events-dlq");
    assertThat(letter.key()).isEqualTo(key);
    assertThat(letter.value()).isEqualTo(value);
    assertThat(header(letter, DeadLetterHeaders.REASON)).isEqualTo("MALFORMED_RECORD");
    assertThat(header(letter, DeadLetterHeaders.DETAIL)).isEqualTo("MalformedRecordException");
    assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("deserialization");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo("agent-events");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("4");
    assertThat(header(letter, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("1234");
    assertThat(header(letter, DeadLetterHeaders.EXCEPTION_MESSAGE)).isEqualTo("bad magic byte");
    assertThat(header(letter, "runstream.workflow_id"))
        .as("original headers kept")
        .isEqualTo("wf-9");
    assertThat(metrics.values())
        .containsEntry("dead-letter-records-total{reason=MALFORMED_RECORD}", 1.0);
  }

  @Test
  void shouldLabelUnknownSchemaWhenRegistryDoesNotKnowTheId() {
    configure();
    Response response =
        handler.handleError(context(), record, new UnknownSchemaException("no schema 4711"));
    assertThat(header(response.deadLetterQueueRecords().get(0), DeadLetterHeaders.REASON))
        .isEqualTo("UNKNOWN_SCHEMA");
  }

  @Test
  void shouldFailTheThreadInsteadOfDeadLetteringWhenRegistryIsUnavailable() {
    configure();
    Response response =
        handler.handleError(
            context(), record, new SchemaRegistryUnavailableException("registry down", null));
    assertThat(response.result()).isEqualTo(Result.FAIL);
    assertThat(response.deadLetterQueueRecords()).isEmpty();
    assertThat(metrics.total("dead-letter-records-total")).isZero();
  }

  ErrorHandlerContext context() {
    return new ErrorHandlerContext() {
      @Override
      public String topic() {
        return record.topic();
      }

      @Override
      public int partition() {
        return record.partition();
      }

      @Override
      public long offset() {
        return record.offset();
      }

      @Override
      public Headers headers() {
        return headers;
      }

      @Override
      public String processorNodeId() {
        return "agent-events-source";
      }

      @Override
      public TaskId taskId() {
        return new TaskId(0, 4);
      }

      @Override
      public long timestamp() {
        return 1L;
      }

      @Override
      public byte[] sourceRawKey() {
        return key;
      }

      @Override
      public byte[] sourceRawValue() {
        return value;
      }
    };
  }

  static String header(ProducerRecord<?, ?> record, String name) {
    var header = record.headers().lastHeader(name);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }
}
