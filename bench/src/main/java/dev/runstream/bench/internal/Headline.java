package dev.runstream.bench.internal;

import dev.runstream.bench.internal.SuiteReport.FanoutRow;
import dev.runstream.bench.internal.SuiteReport.LatencyPoint;
import dev.runstream.bench.internal.SuiteReport.ReplayPoint;
import dev.runstream.bench.internal.SuiteReport.Throughput;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.ToDoubleFunction;

/**
 * One figure of the report's summary: runstream's value beside its baseline and, where there is
 * one, a peer's, from the same run.
 *
 * @param figure what is measured
 * @param unit its unit
 * @param lowerIsBetter {@code true} for times and latencies
 * @param runstream runstream's value
 * @param baselineName the baseline
 * @param baseline the baseline's value, NaN if none
 * @param peerName the peer, or {@code null}
 * @param peer the peer's value, NaN if none or unavailable
 * @param hypothesis why runstream would trail here, for the closing note
 */
public record Headline(
    String figure,
    String unit,
    boolean lowerIsBetter,
    double runstream,
    String baselineName,
    double baseline,
    String peerName,
    double peer,
    String hypothesis) {

  /**
   * runstream / baseline.
   *
   * @return the ratio, NaN when either is missing
   */
  public double baselineRatio() {
    return ratio(runstream, baseline);
  }

  /**
   * runstream / peer.
   *
   * @return the ratio, NaN when either is missing
   */
  public double peerRatio() {
    return ratio(runstream, peer);
  }

  /**
   * How many times worse runstream is than the peer (or, without one, the baseline): above 1 when
   * it trails, whichever direction is better.
   *
   * @return the disadvantage, NaN when there is nothing to compare with
   */
  public double disadvantage() {
    double other = Double.isNaN(peer) ? baseline : peer;
    double r = ratio(runstream, other);
    return lowerIsBetter ? r : 1 / r;
  }

  /**
   * a / b.
   *
   * @param a numerator
   * @param b denominator
   * @return the ratio, NaN when either is NaN or b is 0
   */
  public static double ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b) || b == 0) {
      return Double.NaN;
    }
    return a / b;
  }

  /**
   * The summary figures of a report.
   *
   * @param report the report
   * @return its headlines
   */
  public static List<Headline> of(SuiteReport report) {
    List<Headline> rows = new ArrayList<>();
    Optional<Throughput> rs = find(report.publish(), SuiteReport.RUNSTREAM, Throughput::system);
    Optional<Throughput> raw = find(report.publish(), SuiteReport.RAW_KAFKA, Throughput::system);
    Optional<Throughput> redis =
        find(report.publish(), SuiteReport.REDIS_PIPELINED, Throughput::system);
    Optional<Throughput> redisSingle =
        find(report.publish(), SuiteReport.REDIS, Throughput::system);
    if (rs.isPresent()) {
      rows.add(
          new Headline(
              "Publish throughput",
              "events/s",
              false,
              rs.get().eventsPerSecond(),
              SuiteReport.RAW_KAFKA,
              raw.map(Throughput::eventsPerSecond).orElse(Double.NaN),
              SuiteReport.REDIS_PIPELINED,
              redis.map(Throughput::eventsPerSecond).orElse(Double.NaN),
              "Redis appends to memory and fsyncs once a second on one thread, with no"
                  + " acks=all replication protocol, idempotence bookkeeping or per-record"
                  + " CompletableFuture; runstream also pays its per-event library work (state"
                  + " machine and lock per workflow, UUID, Avro encoding, headers), on the same two"
                  + " cores as the broker JVM."));
      rows.add(
          new Headline(
              "Publish per core",
              "events per CPU-second",
              false,
              rs.get().eventsPerCpuSecond(),
              SuiteReport.RAW_KAFKA,
              raw.map(Throughput::eventsPerCpuSecond).orElse(Double.NaN),
              SuiteReport.REDIS_PIPELINED,
              redis.map(Throughput::eventsPerCpuSecond).orElse(Double.NaN),
              "A JVM client plus a JVM broker (request parsing, log append, replication"
                  + " bookkeeping, GC) against a C server doing an in-memory append; the library's"
                  + " per-event work (Avro, UUID, futures) adds on top of raw Kafka's."));
      rows.add(
          new Headline(
              "Publish throughput vs unpipelined Redis",
              "events/s",
              false,
              rs.get().eventsPerSecond(),
              SuiteReport.RAW_KAFKA,
              raw.map(Throughput::eventsPerSecond).orElse(Double.NaN),
              SuiteReport.REDIS,
              redisSingle.map(Throughput::eventsPerSecond).orElse(Double.NaN),
              "One XADD per round trip is bounded by loopback latency; runstream batches"
                  + " asynchronously, so it should lead here."));
    }
    List<Integer> loads =
        report.latency().stream().map(LatencyPoint::offeredPerSecond).distinct().sorted().toList();
    for (int load : loads) {
      Optional<LatencyPoint> l = latency(report, SuiteReport.RUNSTREAM, load);
      if (l.isEmpty()) {
        continue;
      }
      Optional<LatencyPoint> b = latency(report, SuiteReport.RAW_KAFKA, load);
      Optional<LatencyPoint> p = latency(report, SuiteReport.REDIS, load);
      for (String which : List.of("p50", "p99")) {
        ToDoubleFunction<LatencyPoint> f =
            which.equals("p50") ? x -> x.latency().p50Ms() : x -> x.latency().p99Ms();
        rows.add(
            new Headline(
                String.format(Locale.ROOT, "Delta latency %s at %,d events/s", which, load),
                "ms",
                true,
                f.applyAsDouble(l.get()),
                SuiteReport.RAW_KAFKA,
                b.map(f::applyAsDouble).orElse(Double.NaN),
                SuiteReport.REDIS,
                p.map(f::applyAsDouble).orElse(Double.NaN),
                "XREAD BLOCK wakes its reader as soon as XADD is applied; a Kafka event goes"
                    + " through the producer's sender thread, the broker's log append and fetch"
                    + " path, then the SDK's shared partition reader, which decodes, routes by"
                    + " workflow id and hands it to the subscriber's executor: more hops, each"
                    + " contending for two cores."));
      }
    }
    List<Long> sizes =
        report.replay().stream().map(ReplayPoint::backgroundEvents).distinct().sorted().toList();
    for (long size : sizes) {
      Optional<ReplayPoint> indexed = replay(report, ReplayNames.INDEXED, size);
      if (indexed.isEmpty()) {
        continue;
      }
      rows.add(
          new Headline(
              String.format(Locale.ROOT, "Replay one workflow among %,d events", size),
              "ms (median)",
              true,
              indexed.get().medianMs(),
              ReplayNames.SCAN,
              replay(report, ReplayNames.SCAN, size).map(ReplayPoint::medianMs).orElse(Double.NaN),
              ReplayNames.REDIS,
              replay(report, ReplayNames.REDIS, size).map(ReplayPoint::medianMs).orElse(Double.NaN),
              "Not a scan: the indexed replay reads only the workflow's records (its time is"
                  + " flat from 10^4 to 10^6 background events), but pays fixed costs that XRANGE"
                  + " (one in-memory round trip) does not: an HTTP lookup of the index, the"
                  + " partition's log start and end offsets, then seek and fetches of Avro records"
                  + " that are decoded and resolved against the registry's writer schema; each is a"
                  + " network round trip or a thread hand-off on two busy cores."));
    }
    SuiteReport.Materialization m = report.materialization();
    if (m != null && m.unavailable() == null) {
      rows.add(
          new Headline(
              "Materialization throughput",
              "events/s",
              false,
              m.eventsPerSecond(),
              "plain consumer, decode only",
              m.baselineEventsPerSecond(),
              null,
              Double.NaN,
              "exactly_once_v2 commits a transaction every 100 ms, every event is a RocksDB"
                  + " read-modify-write of its run and a changelog write, where the plain"
                  + " consumer only decodes."));
      rows.add(
          new Headline(
              "Materialization lag p99",
              "ms",
              true,
              m.lag().p99Ms(),
              "publish to broker ack p99",
              m.ack().p99Ms(),
              null,
              Double.NaN,
              "The stream thread applies events in poll batches and stops for commits (RocksDB"
                  + " flush, transaction markers), so the tail waits for a commit pause; the"
                  + " probe also polls the HTTP query."));
    }
    SuiteReport.Fanout fanout = report.fanout();
    if (fanout != null) {
      Optional<FanoutRow> gateway =
          fanout.rows().stream()
              .filter(r -> r.system().equals(FanoutNames.GATEWAY) && r.unavailable() == null)
              .findFirst();
      Optional<FanoutRow> sdk =
          fanout.rows().stream()
              .filter(r -> r.system().equals(FanoutNames.SDK) && r.unavailable() == null)
              .findFirst();
      if (gateway.isPresent() || sdk.isPresent()) {
        FanoutRow main = gateway.orElse(sdk.get());
        Optional<FanoutRow> base = gateway.isPresent() ? sdk : Optional.empty();
        String baseName = gateway.isPresent() ? FanoutNames.SDK : "none (gateway pending)";
        rows.add(
            new Headline(
                String.format(
                    Locale.ROOT, "Fan-out heap per subscriber (%,d)", fanout.subscribers()),
                "bytes",
                true,
                main.heapBytesPerSubscriber(),
                baseName,
                base.map(FanoutRow::heapBytesPerSubscriber).orElse(Double.NaN),
                null,
                Double.NaN,
                "Each SSE connection holds Jetty request and response buffers, an async context"
                    + " and a JSON writer on top of the SDK subscriber's queue."));
        rows.add(
            new Headline(
                String.format(Locale.ROOT, "Fan-out delivery p99 (%,d)", fanout.subscribers()),
                "ms",
                true,
                main.latency().p99Ms(),
                baseName,
                base.map(r -> r.latency().p99Ms()).orElse(Double.NaN),
                null,
                Double.NaN,
                "Every event is encoded as JSON and written and flushed on its own connection,"
                    + " 1,000 small writes per delta round on two cores."));
      }
    }
    return rows;
  }

  /**
   * The three figures where runstream trails a peer most, worst first, one per kind of figure (the
   * worst load or size of each); if fewer than three kinds trail a peer, figures trailing their
   * baseline fill the list.
   *
   * @param headlines the figures
   * @return up to three, each trailing (disadvantage above 1)
   */
  public static List<Headline> weakest(List<Headline> headlines) {
    Comparator<Headline> worstFirst = Comparator.comparingDouble(Headline::disadvantage).reversed();
    Map<String, Headline> worstOfKind = new LinkedHashMap<>();
    headlines.stream()
        .filter(h -> !Double.isNaN(h.disadvantage()) && h.disadvantage() > 1)
        .sorted(worstFirst)
        .forEach(h -> worstOfKind.putIfAbsent(h.hypothesis(), h));
    List<Headline> trailing = List.copyOf(worstOfKind.values());
    List<Headline> weakest = new ArrayList<>();
    trailing.stream()
        .filter(h -> !Double.isNaN(h.peer()))
        .sorted(worstFirst)
        .limit(3)
        .forEach(weakest::add);
    trailing.stream()
        .filter(h -> Double.isNaN(h.peer()))
        .sorted(worstFirst)
        .limit(3 - weakest.size())
        .forEach(weakest::add);
    return weakest;
  }

  private static <T> Optional<T> find(
      List<T> items, String system, java.util.function.Function<T, String> name) {
    return items.stream().filter(t -> Objects.equals(name.apply(t), system)).findFirst();
  }

  private static Optional<LatencyPoint> latency(SuiteReport report, String system, int load) {
    return report.latency().stream()
        .filter(
            p ->
                p.system().equals(system)
                    && p.offeredPerSecond() == load
                    && p.unavailable() == null
                    && p.latency().available())
        .findFirst();
  }

  private static Optional<ReplayPoint> replay(SuiteReport report, String system, long size) {
    return report.replay().stream()
        .filter(
            p ->
                p.system().equals(system)
                    && p.backgroundEvents() == size
                    && p.unavailable() == null)
        .findFirst();
  }

  /** Names of the replay methods. */
  public static final class ReplayNames {
    /** runstream's indexed replay. */
    public static final String INDEXED = "runstream indexed replay";

    /** A plain consumer scanning the partition from its start, selecting by header. */
    public static final String SCAN = "full partition scan";

    /** The same scan, decoding every record. */
    public static final String SCAN_DECODE = "full partition scan, decode all";

    /** XRANGE on the workflow's stream. */
    public static final String REDIS = "Redis XRANGE";

    private ReplayNames() {}
  }

  /** Names of the fan-out rows. */
  public static final class FanoutNames {
    /** SSE clients on one gateway. */
    public static final String GATEWAY = "gateway (SSE)";

    /** Subscribers directly on one RunstreamClient. */
    public static final String SDK = "RunstreamClient (in-process)";

    private FanoutNames() {}
  }
}
