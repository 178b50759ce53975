package dev.runstream.producer;

import dev.runstream.producer.internal.KafkaPriceLedger;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * The versioned price ledger: publishes, retracts and lists {@link PriceVersion}s on the compacted
 * topic {@link PublisherConfig#pricesTopic()} ({@code model-prices}), from which the topology
 * prices every {@code step_finish} at the event's time. Workers then need no prices: they publish
 * token counts only (a publisher without {@link PublisherConfig#PRICES_CONFIG}).
 *
 * <p>Each version is keyed {@code model@<effective_from epoch millis, 13 digits>} ({@link
 * PriceVersions#key}), so compaction keeps every version. Publishing a version with the same model
 * and {@code effectiveFrom} replaces it; {@link #retract} writes a tombstone. A new version affects
 * only events timestamped at or after its {@code effectiveFrom} that the topology applies after the
 * version reached it; applied events are never repriced. Use an {@code effectiveFrom} in the (near)
 * future to change a price at a known instant.
 *
 * <pre>{@code
 * try (PriceLedger ledger = PriceLedger.create(PublisherConfig.fromEnvironment())) {
 *   ledger.publish(new ModelPrice("gpt-4o", new BigDecimal("2.5"), new BigDecimal("10")),
 *       Instant.parse("2026-01-01T00:00:00Z"), "list price");
 *   ledger.versions().forEach(System.out::println);
 * }
 * }</pre>
 *
 * <p>Failures: {@link BrokerUnavailableException} when the broker or topic is not reachable within
 * {@code max.block.ms}, {@link RegistryUnavailableException} when the schema registry is down (both
 * retriable); {@link FatalPublishException} when the write is refused (for example not authorized:
 * only the administrator may write the ledger). Invalid prices are refused before anything is sent
 * with {@link IllegalArgumentException}.
 */
public interface PriceLedger extends AutoCloseable {

  /**
   * Connects to the ledger of a publisher configuration's cluster, registry and tenant.
   *
   * @param config the configuration ({@code bootstrap.servers}, {@code schema.registry.url},
   *     security, {@link PublisherConfig#PRICES_TOPIC_CONFIG})
   * @return the ledger; close it
   */
  static PriceLedger create(PublisherConfig config) {
    return new KafkaPriceLedger(config);
  }

  /**
   * The version record of a price.
   *
   * @param price the model and its prices
   * @param effectiveFrom from when it applies; between the epoch and {@link
   *     PriceVersions#MAX_EFFECTIVE_FROM}
   * @param note free text, or {@code null}
   * @return the checked version, prices at scale 6
   * @throws IllegalArgumentException if the version is invalid
   */
  static PriceVersion version(ModelPrice price, Instant effectiveFrom, String note) {
    return PriceVersions.check(
        PriceVersion.newBuilder()
            .setModel(price.model())
            .setInputPerMillion(PriceVersions.price(price.inputPerMillion()))
            .setOutputPerMillion(PriceVersions.price(price.outputPerMillion()))
            .setEffectiveFrom(effectiveFrom)
            .setNote(note)
            .build());
  }

  /**
   * Publishes a price version and waits until the broker has it.
   *
   * @param price the model and its prices
   * @param effectiveFrom from when it applies
   * @param note free text, or {@code null}
   * @return the version as published
   * @throws IllegalArgumentException if the version is invalid (nothing is sent)
   * @throws PublishException if the write fails
   */
  PriceVersion publish(ModelPrice price, Instant effectiveFrom, String note);

  /**
   * Publishes every price of a table, effective from the same instant.
   *
   * @param prices the prices
   * @param effectiveFrom from when they apply
   * @param note free text, or {@code null}
   * @return the versions as published
   */
  List<PriceVersion> publishAll(PriceTable prices, Instant effectiveFrom, String note);

  /**
   * Retracts one version: a tombstone on its key. Events applied afterwards use the next older
   * version of the model, if any.
   *
   * @param model the model
   * @param effectiveFrom the version's instant
   * @throws PublishException if the write fails
   */
  void retract(String model, Instant effectiveFrom);

  /**
   * Reads the whole ledger from its start to its current end.
   *
   * @return every live version (retracted and unreadable records left out), by model, then {@code
   *     effective_from}
   * @throws PublishException if the ledger cannot be read
   */
  List<PriceVersion> versions();

  /**
   * The version in force for a model at an instant, the way the topology looks it up.
   *
   * @param model the model
   * @param at the instant
   * @return the latest version with {@code effective_from <= at}
   */
  default Optional<PriceVersion> inForce(String model, Instant at) {
    PriceVersion found = null;
    for (PriceVersion v : versions()) {
      if (v.getModel().equals(model) && !v.getEffectiveFrom().isAfter(at)) {
        found = v;
      }
    }
    return Optional.ofNullable(found);
  }

  /** Flushes and closes the clients. */
  @Override
  void close();
}
