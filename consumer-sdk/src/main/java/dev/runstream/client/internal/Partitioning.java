package dev.runstream.client.internal;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a record key as Kafka's default producer partitioner computes it for keyed
 * records ({@code BuiltInPartitioner.partitionForKey}): murmur2 of the serialized key, made
 * positive, modulo the partition count. Keys are root workflow ids serialized as UTF-8 by {@code
 * StringSerializer}.
 */
public final class Partitioning {
  private Partitioning() {}

  /**
   * The partition of {@code key}.
   *
   * @param key the record key (a root workflow id)
   * @param partitions the topic's partition count, at least 1
   * @return 0 to {@code partitions - 1}
   */
  public static int partitionFor(String key, int partitions) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    return Utils.toPositive(Utils.murmur2(bytes)) % partitions;
  }
}
