package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class CpuMeterTest {
  @Test
  void shouldSumUserAndSystemTicksWhenCommandHasSpacesAndParentheses() {
    String stat =
        "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 1000 0 0 0 1234 567 0 0 20 0 40 0 100"
            + " 5000000 30000 18446744073709551615";

    assertThat(CpuMeter.ticks(stat)).isEqualTo(1234 + 567);
  }

  @Test
  void shouldRejectLineWhenItIsNotAStatLine() {
    assertThatThrownBy(() -> CpuMeter.ticks("no parentheses here"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
