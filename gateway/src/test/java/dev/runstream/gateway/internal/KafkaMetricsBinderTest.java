package dev.runstream.gateway.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class KafkaMetricsBinderTest {
  private static Metric metric(MetricName name, Object value) {
    return new Metric() {
      @Override
      public MetricName metricName() {
        return name;
      }

      @Override
      public Object metricValue() {
        return value;
      }
    };
  }

  @Test
  void shouldNameMetersLikeMicrometersKafkaBinderWhenRegistering() {
    MetricName lag =
        new MetricName(
            "records-lag-max", "consumer-fetch-manager-metrics", "", Map.of("client-id", "c1"));
    assertThat(KafkaMetricsBinder.meterName(lag))
        .isEqualTo("kafka.consumer.fetch.manager.records.lag.max");
  }

  @Test
  void shouldAddAndRemoveMetersWhenClientsComeAndGo() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    Map<MetricName, Metric> current = new HashMap<>();
    KafkaMetricsBinder binder = new KafkaMetricsBinder(() -> Map.copyOf(current), registry);
    MetricName total =
        new MetricName(
            "records-consumed-total",
            "consumer-fetch-manager-metrics",
            "",
            Map.of("client-id", "c1", "topic", "agent-events"));
    MetricName perClient =
        new MetricName(
            "records-consumed-total",
            "consumer-fetch-manager-metrics",
            "",
            Map.of("client-id", "c1"));
    MetricName version = new MetricName("version", "app-info", "", Map.of("client-id", "c1"));
    current.put(total, metric(total, 42.0));
    current.put(perClient, metric(perClient, 42.0));
    current.put(version, metric(version, "4.2.2"));

    binder.refresh();
    assertThat(binder.size()).isEqualTo(1); // one tag set per name; strings skipped
    assertThat(
            registry
                .get("kafka.consumer.fetch.manager.records.consumed.total")
                .tag("topic", "agent-events")
                .functionCounter()
                .count())
        .isEqualTo(42.0);

    current.clear();
    binder.refresh();
    assertThat(binder.size()).isZero();
    assertThat(registry.find("kafka.consumer.fetch.manager.records.consumed.total").meters())
        .isEmpty();
  }
}
