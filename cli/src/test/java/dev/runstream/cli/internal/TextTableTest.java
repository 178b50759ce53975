package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextTableTest {
  @Test
  void shouldAlignColumnsAndRightAlignNumbersWhenPrinted() {
    TextTable table =
        new TextTable("NAME", "STATUS", "EVENTS")
            .rightAlign(2)
            .row("weather-agent", "FINISHED", "42")
            .row("a", null, "1,234");
    assertThat(table.lines())
        .containsExactly(
            "NAME           STATUS    EVENTS",
            "weather-agent  FINISHED      42",
            "a              -          1,234");
  }
}
