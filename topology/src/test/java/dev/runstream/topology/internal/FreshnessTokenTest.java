package dev.runstream.topology.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class FreshnessTokenTest {

  @Test
  void shouldParsePartitionAndOffsetWhenTheTokenIsWellFormed() {
    FreshnessToken token = FreshnessToken.parse("7:123456789012");
    assertThat(token.partition()).isEqualTo(7);
    assertThat(token.offset()).isEqualTo(123_456_789_012L);
    assertThat(token).hasToString("7:123456789012");
  }

  @Test
  void shouldRefuseWithAClearMessageWhenTheTokenIsMalformed() {
    for (String bad :
        new String[] {"", "7", "7:", ":1", "a:1", "1:b", "1:-1", "-1:1", "1:2:3", "+1:2", "1:2 "}) {
      assertThatThrownBy(() -> FreshnessToken.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("partition:offset");
    }
    assertThatThrownBy(() -> FreshnessToken.parse("1:" + "9".repeat(40)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FreshnessToken.parse(null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
