package dev.runstream.topology.internal;

import dev.runstream.schemas.PriceSource;
import dev.runstream.topology.DeadLetterReason;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.JmxReporter;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.KafkaMetricsContext;
import org.apache.kafka.common.metrics.MetricConfig;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.metrics.Sensor;
import org.apache.kafka.common.metrics.stats.CumulativeSum;
import org.apache.kafka.common.utils.Time;

/**
 * The topology's own counters, in a Kafka {@link Metrics} registry (reported over JMX under the
 * {@value #JMX_PREFIX} domain, group {@value #GROUP}, tagged with the instance). Thread-safe.
 *
 * <p>The exception handlers, which Kafka Streams instantiates by class name, find their instance
 * under {@link #CONFIG_KEY} in the Streams configuration.
 */
public final class TopologyMetrics implements AutoCloseable {
  /** Streams configuration key whose value is the {@code TopologyMetrics} instance. */
  public static final String CONFIG_KEY = "runstream.topology.metrics";

  public static final String JMX_PREFIX = "runstream.topology";
  public static final String GROUP = "runstream-topology-metrics";

  private final Metrics metrics;
  private final Map<String, String> tags;
  private final Map<DeadLetterReason, Sensor> deadLetters = new EnumMap<>(DeadLetterReason.class);
  private final Sensor applied;
  private final Sensor duplicates;
  private final Sensor gaps;
  private final Sensor missing;
  private final Sensor snapshots;
  private final Sensor finals;
  private final Sensor usageMismatches;
  private final Sensor placeholders;
  private final Sensor dropped;
  private final Sensor retries;
  private final Sensor pricedByLedger;
  private final Sensor pricedByWorker;
  private final Sensor unpriced;
  private final Sensor invalidPrices;
  private final Sensor budgetsExceeded;
  private final Sensor invalidBudgets;

  public TopologyMetrics(String instance) {
    this.metrics =
        new Metrics(
            new MetricConfig(),
            List.of(new JmxReporter()),
            Time.SYSTEM,
            new KafkaMetricsContext(JMX_PREFIX));
    this.tags = Map.of("instance", instance);
    for (DeadLetterReason reason : DeadLetterReason.values()) {
      Sensor sensor = metrics.sensor("dead-letter-" + reason.name());
      sensor.add(
          metrics.metricName(
              "dead-letter-records-total",
              GROUP,
              "Records sent to the dead-letter topic, by reason.",
              Map.of("instance", instance, "reason", reason.name())),
          new CumulativeSum());
      deadLetters.put(reason, sensor);
    }
    applied = counter("events-applied-total", "Events applied to workflow state.");
    duplicates =
        counter(
            "duplicate-events-total",
            "Events ignored because their sequence was at or below the last applied one.");
    gaps = counter("sequence-gaps-total", "Sequence gaps detected (each recorded on its run).");
    missing = counter("missing-events-total", "Sequences never applied, summed over all gaps.");
    snapshots = counter("snapshots-published-total", "Progress snapshots published.");
    finals = counter("final-records-published-total", "Final run records published.");
    usageMismatches =
        counter(
            "usage-mismatches-total",
            "Runs whose agent_finish usage differs from the sum of their step usage.");
    placeholders =
        counter(
            "placeholder-parents-total",
            "Parent records created because a child appeared before any event of its parent.");
    dropped =
        counter(
            "output-records-dropped-total",
            "Run records not published because they exceed the largest record the runs topic"
                + " accepts; the store keeps them.");
    retries =
        counter(
            "step-retries-total",
            "Step attempts after the first (a step_start with attempt N+1): the text of the"
                + " earlier attempts was dropped.");
    pricedByLedger =
        counter(
            "steps-priced-by-ledger-total",
            "Step usages priced from the price ledger version in force at the event's time.");
    pricedByWorker =
        counter(
            "steps-priced-by-worker-total",
            "Step usages whose worker-sent cost was kept because no ledger price was in force.");
    unpriced =
        counter(
            "steps-unpriced-total",
            "Step usages with neither a ledger price nor a worker cost: counted at cost zero.");
    invalidPrices =
        counter(
            "invalid-prices-total",
            "Price ledger records ignored: undecodable, invalid, or keyed unlike their value.");
    budgetsExceeded =
        counter(
            "budgets-exceeded-total",
            "Runs that crossed a budget (each got a BudgetExceeded record and a cancel request).");
    invalidBudgets =
        counter(
            "invalid-budgets-total",
            "Budget records refused: not decodable or not a valid budget.");
  }

  private Sensor counter(String name, String description) {
    Sensor sensor = metrics.sensor(name);
    sensor.add(metrics.metricName(name, GROUP, description, tags), new CumulativeSum());
    return sensor;
  }

  public void deadLetter(DeadLetterReason reason) {
    deadLetters.get(reason).record(1);
  }

  public void applied() {
    applied.record(1);
  }

  public void duplicate() {
    duplicates.record(1);
  }

  public void gap(long missingEvents) {
    gaps.record(1);
    missing.record(missingEvents);
  }

  public void snapshot() {
    snapshots.record(1);
  }

  public void finalRecord() {
    finals.record(1);
  }

  public void usageMismatch() {
    usageMismatches.record(1);
  }

  public void placeholder() {
    placeholders.record(1);
  }

  public void dropped() {
    dropped.record(1);
  }

  public void retry() {
    retries.record(1);
  }

  public void priced(PriceSource source) {
    switch (source) {
      case LEDGER -> pricedByLedger.record(1);
      case WORKER -> pricedByWorker.record(1);
      case UNPRICED -> unpriced.record(1);
    }
  }

  public void invalidPrice() {
    invalidPrices.record(1);
  }

  public void budgetExceeded() {
    budgetsExceeded.record(1);
  }

  public void invalidBudget() {
    invalidBudgets.record(1);
  }

  /** Every metric of this registry. */
  public Map<MetricName, KafkaMetric> all() {
    return metrics.metrics();
  }

  /** The current value of every counter, keyed by name plus a {@code {reason=...}} tag. */
  public Map<String, Double> values() {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.metrics().values().stream()
        .filter(m -> m.metricName().group().equals(GROUP))
        .sorted((a, b) -> a.metricName().toString().compareTo(b.metricName().toString()))
        .forEach(
            m -> {
              String reason = m.metricName().tags().get("reason");
              String key =
                  m.metricName().name() + (reason == null ? "" : "{reason=" + reason + "}");
              out.put(key, ((Number) m.metricValue()).doubleValue());
            });
    return out;
  }

  /** The total of a counter, over all its tags. */
  public double total(String name) {
    return metrics.metrics().values().stream()
        .filter(m -> m.metricName().name().equals(name))
        .mapToDouble(m -> ((Number) m.metricValue()).doubleValue())
        .sum();
  }

  @Override
  public void close() {
    metrics.close();
  }
}
