package dev.runstream.cluster.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import kafka.tools.StorageTool;

/**
 * Main class of the broker child JVM: {@code BrokerMain <server.properties> <log dir> <cluster
 * id>}. Formats the storage unless an earlier run did, then runs {@code kafka.Kafka}. Formatting in
 * the broker's own JVM saves a JVM start and lets both steps share loaded classes.
 */
public final class BrokerMain {

  private BrokerMain() {}

  /**
   * Formats if needed, then runs the broker until it is stopped.
   *
   * @param args the properties file, the log directory and the cluster id to format with
   */
  public static void main(String[] args) {
    if (args.length != 3) {
      System.err.println("usage: BrokerMain <server.properties> <log dir> <cluster id>");
      System.exit(2);
    }
    String properties = args[0];
    if (!Files.exists(Path.of(args[1], "meta.properties"))) {
      int status =
          StorageTool.execute(
              new String[] {"format", "-t", args[2], "-c", properties, "--ignore-formatted"},
              System.out);
      if (status != 0) {
        System.err.println("runstream: formatting the broker storage failed with status " + status);
        System.exit(status);
      }
    }
    kafka.Kafka.main(new String[] {properties});
  }
}
