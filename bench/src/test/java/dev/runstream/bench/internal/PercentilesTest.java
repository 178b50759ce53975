package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;

class PercentilesTest {
  @Test
  void shouldTakeNearestRankWhenSamplesAreOneToThousand() {
    long[] samples = LongStream.rangeClosed(1, 1000).map(i -> i * 1_000_000L).toArray();

    Percentiles p = Percentiles.ofNanos(samples);

    assertThat(p.samples()).isEqualTo(1000);
    assertThat(p.p50Ms()).isEqualTo(500.0);
    assertThat(p.p99Ms()).isEqualTo(990.0);
    assertThat(p.p999Ms()).isEqualTo(999.0);
    assertThat(p.maxMs()).isEqualTo(1000.0);
  }

  @Test
  void shouldNotDependOnOrderWhenSamplesAreShuffled() {
    long[] samples = {5_000_000, 1_000_000, 4_000_000, 2_000_000, 3_000_000};

    Percentiles p = Percentiles.ofNanos(samples);

    assertThat(p.p50Ms()).isEqualTo(3.0);
    assertThat(p.p99Ms()).isEqualTo(5.0);
    assertThat(samples[0]).as("input left unsorted").isEqualTo(5_000_000);
  }

  @Test
  void shouldReturnTheOnlySampleWhenThereIsOne() {
    Percentiles p = Percentiles.ofNanos(new long[] {2_500_000});

    assertThat(p.p50Ms()).isEqualTo(2.5);
    assertThat(p.p999Ms()).isEqualTo(2.5);
  }

  @Test
  void shouldBeUnavailableWhenThereAreNoSamples() {
    Percentiles p = Percentiles.ofNanos(new long[0]);

    assertThat(p.available()).isFalse();
    assertThat(p.p99Ms()).isNaN();
  }

  @Test
  void shouldRejectPercentileWhenOutOfRange() {
    assertThatThrownBy(() -> Percentiles.nearestRank(new long[] {1}, 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Percentiles.nearestRank(new long[] {1}, 100.1))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
