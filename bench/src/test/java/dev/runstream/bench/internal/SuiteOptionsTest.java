package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SuiteOptionsTest {
  @Test
  void shouldUseShortDefaultsWhenNoOptionsAreGiven() {
    SuiteOptions o = SuiteOptions.parse(new String[0]);

    assertThat(o.full()).isFalse();
    assertThat(o.loads()).containsExactly(1000, 10000, 50000);
    assertThat(o.sizes()).containsExactly(10_000L, 100_000L);
    assertThat(o.subscribers()).isEqualTo(1000);
  }

  @Test
  void shouldReplayUpToAMillionWhenModeIsFull() {
    SuiteOptions o = SuiteOptions.parse(new String[] {"--mode", "full"});

    assertThat(o.full()).isTrue();
    assertThat(o.sizes()).containsExactly(10_000L, 100_000L, 1_000_000L);
  }

  @Test
  void shouldOverrideModeDefaultsWhenOptionsAreGiven() {
    SuiteOptions o =
        SuiteOptions.parse(new String[] {"--loads", "500, 2000", "--redis-server", "/opt/r"});

    assertThat(o.loads()).isEqualTo(List.of(500, 2000));
    assertThat(o.redisServer()).isEqualTo("/opt/r");
  }

  @Test
  void shouldRejectOptionWhenUnknownOrWithoutValue() {
    assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--nope", "1"}))
        .hasMessageContaining("unknown option --nope");
    assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--mode"}))
        .hasMessageContaining("needs a value");
    assertThatThrownBy(() -> SuiteOptions.parse(new String[] {"--mode", "medium"}))
        .hasMessageContaining("short or full");
  }
}
