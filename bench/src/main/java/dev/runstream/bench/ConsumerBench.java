package dev.runstream.bench;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The consumer SDK's figures, on one local cluster started for the run:
 *
 * <ol>
 *   <li>{@link ReplayBench}: indexed replay of one workflow behind a million other events on its
 *       partition, against a full scan of the partition;
 *   <li>{@link LatencyBench}: publish-to-subscriber latency at a steady event rate;
 *   <li>{@link SubscriberHeapBench}: heap per live subscriber with many subscribers.
 * </ol>
 *
 * <p>Options: {@code --only replay|latency|heap|gateway}; {@code --filler N} (1000000), {@code
 * --workflow-events N} (1000), {@code --view topology|stub} (where the replay index comes from) for
 * the replay; {@code --rate R} (10000 events/s), {@code --seconds S} (30), {@code --workflows W}
 * (100), {@code --subscribers-per-workflow K} (1) for the latency; {@code --subscribers N} (1000)
 * for the heap.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:java -Dexec.mainClass=dev.runstream.bench.ConsumerBench
 * </pre>
 */
public final class ConsumerBench {
  private ConsumerBench() {}

  /**
   * Runs the benches and prints their figures.
   *
   * @param args the options
   * @throws Exception on failure
   */
  public static void main(String[] args) throws Exception {
    Map<String, String> options = options(args);
    String only = options.getOrDefault("only", "all").toLowerCase(Locale.ROOT);
    System.out.println("Starting a local cluster (KRaft broker + Apicurio registry)...");
    try (LocalCluster cluster =
        LocalCluster.start(LocalClusterConfig.newBuilder().freePorts().build())) {
      if (only.equals("all") || only.equals("replay")) {
        ReplayBench.run(cluster, options);
      }
      if (only.equals("all") || only.equals("latency")) {
        LatencyBench.run(cluster, options);
      }
      if (only.equals("all") || only.equals("heap")) {
        SubscriberHeapBench.run(cluster, options);
      }
      if (only.equals("all") || only.equals("gateway")) {
        GatewayFanoutBench.run(cluster, intOption(options, "subscribers", 1_000), 10);
      }
    }
  }

  static Map<String, String> options(String[] args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      options.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return options;
  }

  static int intOption(Map<String, String> options, String key, int defaultValue) {
    return Integer.parseInt(options.getOrDefault(key, Integer.toString(defaultValue)));
  }
}
