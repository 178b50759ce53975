package dev.runstream.client.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class PartitioningTest {
  @Test
  void shouldMatchTheProducersDefaultPartitionerWhenGivenAnyKey() {
    for (int i = 0; i < 1_000; i++) {
      String key = i % 2 == 0 ? UUID.randomUUID().toString() : "wf-ü-" + i;
      for (int partitions : new int[] {1, 3, 6, 64}) {
        assertThat(Partitioning.partitionFor(key, partitions))
            .isEqualTo(
                BuiltInPartitioner.partitionForKey(
                    key.getBytes(StandardCharsets.UTF_8), partitions));
      }
    }
  }

  @Test
  void shouldRefuseANonPositivePartitionCountWhenAsked() {
    assertThatThrownBy(() -> Partitioning.partitionFor("k", 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
