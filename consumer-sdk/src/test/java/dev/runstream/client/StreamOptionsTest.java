package dev.runstream.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StreamOptionsTest {
  @Test
  void shouldLeaveEverythingToTheClientWhenNothingIsSet() {
    StreamOptions o = StreamOptions.DEFAULTS;
    assertThat(o.includeChildren()).isFalse();
    assertThat(o.bufferSize()).isEmpty();
    assertThat(o.overflowPolicy()).isEmpty();
    assertThat(o.idleTimeout()).isEmpty();
    assertThat(o.startTimeHint()).isEmpty();
  }

  @Test
  void shouldKeepValuesAndStayImmutableWhenDerived() {
    Instant hint = Instant.parse("2026-01-01T00:00:00Z");
    StreamOptions a =
        StreamOptions.newBuilder()
            .includeChildren(true)
            .bufferSize(8)
            .overflowPolicy(OverflowPolicy.RESUME)
            .gapPolicy(GapPolicy.FAIL)
            .idleTimeout(Duration.ofSeconds(3))
            .timeout(Duration.ofMinutes(1))
            .startTimeout(Duration.ZERO)
            .startTimeHint(hint)
            .rootWorkflowId("root")
            .build();
    StreamOptions b = a.toBuilder().bufferSize(16).build();
    assertThat(a.bufferSize()).contains(8);
    assertThat(b.bufferSize()).contains(16);
    assertThat(b.includeChildren()).isTrue();
    assertThat(b.overflowPolicy()).contains(OverflowPolicy.RESUME);
    assertThat(b.gapPolicy()).contains(GapPolicy.FAIL);
    assertThat(b.startTimeHint()).contains(hint);
    assertThat(b.rootWorkflowId()).contains("root");
    assertThat(a.toString()).contains("bufferSize=8");
  }

  @Test
  void shouldRefuseInvalidValuesWhenSet() {
    var builder = StreamOptions.newBuilder();
    assertThatThrownBy(() -> builder.bufferSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.bufferSize(1_000_001))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.idleTimeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.timeout(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> builder.rootWorkflowId(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> builder.overflowPolicy(null)).isInstanceOf(NullPointerException.class);
  }
}
