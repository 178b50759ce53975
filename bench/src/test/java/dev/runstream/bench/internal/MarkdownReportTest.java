package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class MarkdownReportTest {
  @Test
  void shouldPutRatiosBesideBaselineAndPeerWhenRedisWasMeasured() {
    String md = MarkdownReport.render(ReportFixtures.report(true), "latency.png", "replay.png");

    assertThat(md)
        .contains("# runstream benchmark report, 2026-01-02")
        .contains("| cores | 2 |")
        .contains("| Kafka | 4.2.2 |")
        // 50,000 events/s against raw Kafka's 100,000 and pipelined Redis' 200,000.
        .contains(
            "| Publish throughput | events/s | 50,000 | raw Kafka | 100,000 | 0.50× | Redis Streams"
                + " (pipelined) | 200,000 | 0.25× |")
        .contains("| Delta latency p50 at 1,000 events/s | ms | 4.00 | raw Kafka | 2.00 | 2.00×")
        .contains("![latency percentiles against load](latency.png)")
        .contains("![replay time against background size](replay.png)")
        .contains("## Where runstream is weakest")
        .contains("- a note");
  }

  @Test
  void shouldSayUnavailableNotZeroWhenRedisIsMissing() {
    String md = MarkdownReport.render(ReportFixtures.report(false), null, null);

    assertThat(md)
        .contains("| Redis Streams (pipelined) | unavailable: redis-server not installed")
        .contains("| 1,000 | Redis Streams | unavailable: redis-server not installed")
        .contains("| 10,000 | Redis XRANGE | unavailable: redis-server not installed")
        .contains(
            "| Publish throughput | events/s | 50,000 | raw Kafka | 100,000 | 0.50× |"
                + " Redis Streams (pipelined) | n/a | n/a |")
        .doesNotContain("![latency");
    assertThat(md).doesNotContainPattern("Redis Streams \\(pipelined\\) \\| 0 ");
  }

  @Test
  void shouldRankWeakestAgainstPeerWhenPeerIsPresent() {
    var weakest = Headline.weakest(Headline.of(ReportFixtures.report(true)));

    assertThat(weakest).hasSize(3);
    // Replay: 10 ms against XRANGE's 1 ms is the largest gap.
    assertThat(weakest.get(0).figure()).startsWith("Replay one workflow");
    assertThat(weakest.get(0).disadvantage()).isEqualTo(10.0);
    assertThat(weakest).allSatisfy(h -> assertThat(h.hypothesis()).isNotBlank());
    assertThat(weakest).extracting(Headline::hypothesis).doesNotHaveDuplicates();
  }

  @Test
  void shouldFormatNumbersWhenRenderingFigures() {
    assertThat(MarkdownReport.number(Double.NaN)).isEqualTo("n/a");
    assertThat(MarkdownReport.number(1234567.8)).isEqualTo("1,234,568");
    assertThat(MarkdownReport.number(12.345)).isEqualTo("12.3");
    assertThat(MarkdownReport.ratio(0.834)).isEqualTo("0.83×");
    assertThat(MarkdownReport.ratio(Double.NaN)).isEqualTo("n/a");
    assertThat(MarkdownReport.ms(0.123)).isEqualTo("0.12");
  }
}
