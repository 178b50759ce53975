package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.schemas.EventHeaders;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class RecordMetaTest {
  private static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldReadKeyWorkflowAndSequenceWhenTheHeadersArePresent() {
    var record = new ConsumerRecord<>("t", 2, 17L, utf8("root"), new byte[] {1});
    record.headers().add(EventHeaders.WORKFLOW_ID, utf8("child"));
    record.headers().add(EventHeaders.SEQUENCE, utf8("42"));
    RecordMeta m = RecordMeta.of(record);
    assertThat(m.partition()).isEqualTo(2);
    assertThat(m.offset()).isEqualTo(17);
    assertThat(m.key()).isEqualTo("root");
    assertThat(m.workflowId()).isEqualTo("child");
    assertThat(m.sequence()).isEqualTo(42);
    assertThat(m.hasHeaders()).isTrue();
  }

  @Test
  void shouldLeaveFieldsUnknownWhenHeadersAreMissingOrMalformed() {
    var record = new ConsumerRecord<byte[], byte[]>("t", 0, 1L, null, null);
    record.headers().add(EventHeaders.SEQUENCE, utf8("-3"));
    RecordMeta m = RecordMeta.of(record);
    assertThat(m.key()).isNull();
    assertThat(m.workflowId()).isNull();
    assertThat(m.sequence()).isEqualTo(-1);
    assertThat(m.hasHeaders()).isFalse();
    assertThat(RecordMeta.parseSequence(utf8("12x"))).isEqualTo(-1);
    assertThat(RecordMeta.parseSequence(utf8("99999999999999999999"))).isEqualTo(-1);
  }
}
