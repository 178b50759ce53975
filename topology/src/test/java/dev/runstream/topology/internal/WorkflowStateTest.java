package dev.runstream.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.runstream.schemas.internal.GeneratedClassTrust;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.Test;

class WorkflowStateTest {
  static {
    GeneratedClassTrust.install();
  }

  @Test
  void shouldRoundTripTextGenerationAndOpenRangesWhenSerialized() {
    WorkflowState state = WorkflowState.empty("wf", "wf");
    state.setText(300, 5);
    state.addRange("llm_1", 0, 10);
    state.addRange("llm_1", 10, 25);
    state.addRange("llm_2", 25, 40);
    state.addRange("llm_1", 40, 41);
    state.replaceText(5, 120, 2);

    byte[] bytes = WorkflowState.serde().serializer().serialize("t", state);
    WorkflowState read = WorkflowState.serde().deserializer().deserialize("t", bytes);

    assertThat(read.textBytes()).isEqualTo(120);
    assertThat(read.textChunks()).isEqualTo(2);
    assertThat(read.textBase()).isEqualTo(5);
    assertThat(read.staleBase()).isZero();
    assertThat(read.staleChunks()).isEqualTo(5);
    assertThat(read.openRanges()).containsOnlyKeys("llm_1", "llm_2");
    assertThat(read.openRanges().get("llm_1")).containsExactly(0, 25, 40, 41);
    assertThat(read.openRanges().get("llm_2")).containsExactly(25, 40);
    assertThat(read.run()).isEqualTo(state.run());
  }

  @Test
  void shouldReadVersionOneStatesWithoutRetriesWhenStoredBeforeAttempts() {
    WorkflowState state = WorkflowState.empty("wf", "wf");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(1);
    out.writeBytes(ByteBuffer.allocate(12).putLong(42).putInt(1).array());
    out.writeBytes(
        new AvroBinarySerde<>(dev.runstream.schemas.WorkflowRun.class).encode(state.run()));

    WorkflowState read = WorkflowState.serde().deserializer().deserialize("t", out.toByteArray());

    assertThat(read.textBytes()).isEqualTo(42);
    assertThat(read.textChunks()).isEqualTo(1);
    assertThat(read.textBase()).isZero();
    assertThat(read.openRanges()).isEmpty();
    assertThat(read.run().getWorkflowId()).isEqualTo("wf");
  }

  @Test
  void shouldFailClearlyWhenAStateIsTruncated() {
    WorkflowState state = WorkflowState.empty("wf", "wf");
    state.addRange("llm_1", 0, 10);
    byte[] bytes = WorkflowState.serde().serializer().serialize("t", state);

    assertThatThrownBy(
            () -> WorkflowState.serde().deserializer().deserialize("t", Arrays.copyOf(bytes, 30)))
        .isInstanceOf(SerializationException.class)
        .hasMessageContaining("truncated workflow state");
  }
}
