package dev.runstream.gateway.internal;

import dev.runstream.client.ClientStats;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;

/**
 * The gateway's Micrometer registry, scraped as Prometheus text at {@code /metrics}: HTTP requests
 * ({@code http.server.requests}, by method, route template and status), SSE connections ({@code
 * runstream.gateway.sse.connections} open now, {@code runstream.gateway.sse.events} sent by type,
 * {@code runstream.gateway.sse.closed} by reason), the SDK client's Kafka consumer metrics ({@code
 * kafka.consumer.*}, see {@link KafkaMetricsBinder}) and JVM basics.
 */
public final class GatewayMetrics implements AutoCloseable {
  private final PrometheusMeterRegistry registry =
      new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final AtomicInteger openStreams = new AtomicInteger();
  private final Map<String, Counter> eventCounters = new ConcurrentHashMap<>();
  private final Map<String, Counter> closeCounters = new ConcurrentHashMap<>();
  private final KafkaMetricsBinder kafka;

  /**
   * The registry, with the Kafka metrics of {@code kafkaMetrics}.
   *
   * @param kafkaMetrics the SDK client's current Kafka metrics
   */
  public GatewayMetrics(Supplier<Map<MetricName, ? extends Metric>> kafkaMetrics) {
    registry.config().commonTags("application", "runstream-gateway");
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    Gauge.builder("runstream.gateway.sse.connections", openStreams, AtomicInteger::get)
        .description("Open SSE connections, each a subscriber of the shared SDK reader")
        .register(registry);
    kafka = new KafkaMetricsBinder(kafkaMetrics, registry);
  }

  /**
   * Gauges of the SDK client's activity: open streams ({@code runstream.client.streams.open}),
   * shared live readers and catch-up readers.
   *
   * @param stats the client's current stats
   */
  public void bindClientStats(Supplier<ClientStats> stats) {
    Gauge.builder("runstream.client.streams.open", stats, s -> s.get().openStreams())
        .strongReference(true)
        .description("Streams of the shared SDK client that have not ended")
        .register(registry);
    Gauge.builder("runstream.client.readers.live", stats, s -> s.get().liveReaders())
        .strongReference(true)
        .description("Shared live readers (Kafka consumers, at most one per partition)")
        .register(registry);
    Gauge.builder("runstream.client.readers.catchup", stats, s -> s.get().catchUpReaders())
        .strongReference(true)
        .description("Catch-up readers reading right now (replays, resumes)")
        .register(registry);
  }

  /** The registry, to bind more meters. */
  public PrometheusMeterRegistry registry() {
    return registry;
  }

  /** Records one HTTP request. */
  public void request(String method, String route, int status, Duration duration) {
    Timer.builder("http.server.requests")
        .description("HTTP requests, SSE responses included (their whole duration)")
        .tag("method", method)
        .tag("uri", route)
        .tag("status", Integer.toString(status))
        .register(registry)
        .record(duration);
  }

  /** An SSE connection opened. */
  public void streamOpened() {
    openStreams.incrementAndGet();
  }

  /** An SSE connection closed, for {@code reason} (completed, client_gone, failed, shutdown). */
  public void streamClosed(String reason) {
    openStreams.decrementAndGet();
    closeCounters
        .computeIfAbsent(
            reason,
            r ->
                Counter.builder("runstream.gateway.sse.closed")
                    .description("SSE connections closed, by reason")
                    .tag("reason", r)
                    .register(registry))
        .increment();
  }

  /** An SSE event of {@code type} was sent. */
  public void eventSent(String type) {
    eventCounters
        .computeIfAbsent(
            type,
            t ->
                Counter.builder("runstream.gateway.sse.events")
                    .description("Agent events sent over SSE, by event type")
                    .tag("type", t)
                    .register(registry))
        .increment();
  }

  /** Open SSE connections now. */
  public int openStreams() {
    return openStreams.get();
  }

  /** The Prometheus text exposition, Kafka meters refreshed first. */
  public String scrape() {
    kafka.refresh();
    return registry.scrape();
  }

  @Override
  public void close() {
    registry.close();
  }
}
