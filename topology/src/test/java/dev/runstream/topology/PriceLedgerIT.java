package dev.runstream.topology;

import static dev.runstream.topology.ItSupport.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import dev.runstream.cluster.LocalClusterExtension;
import dev.runstream.cluster.TopicSpec;
import dev.runstream.producer.AgentEventPublisher;
import dev.runstream.producer.AgentRun;
import dev.runstream.producer.ModelPrice;
import dev.runstream.producer.PriceLedger;
import dev.runstream.producer.PublisherConfig;
import dev.runstream.producer.RunOptions;
import dev.runstream.producer.TokenUsage;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import dev.runstream.schemas.StepType;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The versioned price ledger on the real broker and registry: prices published with {@link
 * PriceLedger}, runs from a publisher that knows no prices, costs computed by the topology.
 */
class PriceLedgerIT {
  @RegisterExtension static final LocalClusterExtension CLUSTER = LocalClusterExtension.perClass();

  /** A model name no other test uses. */
  static final String MODEL = "it-model-" + System.nanoTime();

  @TempDir static Path stateDir;
  static TopologyApp app;
  static AgentEventPublisher publisher;
  static PublisherConfig config;

  @BeforeAll
  static void start() throws Exception {
    config = ItSupport.publisherConfig(CLUSTER.cluster()).build();
    assertThat(config.prices().prices()).as("the worker knows no prices").isEmpty();
    Instant now = Instant.now();
    try (PriceLedger ledger = PriceLedger.create(config)) {
      ledger.publish(
          new ModelPrice(MODEL, new BigDecimal("1"), new BigDecimal("2")),
          now.minus(Duration.ofDays(1)),
          "old list price");
    }
    // A record the topology must reject without stopping: not Avro, under a key of the model.
    Map<String, Object> props = new HashMap<>();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.cluster().bootstrapServers());
    try (KafkaProducer<String, byte[]> raw =
        new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      raw.send(
              new ProducerRecord<>(
                  TopicSpec.MODEL_PRICES,
                  PriceVersions.key(MODEL, now.minus(Duration.ofHours(1))),
                  "garbage".getBytes(StandardCharsets.UTF_8)))
          .get();
    }
    // The global table is read to its end before processing starts: both versions are in force.
    app =
        TopologyApp.start(
            ItSupport.topologyConfig(CLUSTER.cluster(), stateDir, "price-ledger-it").build());
    assertThat(app.awaitRunning(Duration.ofSeconds(90))).isTrue();
    publisher = AgentEventPublisher.create(config);
  }

  @AfterAll
  static void stop() {
    if (publisher != null) {
      publisher.close();
    }
    if (app != null) {
      app.close();
    }
  }

  static String run(String model, long in, long out) throws Exception {
    AgentRun run =
        publisher.startRun(
            RunOptions.newBuilder().agentId("priced").input("x").tenantId("acme").build());
    run.startStep("llm", StepType.LLM).finish("ok", model, TokenUsage.of(in, out));
    run.finish("done").get();
    return run.workflowId();
  }

  static JsonNode finished(URI base, String id) {
    await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> TopologyIT.status(get(base, "workflows/" + id)).equals("FINISHED"));
    return get(base, "workflows/" + id).body();
  }

  @Test
  void shouldPriceRunsWithThePriceInForceAtTheirTimeWhenThePriceChanges() throws Exception {
    URI base = app.httpAddress();
    // A scheduled price change: in the ledger before the test's runs, effective in a few seconds
    // from now (not from the class's start-up, whose time a busy machine may use up).
    Instant change = Instant.now().plusSeconds(15);
    try (PriceLedger ledger = PriceLedger.create(config)) {
      ledger.publish(
          new ModelPrice(MODEL, new BigDecimal("3"), new BigDecimal("6")), change, "new price");
    }
    String before = run(MODEL, 1_000_000, 1_000_000);
    JsonNode beforeRun = finished(base, before);
    assertThat(Instant.now()).as("the run before the change finished before it").isBefore(change);
    await().atMost(Duration.ofSeconds(30)).until(() -> Instant.now().isAfter(change));
    String after = run(MODEL, 1_000_000, 1_000_000);
    String unknown = run("it-unknown-" + System.nanoTime(), 1_000, 1_000);
    JsonNode afterRun = finished(base, after);
    JsonNode unknownRun = finished(base, unknown);

    JsonNode step = beforeRun.path("steps").get(0);
    assertThat(step.path("priced_by").asText()).isEqualTo("LEDGER");
    assertThat(new BigDecimal(step.path("usage").path("cost_usd").asText()))
        .isEqualByComparingTo("3");
    assertThat(beforeRun.path("cost_source").asText()).isEqualTo("LEDGER");
    assertThat(new BigDecimal(beforeRun.path("usage").path("cost_usd").asText()))
        .isEqualByComparingTo("3");
    assertThat(new BigDecimal(beforeRun.path("reported_usage").path("cost_usd").asText()))
        .as("the worker sent token counts only")
        .isZero();
    assertThat(new BigDecimal(afterRun.path("usage").path("cost_usd").asText()))
        .isEqualByComparingTo("9");
    assertThat(Instant.parse(afterRun.path("steps").get(0).path("price_effective_from").asText()))
        .isEqualTo(change.truncatedTo(java.time.temporal.ChronoUnit.MILLIS));
    assertThat(unknownRun.path("steps").get(0).path("priced_by").asText()).isEqualTo("UNPRICED");
    assertThat(new BigDecimal(unknownRun.path("usage").path("cost_usd").asText())).isZero();

    // The hourly aggregates sum the same per-step costs as the runs, across the change.
    await()
        .atMost(Duration.ofSeconds(30))
        .untilAsserted(
            () -> {
              JsonNode usage = get(base, "usage?dimension=MODEL&key=" + MODEL).body();
              BigDecimal sum = BigDecimal.ZERO;
              long steps = 0;
              for (JsonNode a : usage.path("aggregates")) {
                sum = sum.add(new BigDecimal(a.path("usage").path("cost_usd").asText()));
                steps += a.path("steps").asLong();
              }
              assertThat(steps).isEqualTo(2);
              assertThat(sum).isEqualByComparingTo("12");
            });
    assertThat(app.metricTotal("invalid-prices-total")).isEqualTo(1.0);
    assertThat(app.metricTotal("steps-priced-by-ledger-total")).isEqualTo(2.0);
  }

  @Test
  void shouldRefuseToStartNamingThePricesTopicWhenItDoesNotExist() {
    TopologyConfig missing =
        ItSupport.topologyConfig(CLUSTER.cluster(), stateDir.resolve("missing"), "missing-it")
            .pricesTopic("no-such-prices")
            .build();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> TopologyApp.start(missing).close())
        .isInstanceOf(RunstreamTopologyException.class)
        .hasMessageContaining("[no-such-prices] do not exist");
  }

  @Test
  void shouldListAndRetractVersionsWhenManagedThroughTheLedger() {
    String model = "it-listed-" + System.nanoTime();
    Instant t1 = Instant.parse("2026-01-01T00:00:00Z");
    Instant t2 = Instant.parse("2026-02-01T00:00:00Z");
    try (PriceLedger ledger = PriceLedger.create(config)) {
      ledger.publish(
          new ModelPrice(model, new BigDecimal("0.15"), new BigDecimal("0.6")), t1, null);
      ledger.publish(new ModelPrice(model, new BigDecimal("0.2"), new BigDecimal("0.8")), t2, "up");
      List<PriceVersion> versions =
          ledger.versions().stream().filter(v -> v.getModel().equals(model)).toList();
      assertThat(versions).extracting(PriceVersion::getEffectiveFrom).containsExactly(t1, t2);
      assertThat(versions.get(0).getInputPerMillion()).isEqualByComparingTo("0.15");
      assertThat(ledger.inForce(model, t2.minusMillis(1)).orElseThrow().getEffectiveFrom())
          .isEqualTo(t1);

      ledger.retract(model, t2);

      assertThat(ledger.inForce(model, t2.plusSeconds(1)).orElseThrow().getEffectiveFrom())
          .isEqualTo(t1);
      assertThat(ledger.versions())
          .extracting(PriceVersion::getModel)
          .doesNotContain("")
          .filteredOn(m -> m.equals(model))
          .hasSize(1);
    }
  }
}
