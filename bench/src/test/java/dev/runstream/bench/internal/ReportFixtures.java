package dev.runstream.bench.internal;

import dev.runstream.bench.internal.Headline.FanoutNames;
import dev.runstream.bench.internal.Headline.ReplayNames;
import dev.runstream.bench.internal.SuiteReport.Fanout;
import dev.runstream.bench.internal.SuiteReport.FanoutRow;
import dev.runstream.bench.internal.SuiteReport.LatencyPoint;
import dev.runstream.bench.internal.SuiteReport.Materialization;
import dev.runstream.bench.internal.SuiteReport.ReplayPoint;
import dev.runstream.bench.internal.SuiteReport.Throughput;
import java.util.ArrayList;
import java.util.List;

final class ReportFixtures {
  static final String NO_REDIS = RedisServer.notFoundReason(null);

  private ReportFixtures() {}

  static Percentiles ms(double p50, double p99, double p999) {
    return new Percentiles(1000, p50, p99, p999, p999 * 2);
  }

  static SuiteReport report(boolean redis) {
    List<Throughput> publish = new ArrayList<>();
    publish.add(Throughput.of(SuiteReport.RUNSTREAM, 100_000, 2.0, 4.0));
    publish.add(Throughput.of(SuiteReport.RAW_KAFKA, 100_000, 1.0, 2.0));
    if (redis) {
      publish.add(Throughput.of(SuiteReport.REDIS_PIPELINED, 100_000, 0.5, 1.0));
      publish.add(Throughput.of(SuiteReport.REDIS, 100_000, 4.0, 5.0));
    } else {
      publish.add(Throughput.unavailable(SuiteReport.REDIS_PIPELINED, NO_REDIS));
      publish.add(Throughput.unavailable(SuiteReport.REDIS, NO_REDIS));
    }
    List<LatencyPoint> latency = new ArrayList<>();
    latency.add(new LatencyPoint(SuiteReport.RUNSTREAM, 1000, 1000, ms(4, 8, 12), null));
    latency.add(new LatencyPoint(SuiteReport.RAW_KAFKA, 1000, 1000, ms(2, 8, 10), null));
    latency.add(
        redis
            ? new LatencyPoint(SuiteReport.REDIS, 1000, 990, ms(0.5, 2, 4), null)
            : LatencyPoint.unavailable(SuiteReport.REDIS, 1000, NO_REDIS));
    List<ReplayPoint> replay = new ArrayList<>();
    replay.add(new ReplayPoint(ReplayNames.INDEXED, 10_000, 300, 50, 10, 300, null));
    replay.add(new ReplayPoint(ReplayNames.SCAN, 10_000, 300, 200, 100, 10_300, null));
    replay.add(
        redis
            ? new ReplayPoint(ReplayNames.REDIS, 10_000, 300, 2, 1, 300, null)
            : ReplayPoint.unavailable(ReplayNames.REDIS, 10_000, 300, NO_REDIS));
    return new SuiteReport(
        "2026-01-02",
        "2026-01-02T03:04:05Z",
        "short",
        123,
        new SuiteReport.Machine(
            2,
            "Test CPU",
            "0.5 0.4 0.3",
            "0.6 0.5 0.4",
            "TestVM 17",
            "Linux",
            "4.2.2",
            redis ? "7.0.15" : "unavailable: " + NO_REDIS),
        new SuiteReport.Workload(100, 100, 100_000, "Simulated runs.", 310, 296),
        publish,
        latency,
        replay,
        new Materialization(
            30_000, 20_000, 80_000, 1000, 990, ms(30, 120, 200), ms(3, 10, 20), null),
        new Fanout(
            1000,
            List.of(
                new FanoutRow(FanoutNames.SDK, 1843, 5000, ms(2, 9, 11), null),
                FanoutRow.unavailable(FanoutNames.GATEWAY, "pending")),
            "pending"),
        List.of("a note"));
  }
}
