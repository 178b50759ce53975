package dev.runstream.gateway.internal;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * Registers the Kafka client metrics of a changing set of clients (the SDK's consumers come and go
 * with streams) as Micrometer meters, named as Micrometer's own {@code KafkaClientMetrics} names
 * them: {@code kafka.} + the group without {@code -metrics} + {@code .} + the name, dashes as dots
 * ({@code kafka.consumer.fetch.manager.records.consumed.total}), the Kafka tags as tags. Cumulative
 * {@code -total} metrics are function counters, the others gauges; non-numeric metrics are skipped.
 *
 * <p>{@link #refresh()} (called before each scrape) adds meters for new metrics and removes those
 * of closed clients. Prometheus needs one set of tag keys per name: when a name appears with
 * several (a per-topic and a per-client variant), the variant with the most tags is kept.
 */
public final class KafkaMetricsBinder {
  private final Supplier<Map<MetricName, ? extends Metric>> source;
  private final MeterRegistry registry;
  private final Map<MetricName, Meter> meters = new HashMap<>();
  private final Map<String, Set<String>> tagKeysByName = new HashMap<>();
  private volatile Map<MetricName, ? extends Metric> current = Map.of();

  /**
   * A binder of {@code source}'s metrics into {@code registry}.
   *
   * @param source the current metrics, as {@code RunstreamClient::metrics}
   * @param registry where to register meters
   */
  public KafkaMetricsBinder(
      Supplier<Map<MetricName, ? extends Metric>> source, MeterRegistry registry) {
    this.source = source;
    this.registry = registry;
  }

  /** Brings the registered meters in line with the source's current metrics. */
  public synchronized void refresh() {
    Map<MetricName, ? extends Metric> now = source.get();
    current = now;
    for (var it = meters.entrySet().iterator(); it.hasNext(); ) {
      var entry = it.next();
      if (!now.containsKey(entry.getKey())) {
        registry.remove(entry.getValue());
        it.remove();
      }
    }
    List<Map.Entry<MetricName, ? extends Metric>> added = new ArrayList<>();
    for (var entry : now.entrySet()) {
      if (!meters.containsKey(entry.getKey())) {
        added.add(entry);
      }
    }
    // Most specific first, so a per-topic variant wins over the per-client one of the same name.
    added.sort(
        Comparator.comparingInt(
            (Map.Entry<MetricName, ? extends Metric> e) -> -e.getKey().tags().size()));
    for (var entry : added) {
      MetricName name = entry.getKey();
      if (!(value(entry.getValue()) instanceof Number)) {
        continue;
      }
      String meterName = meterName(name);
      Set<String> keys = new TreeSet<>(name.tags().keySet());
      Set<String> known = tagKeysByName.putIfAbsent(meterName, keys);
      if (known != null && !known.equals(keys)) {
        continue;
      }
      List<Tag> tags = new ArrayList<>();
      name.tags().forEach((k, v) -> tags.add(Tag.of(k, v)));
      Meter meter =
          name.name().endsWith("-total")
              ? FunctionCounter.builder(meterName, this, b -> b.read(name))
                  .tags(tags)
                  .description(name.description())
                  .register(registry)
              : Gauge.builder(meterName, this, b -> b.read(name))
                  .tags(tags)
                  .description(name.description())
                  .register(registry);
      meters.put(name, meter);
    }
  }

  /** How many Kafka metrics are registered right now. */
  public synchronized int size() {
    return meters.size();
  }

  private double read(MetricName name) {
    Metric metric = current.get(name);
    Object value = metric == null ? null : value(metric);
    return value instanceof Number n ? n.doubleValue() : Double.NaN;
  }

  private static Object value(Metric metric) {
    try {
      return metric.metricValue();
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** {@code consumer-fetch-manager-metrics}/{@code records-lag-max} → {@code kafka.consumer...}. */
  static String meterName(MetricName name) {
    String group = name.group().replace("-metrics", "");
    return ("kafka." + group + "." + name.name()).replace('-', '.');
  }
}
