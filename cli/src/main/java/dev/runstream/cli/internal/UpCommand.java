package dev.runstream.cli.internal;

import dev.runstream.cluster.LocalCluster;
import dev.runstream.cluster.LocalClusterConfig;
import dev.runstream.cluster.TopicSpec;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code runstream up}: the local cluster only — a KRaft broker and a schema registry as child
 * JVMs, with the runstream topics — until Ctrl-C.
 */
@Command(
    name = "up",
    description = {
      "Start the local cluster only (Kafka broker and schema registry) until Ctrl-C.",
      "Ports come from RUNSTREAM_CLUSTER_BROKER_PORT (9092) and RUNSTREAM_CLUSTER_REGISTRY_PORT"
          + " (8081)."
    },
    mixinStandardHelpOptions = true)
final class UpCommand implements Callable<Integer> {
  @ParentCommand RootCommand root;

  @Option(names = "--free-ports", description = "Pick free ports instead of 9092 and 8081.")
  boolean freePorts;

  @Override
  public Integer call() throws InterruptedException {
    StopSignal stop = new StopSignal().install();
    try {
      root.err.println("Starting the local cluster (Kafka broker + schema registry)…");
      try (LocalCluster cluster = LocalCluster.start(clusterConfig(freePorts))) {
        root.out.println("bootstrap.servers=" + cluster.bootstrapServers());
        root.out.println("schema.registry.url=" + cluster.schemaRegistryUrl());
        for (TopicSpec topic : cluster.topics()) {
          root.out.println("topic=" + topic.name() + " partitions=" + topic.partitions());
        }
        root.out.println(
            "runstream local cluster is ready in "
                + cluster.startupDuration().toMillis()
                + " ms; Ctrl-C stops it");
        root.out.flush();
        stop.await();
        root.err.println("Stopping the local cluster…");
      }
      root.err.println("Stopped.");
      return ExitCodes.OK;
    } finally {
      stop.stopped();
    }
  }

  /** The cluster configuration of the environment, with free ports if asked. */
  static LocalClusterConfig clusterConfig(boolean freePorts) {
    return clusterConfig(freePorts, Map.of());
  }

  static LocalClusterConfig clusterConfig(boolean freePorts, Map<String, Object> more) {
    Map<String, Object> overrides = new TreeMap<>(more);
    if (freePorts) {
      overrides.put(LocalClusterConfig.BROKER_PORT_CONFIG, 0);
      overrides.put(LocalClusterConfig.CONTROLLER_PORT_CONFIG, 0);
      overrides.put(LocalClusterConfig.REGISTRY_PORT_CONFIG, 0);
      overrides.put(LocalClusterConfig.MTLS_PORT_CONFIG, 0);
    }
    return LocalClusterConfig.fromEnvironment(overrides);
  }
}
