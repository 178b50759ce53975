package dev.runstream.bench.internal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The suite's parameters: a mode's defaults, overridden by command-line options.
 *
 * @param full full mode (else short)
 * @param out the results directory
 * @param redisServer an explicit redis-server path, or {@code null}
 * @param seed the workload's seed
 * @param runs concurrent runs in the paced sections
 * @param events events per publish round
 * @param publishThreads publishing threads
 * @param publishWarmups uncounted publish rounds
 * @param publishRounds counted publish rounds
 * @param loads offered loads of the latency section, events/s
 * @param latencySeconds measured seconds per load
 * @param warmupSeconds warm-up seconds per load
 * @param redisSenders paced XADD threads of the Redis latency publisher
 * @param sizes background sizes of the replay section
 * @param replayRepeats warm replays per method and size
 * @param topologyRuns runs of the materialization backlog
 * @param topologyRate paced load during the lag measurement
 * @param topologySeconds measured seconds of the lag
 * @param subscribers fan-out subscribers
 * @param fanoutRounds fan-out delta rounds
 */
public record SuiteOptions(
    boolean full,
    Path out,
    String redisServer,
    long seed,
    int runs,
    long events,
    int publishThreads,
    int publishWarmups,
    int publishRounds,
    List<Integer> loads,
    int latencySeconds,
    int warmupSeconds,
    int redisSenders,
    long[] sizes,
    int replayRepeats,
    int topologyRuns,
    int topologyRate,
    int topologySeconds,
    int subscribers,
    int fanoutRounds) {

  /** The command line. */
  public static final String USAGE =
      "usage: BenchSuite [--mode short|full] [--out DIR] [--redis-server PATH] [--runs N]"
          + " [--events N] [--threads T] [--rounds R] [--loads L1,L2,..] [--latency-seconds S]"
          + " [--sizes N1,N2,..] [--topology-runs N] [--subscribers N] [--seed S]";

  private static final Set<String> KNOWN =
      Set.of(
          "mode",
          "out",
          "redis-server",
          "runs",
          "events",
          "threads",
          "rounds",
          "loads",
          "latency-seconds",
          "sizes",
          "topology-runs",
          "subscribers",
          "seed");

  /**
   * Parses the command line.
   *
   * @param args {@code --key value} pairs
   * @return the options
   * @throws IllegalArgumentException on an unknown option, a missing value or a bad number
   */
  public static SuiteOptions parse(String[] args) {
    Map<String, String> o = new HashMap<>();
    for (int i = 0; i < args.length; i++) {
      String key = args[i].replaceFirst("^--", "");
      if (!args[i].startsWith("--") || !KNOWN.contains(key)) {
        throw new IllegalArgumentException("unknown option " + args[i]);
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      o.put(key, args[++i]);
    }
    String mode = o.getOrDefault("mode", "short");
    if (!mode.equals("short") && !mode.equals("full")) {
      throw new IllegalArgumentException("--mode must be short or full, got " + mode);
    }
    boolean full = mode.equals("full");
    try {
      return new SuiteOptions(
          full,
          Path.of(o.getOrDefault("out", "bench/results")),
          o.get("redis-server"),
          Long.parseLong(o.getOrDefault("seed", "2024")),
          Integer.parseInt(o.getOrDefault("runs", "100")),
          Long.parseLong(o.getOrDefault("events", full ? "100000" : "40000")),
          Integer.parseInt(o.getOrDefault("threads", "4")),
          1,
          Integer.parseInt(o.getOrDefault("rounds", full ? "3" : "1")),
          ints(o.getOrDefault("loads", "1000,10000,50000")),
          Integer.parseInt(o.getOrDefault("latency-seconds", full ? "15" : "3")),
          full ? 3 : 1,
          4,
          longs(o.getOrDefault("sizes", full ? "10000,100000,1000000" : "10000,100000")),
          full ? 5 : 3,
          Integer.parseInt(o.getOrDefault("topology-runs", full ? "300" : "60")),
          full ? 2000 : 1000,
          full ? 20 : 5,
          Integer.parseInt(o.getOrDefault("subscribers", "1000")),
          full ? 20 : 5);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a number: " + e.getMessage(), e);
    }
  }

  private static List<Integer> ints(String csv) {
    List<Integer> values = new ArrayList<>();
    for (String s : csv.split(",")) {
      values.add(Integer.parseInt(s.trim()));
    }
    return List.copyOf(values);
  }

  private static long[] longs(String csv) {
    return ints(csv).stream().mapToLong(Integer::longValue).toArray();
  }
}
