package dev.runstream.bench.internal;

import java.util.Arrays;

/**
 * Latency percentiles in milliseconds, by the nearest-rank method: the p-th percentile of n sorted
 * samples is the sample at rank {@code ceil(p / 100 * n)}.
 *
 * @param samples how many samples
 * @param p50Ms the median
 * @param p99Ms the 99th percentile
 * @param p999Ms the 99.9th percentile
 * @param maxMs the largest sample
 */
public record Percentiles(long samples, double p50Ms, double p99Ms, double p999Ms, double maxMs) {

  /** No samples: every percentile is NaN (rendered as "n/a", written as JSON null). */
  public static final Percentiles NONE =
      new Percentiles(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);

  /**
   * Percentiles of latencies in nanoseconds; the array is not modified.
   *
   * @param nanos the samples
   * @return their percentiles, or {@link #NONE} for no samples
   */
  public static Percentiles ofNanos(long[] nanos) {
    if (nanos.length == 0) {
      return NONE;
    }
    long[] sorted = nanos.clone();
    Arrays.sort(sorted);
    return new Percentiles(
        sorted.length,
        nearestRank(sorted, 50) / 1e6,
        nearestRank(sorted, 99) / 1e6,
        nearestRank(sorted, 99.9) / 1e6,
        sorted[sorted.length - 1] / 1e6);
  }

  /**
   * The nearest-rank percentile of sorted samples.
   *
   * @param sorted samples in ascending order, at least one
   * @param p the percentile, within (0, 100]
   * @return the sample at rank {@code ceil(p / 100 * n)}
   */
  public static long nearestRank(long[] sorted, double p) {
    if (sorted.length == 0) {
      throw new IllegalArgumentException("no samples");
    }
    if (!(p > 0 && p <= 100)) {
      throw new IllegalArgumentException("percentile must be within (0, 100], got " + p);
    }
    // The epsilon keeps 99.9 % of 1000 at rank 999, not 1000 (0.999 * 1000 = 999.0000000000001).
    int rank = (int) Math.ceil(p / 100 * sorted.length - 1e-9);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  /**
   * Whether there are samples.
   *
   * @return {@code true} if at least one
   */
  public boolean available() {
    return samples > 0;
  }
}
