package dev.runstream.bench.internal;

import java.util.List;

/**
 * Every figure of one suite run, as written to {@code latest.json} and rendered to Markdown. A
 * figure that could not be measured carries the reason in its {@code unavailable} field and NaN
 * values (JSON {@code null}), never zero.
 *
 * @param date the run's date, {@code yyyy-MM-dd}
 * @param startedAt when it started, ISO-8601
 * @param mode {@code short} or {@code full}
 * @param durationSeconds how long the whole suite took
 * @param machine where it ran
 * @param workload the workload every section uses
 * @param publish section 1: publish throughput
 * @param latency section 2: end-to-end delta latency
 * @param replay section 3: replay of one workflow among many
 * @param materialization section 4: the topology
 * @param fanout section 5: many live subscribers
 * @param notes remarks made during the run (unreached loads, skipped parts)
 */
public record SuiteReport(
    String date,
    String startedAt,
    String mode,
    double durationSeconds,
    Machine machine,
    Workload workload,
    List<Throughput> publish,
    List<LatencyPoint> latency,
    List<ReplayPoint> replay,
    Materialization materialization,
    Fanout fanout,
    List<String> notes) {

  /** The system names used in every section. */
  public static final String RUNSTREAM = "runstream";

  /** The raw Kafka baseline. */
  public static final String RAW_KAFKA = "raw Kafka";

  /** Redis Streams, one command per round trip. */
  public static final String REDIS = "Redis Streams";

  /** Redis Streams, pipelined. */
  public static final String REDIS_PIPELINED = "Redis Streams (pipelined)";

  public SuiteReport {
    publish = List.copyOf(publish);
    latency = List.copyOf(latency);
    replay = List.copyOf(replay);
    notes = List.copyOf(notes);
  }

  /**
   * The machine.
   *
   * @param cores available processors
   * @param cpuModel the CPU model name, or "unknown"
   * @param loadAverageStart {@code /proc/loadavg} when the suite started
   * @param loadAverageEnd {@code /proc/loadavg} when it ended
   * @param jvm the JVM's vendor, name and version
   * @param os the operating system
   * @param kafkaVersion the Kafka clients and broker version
   * @param redisVersion the redis-server version, or why Redis is unavailable
   */
  public record Machine(
      int cores,
      String cpuModel,
      String loadAverageStart,
      String loadAverageEnd,
      String jvm,
      String os,
      String kafkaVersion,
      String redisVersion) {}

  /**
   * The simulated agent runs every section publishes.
   *
   * @param concurrentRuns runs in flight at once
   * @param tokenRate text deltas per second per run in the paced sections (latency, fan-out)
   * @param totalEvents events per publish round
   * @param description the shape of a run
   * @param averageEventsPerRun measured from the planned runs
   * @param averageDeltasPerRun measured from the planned runs
   */
  public record Workload(
      int concurrentRuns,
      double tokenRate,
      long totalEvents,
      String description,
      double averageEventsPerRun,
      double averageDeltasPerRun) {}

  /**
   * Publish throughput of one system.
   *
   * @param system who published
   * @param events events acknowledged (durable by the system's rules)
   * @param seconds wall time until the last acknowledgement
   * @param cpuSeconds CPU time of the bench JVM and its server child processes meanwhile
   * @param eventsPerSecond events / seconds
   * @param eventsPerCpuSecond events / CPU seconds: throughput per core
   * @param unavailable why it was not measured, or {@code null}
   */
  public record Throughput(
      String system,
      long events,
      double seconds,
      double cpuSeconds,
      double eventsPerSecond,
      double eventsPerCpuSecond,
      String unavailable) {

    /**
     * A measured throughput.
     *
     * @param system who published
     * @param events how many
     * @param seconds wall time
     * @param cpuSeconds CPU time
     * @return the figure
     */
    public static Throughput of(String system, long events, double seconds, double cpuSeconds) {
      return new Throughput(
          system,
          events,
          seconds,
          cpuSeconds,
          events / seconds,
          cpuSeconds > 0 ? events / cpuSeconds : Double.NaN,
          null);
    }

    /**
     * A throughput that could not be measured.
     *
     * @param system who
     * @param reason why not
     * @return the figure
     */
    public static Throughput unavailable(String system, String reason) {
      return new Throughput(system, 0, Double.NaN, Double.NaN, Double.NaN, Double.NaN, reason);
    }
  }

  /**
   * Publish-to-subscriber latency of one system at one offered load.
   *
   * @param system who
   * @param offeredPerSecond the paced load asked for
   * @param achievedPerSecond the load the publisher reached
   * @param latency the percentiles
   * @param unavailable why it was not measured, or {@code null}
   */
  public record LatencyPoint(
      String system,
      int offeredPerSecond,
      double achievedPerSecond,
      Percentiles latency,
      String unavailable) {

    /**
     * A point that could not be measured.
     *
     * @param system who
     * @param offered the load
     * @param reason why not
     * @return the point
     */
    public static LatencyPoint unavailable(String system, int offered, String reason) {
      return new LatencyPoint(system, offered, Double.NaN, Percentiles.NONE, reason);
    }
  }

  /**
   * Replay of one workflow behind background events.
   *
   * @param system how it was read
   * @param backgroundEvents events of other workflows before it
   * @param workflowEvents events of the workflow
   * @param coldMs the first replay
   * @param medianMs the median of the warm replays
   * @param recordsRead records the reader fetched to find the workflow
   * @param unavailable why it was not measured, or {@code null}
   */
  public record ReplayPoint(
      String system,
      long backgroundEvents,
      int workflowEvents,
      double coldMs,
      double medianMs,
      long recordsRead,
      String unavailable) {

    /**
     * A point that could not be measured.
     *
     * @param system who
     * @param background the background size
     * @param workflowEvents the workflow's events
     * @param reason why not
     * @return the point
     */
    public static ReplayPoint unavailable(
        String system, long background, int workflowEvents, String reason) {
      return new ReplayPoint(system, background, workflowEvents, Double.NaN, Double.NaN, 0, reason);
    }
  }

  /**
   * The topology's figures.
   *
   * @param events events of the backlog it materialized
   * @param eventsPerSecond materialization throughput
   * @param baselineEventsPerSecond a plain consumer reading and decoding the same backlog
   * @param offeredLoad paced load during the lag measurement, events/s
   * @param achievedLoad load reached
   * @param lag publish to visible in the store (interactive query)
   * @param ack publish to broker acknowledgement, the floor of the lag
   * @param unavailable why it was not measured, or {@code null}
   */
  public record Materialization(
      long events,
      double eventsPerSecond,
      double baselineEventsPerSecond,
      int offeredLoad,
      double achievedLoad,
      Percentiles lag,
      Percentiles ack,
      String unavailable) {

    /**
     * Figures that could not be measured.
     *
     * @param reason why not
     * @return the figures
     */
    public static Materialization unavailable(String reason) {
      return new Materialization(
          0, Double.NaN, Double.NaN, 0, Double.NaN, Percentiles.NONE, Percentiles.NONE, reason);
    }
  }

  /**
   * Fan-out to many live subscribers.
   *
   * @param subscribers live subscribers, one per running workflow
   * @param rows one per way of subscribing
   * @param gatewayStatus whether the gateway was measured, or why not
   */
  public record Fanout(int subscribers, List<FanoutRow> rows, String gatewayStatus) {
    public Fanout {
      rows = List.copyOf(rows);
    }
  }

  /**
   * One way of serving the subscribers.
   *
   * @param system who served them
   * @param heapBytesPerSubscriber heap after a full collection, per open subscriber, after traffic
   * @param deliveries events delivered while measuring
   * @param latency publish to delivery
   * @param unavailable why it was not measured, or {@code null}
   */
  public record FanoutRow(
      String system,
      double heapBytesPerSubscriber,
      long deliveries,
      Percentiles latency,
      String unavailable) {

    /**
     * A row that could not be measured.
     *
     * @param system who
     * @param reason why not
     * @return the row
     */
    public static FanoutRow unavailable(String system, String reason) {
      return new FanoutRow(system, Double.NaN, 0, Percentiles.NONE, reason);
    }
  }
}
