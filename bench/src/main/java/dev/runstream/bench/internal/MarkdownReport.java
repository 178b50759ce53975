package dev.runstream.bench.internal;

import dev.runstream.bench.internal.SuiteReport.FanoutRow;
import dev.runstream.bench.internal.SuiteReport.LatencyPoint;
import dev.runstream.bench.internal.SuiteReport.ReplayPoint;
import dev.runstream.bench.internal.SuiteReport.Throughput;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Renders a {@link SuiteReport} as the Markdown report of {@code bench/results/<date>.md}. */
public final class MarkdownReport {
  private MarkdownReport() {}

  /**
   * The report.
   *
   * @param report the figures
   * @param latencyPlot file name of the latency plot beside the report, or {@code null}
   * @param replayPlot file name of the replay plot beside the report, or {@code null}
   * @return Markdown
   */
  public static String render(SuiteReport report, String latencyPlot, String replayPlot) {
    StringBuilder md = new StringBuilder();
    SuiteReport.Machine m = report.machine();
    md.append("# runstream benchmark report, ").append(report.date()).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Mode **%s**, started %s, took %.0f s. Every figure below was measured in this one"
                + " run on this one machine, beside its baseline; compare ratios, not absolute"
                + " figures across machines.%n%n",
            report.mode(),
            report.startedAt(),
            report.durationSeconds()));
    md.append("| machine | |\n| --- | --- |\n");
    row(md, "cores", Integer.toString(m.cores()));
    row(md, "CPU", m.cpuModel());
    row(md, "load average at start", m.loadAverageStart());
    row(md, "load average at end", m.loadAverageEnd());
    row(md, "JVM", m.jvm());
    row(md, "OS", m.os());
    row(md, "Kafka", m.kafkaVersion());
    row(md, "Redis", m.redisVersion());
    md.append("\n");

    SuiteReport.Workload w = report.workload();
    md.append("## Workload\n\n");
    md.append(w.description()).append("\n\n");
    md.append(
        String.format(
            Locale.ROOT,
            "Concurrent runs %d; token rate %s deltas/s per run in the paced sections; %,d events"
                + " per publish round; on average %.0f events and %.0f text deltas per run.%n%n",
            w.concurrentRuns(),
            number(w.tokenRate()),
            w.totalEvents(),
            w.averageEventsPerRun(),
            w.averageDeltasPerRun()));

    List<Headline> headlines = Headline.of(report);
    md.append("## Summary\n\n");
    md.append(
        "Ratios are runstream / other. For throughput higher is better (a ratio above 1 means"
            + " runstream is faster); for times and latencies lower is better (a ratio below 1"
            + " means runstream is faster).\n\n");
    md.append("| figure | unit | runstream | baseline | value | ratio | peer | value | ratio |\n");
    md.append("| --- | --- | ---: | --- | ---: | ---: | --- | ---: | ---: |\n");
    for (Headline h : headlines) {
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              h.figure(),
              h.unit(),
              number(h.runstream()),
              h.baselineName(),
              number(h.baseline()),
              ratio(h.baselineRatio()),
              h.peerName() == null ? "–" : h.peerName(),
              h.peerName() == null ? "–" : number(h.peer()),
              h.peerName() == null ? "–" : ratio(h.peerRatio())));
    }
    md.append("\n");

    md.append("## 1. Publish throughput\n\n");
    md.append(
        "The same events (the bytes runstream published, read back: key, Avro value, headers)"
            + " sent by each system from the same number of threads, timed until every event is"
            + " acknowledged: `acks=all` + idempotence for Kafka, `appendonly yes` + `appendfsync"
            + " everysec` for Redis (`XADD` to one stream per workflow). Per core is events per"
            + " CPU-second of the bench JVM plus its server child processes (broker, registry,"
            + " redis-server) during the phase.\n\n");
    md.append("| system | events | s | events/s | CPU-s | events per CPU-s | vs runstream |\n");
    md.append("| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    Optional<Throughput> rs =
        report.publish().stream().filter(t -> t.system().equals(SuiteReport.RUNSTREAM)).findFirst();
    for (Throughput t : report.publish()) {
      if (t.unavailable() != null) {
        md.append(
            String.format(
                Locale.ROOT, "| %s | unavailable: %s | | | | | |%n", t.system(), t.unavailable()));
        continue;
      }
      md.append(
          String.format(
              Locale.ROOT,
              "| %s | %,d | %.2f | %s | %.2f | %s | %s |%n",
              t.system(),
              t.events(),
              t.seconds(),
              number(t.eventsPerSecond()),
              t.cpuSeconds(),
              number(t.eventsPerCpuSecond()),
              ratio(
                  Headline.ratio(
                      rs.map(Throughput::eventsPerSecond).orElse(Double.NaN),
                      t.eventsPerSecond()))));
    }
    md.append(
        "\n\"vs runstream\" is runstream's events/s divided by that system's (above 1:"
            + " runstream faster).\n\n");

    md.append("## 2. End-to-end delta latency\n\n");
    md.append(
        "Text deltas paced at a fixed offered load over the concurrent runs, each carrying its"
            + " publish time; latency is taken in the subscriber's callback. runstream:"
            + " `AgentEventPublisher` (linger 0) to a `RunstreamClient` tail per run. Raw Kafka:"
            + " a plain `KafkaConsumer` on every partition decoding the very same records."
            + " Redis: `XADD` per run's stream, one reader doing `XREAD BLOCK` over all the"
            + " streams, decoding the same Avro bytes. Achieved is the rate the publisher"
            + " reached; where it is well below the offered load, the machine could not offer"
            + " it.\n\n");
    if (latencyPlot != null) {
      md.append("![latency percentiles against load](").append(latencyPlot).append(")\n\n");
    }
    md.append(
        "| offered/s | system | achieved/s | samples | p50 ms | p99 ms | p99.9 ms | p50 vs"
            + " runstream | p99 vs runstream |\n");
    md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
    for (LatencyPoint p : report.latency()) {
      if (p.unavailable() != null) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %,d | %s | unavailable: %s | | | | | | |%n",
                p.offeredPerSecond(),
                p.system(),
                p.unavailable()));
        continue;
      }
      Optional<LatencyPoint> base =
          report.latency().stream()
              .filter(
                  q ->
                      q.system().equals(SuiteReport.RUNSTREAM)
                          && q.offeredPerSecond() == p.offeredPerSecond())
              .findFirst();
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %s | %,d | %s | %s | %s | %s | %s |%n",
              p.offeredPerSecond(),
              p.system(),
              number(p.achievedPerSecond()),
              p.latency().samples(),
              ms(p.latency().p50Ms()),
              ms(p.latency().p99Ms()),
              ms(p.latency().p999Ms()),
              ratio(
                  Headline.ratio(
                      base.map(b -> b.latency().p50Ms()).orElse(Double.NaN), p.latency().p50Ms())),
              ratio(
                  Headline.ratio(
                      base.map(b -> b.latency().p99Ms()).orElse(Double.NaN),
                      p.latency().p99Ms()))));
    }
    md.append(
        "\n\"vs runstream\" is runstream's latency divided by that system's (below 1: runstream"
            + " faster).\n\n");

    md.append("## 3. Replay of one workflow among many\n\n");
    md.append(
        "One workflow is published behind N events of other workflows on a one-partition topic"
            + " (and the same events as one Redis stream per workflow), then read back from its"
            + " start: runstream's indexed replay (index from the view: one seek, no scan), a"
            + " plain consumer scanning the partition from its start, and `XRANGE` on the"
            + " workflow's stream. Cold is the first read; median is over the warm reads.\n\n");
    if (replayPlot != null) {
      md.append("![replay time against background size](").append(replayPlot).append(")\n\n");
    }
    md.append(
        "| background events | method | workflow events | records read | cold ms | median ms |"
            + " vs indexed |\n");
    md.append("| ---: | --- | ---: | ---: | ---: | ---: | ---: |\n");
    for (ReplayPoint p : report.replay()) {
      if (p.unavailable() != null) {
        md.append(
            String.format(
                Locale.ROOT,
                "| %,d | %s | unavailable: %s | | | | |%n",
                p.backgroundEvents(),
                p.system(),
                p.unavailable()));
        continue;
      }
      Optional<ReplayPoint> indexed =
          report.replay().stream()
              .filter(
                  q ->
                      q.system().equals(Headline.ReplayNames.INDEXED)
                          && q.backgroundEvents() == p.backgroundEvents()
                          && q.unavailable() == null)
              .findFirst();
      md.append(
          String.format(
              Locale.ROOT,
              "| %,d | %s | %,d | %,d | %s | %s | %s |%n",
              p.backgroundEvents(),
              p.system(),
              p.workflowEvents(),
              p.recordsRead(),
              ms(p.coldMs()),
              ms(p.medianMs()),
              ratio(
                  Headline.ratio(
                      indexed.map(ReplayPoint::medianMs).orElse(Double.NaN), p.medianMs()))));
    }
    md.append(
        "\n\"vs indexed\" is the indexed replay's median divided by that method's (below 1:"
            + " indexed faster).\n\n");

    md.append("## 4. Materialization\n\n");
    SuiteReport.Materialization mat = report.materialization();
    if (mat == null || mat.unavailable() != null) {
      md.append("Unavailable: ").append(mat == null ? "not run" : mat.unavailable()).append("\n\n");
    } else {
      md.append(
          "The topology (Kafka Streams, `exactly_once_v2`, RocksDB, one stream thread) started"
              + " on a backlog of the workload and timed until it applied every event; the"
              + " baseline is a plain consumer reading and decoding the same backlog. Lag is from"
              + " a publish until the interactive query shows the event, under a steady paced"
              + " load; its floor is the broker acknowledgement.\n\n");
      md.append("| figure | topology | baseline | ratio |\n| --- | ---: | ---: | ---: |\n");
      md.append(
          String.format(
              Locale.ROOT,
              "| throughput, events/s (%,d events) | %s | %s (plain consumer) | %s |%n",
              mat.events(),
              number(mat.eventsPerSecond()),
              number(mat.baselineEventsPerSecond()),
              ratio(Headline.ratio(mat.eventsPerSecond(), mat.baselineEventsPerSecond()))));
      md.append(
          String.format(
              Locale.ROOT,
              "| lag p50, ms | %s | %s (publish to ack) | %s |%n",
              ms(mat.lag().p50Ms()),
              ms(mat.ack().p50Ms()),
              ratio(Headline.ratio(mat.lag().p50Ms(), mat.ack().p50Ms()))));
      md.append(
          String.format(
              Locale.ROOT,
              "| lag p99, ms | %s | %s (publish to ack) | %s |%n",
              ms(mat.lag().p99Ms()),
              ms(mat.ack().p99Ms()),
              ratio(Headline.ratio(mat.lag().p99Ms(), mat.ack().p99Ms()))));
      md.append(
          String.format(
              Locale.ROOT,
              "%nLag measured under %,d events/s offered (%s achieved), %,d lag samples.%n%n",
              mat.offeredLoad(),
              number(mat.achievedLoad()),
              mat.lag().samples()));
    }

    md.append("## 5. Fan-out\n\n");
    SuiteReport.Fanout f = report.fanout();
    if (f == null) {
      md.append("Not run.\n\n");
    } else {
      md.append(
          String.format(
              Locale.ROOT,
              "%,d live subscribers, one per running workflow, each receiving paced text deltas."
                  + " Heap per subscriber is measured after full collections, once every"
                  + " subscriber is open and has received traffic. Gateway: %s.%n%n",
              f.subscribers(),
              f.gatewayStatus()));
      md.append(
          "| system | heap per subscriber, bytes | deliveries | p50 ms | p99 ms | p99.9 ms |\n");
      md.append("| --- | ---: | ---: | ---: | ---: | ---: |\n");
      for (FanoutRow r : f.rows()) {
        if (r.unavailable() != null) {
          md.append(
              String.format(
                  Locale.ROOT, "| %s | unavailable: %s | | | | |%n", r.system(), r.unavailable()));
          continue;
        }
        md.append(
            String.format(
                Locale.ROOT,
                "| %s | %s | %,d | %s | %s | %s |%n",
                r.system(),
                number(r.heapBytesPerSubscriber()),
                r.deliveries(),
                ms(r.latency().p50Ms()),
                ms(r.latency().p99Ms()),
                ms(r.latency().p999Ms())));
      }
      md.append("\n");
    }

    md.append("## Where runstream is weakest\n\n");
    List<Headline> weakest = Headline.weakest(headlines);
    if (weakest.isEmpty()) {
      md.append("runstream led or matched every compared figure in this run.\n\n");
    }
    int i = 1;
    for (Headline h : weakest) {
      String other = Double.isNaN(h.peer()) ? h.baselineName() : h.peerName();
      double value = Double.isNaN(h.peer()) ? h.baseline() : h.peer();
      md.append(
          String.format(
              Locale.ROOT,
              "%d. **%s**: runstream %s against %s %s %s (%.1f× worse). Hypothesis: %s%n",
              i++,
              h.figure(),
              number(h.runstream()),
              other,
              number(value),
              h.unit(),
              h.disadvantage(),
              h.hypothesis()));
    }
    md.append("\n");
    if (!report.notes().isEmpty()) {
      md.append("## Notes\n\n");
      for (String note : report.notes()) {
        md.append("- ").append(note).append("\n");
      }
      md.append("\n");
    }
    return md.toString();
  }

  private static void row(StringBuilder md, String key, String value) {
    md.append("| ").append(key).append(" | ").append(value).append(" |\n");
  }

  /**
   * A figure for the report: "n/a" for NaN, thousands separators from 100 up, else 3 significant
   * digits.
   *
   * @param value the figure
   * @return its text
   */
  public static String number(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    if (Math.abs(value) >= 100) {
      return String.format(Locale.ROOT, "%,.0f", value);
    }
    if (Math.abs(value) >= 10) {
      return String.format(Locale.ROOT, "%.1f", value);
    }
    return String.format(Locale.ROOT, "%.2f", value);
  }

  /**
   * Milliseconds with two decimals, "n/a" for NaN.
   *
   * @param value milliseconds
   * @return its text
   */
  public static String ms(double value) {
    if (Double.isNaN(value)) {
      return "n/a";
    }
    return value >= 1000
        ? String.format(Locale.ROOT, "%,.0f", value)
        : String.format(Locale.ROOT, "%.2f", value);
  }

  /**
   * A ratio as {@code 0.83×}, "n/a" for NaN.
   *
   * @param value the ratio
   * @return its text
   */
  public static String ratio(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    return value >= 100
        ? String.format(Locale.ROOT, "%,.0f×", value)
        : String.format(Locale.ROOT, "%.2f×", value);
  }
}
