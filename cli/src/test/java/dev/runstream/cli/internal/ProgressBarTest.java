package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void shouldFillTheBarInProportionWhenPartlyDone() {
    assertThat(ProgressBar.render("replay", 4_000, 10_000, Duration.ofMillis(1_250)))
        .isEqualTo(
            "replay [" + "█".repeat(12) + "░".repeat(18) + "]  40%  4,000/10,000 events  1.3 s");
  }

  @Test
  void shouldShowAFullBarWhenDoneExceedsTheTotal() {
    assertThat(ProgressBar.render("replay", 12, 10, Duration.ZERO))
        .isEqualTo("replay [" + "█".repeat(30) + "] 100%  12/10 events  0.0 s");
  }

  @Test
  void shouldShowOnlyTheCountWhenTheTotalIsUnknown() {
    assertThat(ProgressBar.render("replay", 7, 0, Duration.ofSeconds(2)))
        .isEqualTo("replay [" + "░".repeat(30) + "]   0%  7 events  2.0 s");
  }

  @Test
  void shouldRedrawAtMostEveryHundredMillisecondsAndEndTheLineWhenClosed() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    AtomicLong clock = new AtomicLong();
    ProgressBar bar =
        new ProgressBar(new PrintStream(bytes, true, StandardCharsets.UTF_8), "r", 10, clock::get);
    bar.advance(1); // first draw
    clock.addAndGet(50_000_000);
    bar.advance(1); // too soon
    clock.addAndGet(60_000_000);
    bar.advance(1); // drawn
    bar.close();
    bar.close();
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertThat(out.split("\r", -1)).hasSize(4); // "" + three draws
    assertThat(out).contains("  10%  1/10", "  30%  3/10").doesNotContain("2/10").endsWith("\n");
    assertThat(bar.done()).isEqualTo(3);
  }
}
