package dev.runstream.topology.internal;

import dev.runstream.schemas.PriceSource;
import dev.runstream.schemas.PriceVersion;
import dev.runstream.schemas.PriceVersions;
import dev.runstream.schemas.StepRecord;
import dev.runstream.schemas.Usage;
import dev.runstream.topology.WorkflowTopology;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.apache.kafka.streams.state.ValueAndTimestamp;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prices step usage from the versioned price ledger, the global store {@value
 * WorkflowTopology#PRICES_STORE} over the prices topic (see {@link PriceVersions} for the keys).
 *
 * <p>Lookup: the version in force for {@code model} at {@code t} is the first valid entry of the
 * reverse range scan {@code [model@0000000000000, model@t]}, that is, the latest version whose
 * {@code effective_from} is at or before {@code t}. Entries whose value could not be decoded or is
 * invalid, or whose key is not the key of their value, are skipped (the next older one applies).
 *
 * <p>Precedence, per {@code step_finish} with a usage:
 *
 * <ol>
 *   <li>a ledger version in force for the model: the cost is computed from the tokens, exactly; a
 *       non-zero cost the worker sent is kept aside in the step's {@code reported_cost_usd} ({@link
 *       PriceSource#LEDGER});
 *   <li>otherwise a non-zero cost from the worker is kept ({@link PriceSource#WORKER});
 *   <li>otherwise the cost is zero and the step is marked {@link PriceSource#UNPRICED}.
 * </ol>
 */
public final class PriceLedger {
  private static final Logger log = LoggerFactory.getLogger(PriceLedger.class);

  /** A usage as priced, and by whom. */
  public record Priced(
      Usage usage, PriceSource source, Instant effectiveFrom, BigDecimal reportedCost) {
    /** Records the pricing on the step. */
    public void applyTo(StepRecord step) {
      step.put("usage", usage);
      step.put("priced_by", source);
      step.put("price_effective_from", effectiveFrom);
      step.put("reported_cost_usd", reportedCost);
    }
  }

  /**
   * How processors open the ledger: the decoder of the prices topic's values and the topic.
   *
   * @param decoder the registry deserializer of {@link PriceVersion}
   * @param topic the prices topic
   */
  public record Reader(Deserializer<PriceVersion> decoder, String topic) {
    /** The ledger over the global store, from a processor's context. */
    public PriceLedger open(ProcessorContext<?, ?> context, TopologyMetrics metrics) {
      return new PriceLedger(
          context.getStateStore(WorkflowTopology.PRICES_STORE), decoder, topic, metrics);
    }
  }

  private final ReadOnlyKeyValueStore<String, ValueAndTimestamp<byte[]>> store;
  private final Deserializer<PriceVersion> decoder;
  private final String topic;
  private final TopologyMetrics metrics;

  /**
   * A ledger over the global store.
   *
   * @param store the global store: ledger keys to the records' bytes as on the topic
   * @param decoder the prices topic's value deserializer
   * @param topic the prices topic, for the decoder
   * @param metrics the counters
   */
  public PriceLedger(
      ReadOnlyKeyValueStore<String, ValueAndTimestamp<byte[]>> store,
      Deserializer<PriceVersion> decoder,
      String topic,
      TopologyMetrics metrics) {
    this.store = store;
    this.decoder = decoder;
    this.topic = topic;
    this.metrics = metrics;
  }

  private PriceVersion decode(ValueAndTimestamp<byte[]> stored) {
    if (stored == null || stored.value() == null) {
      return null;
    }
    try {
      return PriceVersions.check(decoder.deserialize(topic, stored.value()));
    } catch (RuntimeException e) {
      return null; // reported when it arrived (see validating); restored records are re-checked
    }
  }

  /**
   * The version in force for a model at an instant.
   *
   * @param model the model name; {@code null} has no price
   * @param at the event's timestamp
   * @return the latest valid version effective at or before {@code at}
   */
  public Optional<PriceVersion> inForce(String model, Instant at) {
    if (model == null || model.isBlank() || at == null || at.toEpochMilli() < 0) {
      return Optional.empty();
    }
    Instant upTo =
        at.isAfter(PriceVersions.MAX_EFFECTIVE_FROM) ? PriceVersions.MAX_EFFECTIVE_FROM : at;
    try (KeyValueIterator<String, ValueAndTimestamp<byte[]>> it =
        store.reverseRange(PriceVersions.firstKey(model), PriceVersions.key(model, upTo))) {
      while (it.hasNext()) {
        KeyValue<String, ValueAndTimestamp<byte[]>> next = it.next();
        PriceVersion version = decode(next.value);
        if (version != null && model.equals(version.getModel())) {
          String key = PriceVersions.key(version);
          if (next.key.equals(key)) {
            return Optional.of(version);
          }
          log.warn(
              "Price ledger key {} holds the version {}: its key must be {}; ignored",
              next.key,
              version,
              key);
          metrics.invalidPrice();
        }
        // Otherwise: another model whose name extends this one's with '@', or an unreadable value.
      }
    }
    return Optional.empty();
  }

  /**
   * Prices a step's usage.
   *
   * @param model the step's model, or {@code null}
   * @param at the event's timestamp
   * @param usage the usage as the worker sent it
   * @return the usage with its cost, and who priced it
   */
  public Priced price(String model, Instant at, Usage usage) {
    BigDecimal sent = usage.getCostUsd();
    boolean workerPriced = sent != null && sent.signum() != 0;
    Optional<PriceVersion> version = inForce(model, at);
    if (version.isPresent()) {
      try {
        BigDecimal cost =
            PriceVersions.cost(version.get(), usage.getInputTokens(), usage.getOutputTokens());
        metrics.priced(PriceSource.LEDGER);
        return new Priced(
            new Usage(
                usage.getInputTokens(), usage.getOutputTokens(), usage.getTotalTokens(), cost),
            PriceSource.LEDGER,
            version.get().getEffectiveFrom(),
            workerPriced ? sent : null);
      } catch (IllegalArgumentException e) {
        log.warn(
            "Cannot price a usage of {} at {}: {}; not priced by the ledger",
            model,
            at,
            e.getMessage());
        metrics.invalidPrice();
      }
    }
    PriceSource source = workerPriced ? PriceSource.WORKER : PriceSource.UNPRICED;
    metrics.priced(source);
    Usage kept =
        new Usage(
            usage.getInputTokens(),
            usage.getOutputTokens(),
            usage.getTotalTokens(),
            workerPriced
                ? sent.setScale(WorkflowState.COST_SCALE)
                : BigDecimal.ZERO.setScale(WorkflowState.COST_SCALE));
    return new Priced(kept, source, null, null);
  }

  /**
   * The value serde of the prices topic's source: records pass through as bytes (the global store
   * keeps them exactly as on the topic, so restoring it copies the topic), but a value that does
   * not decode with {@code decoder} or breaks {@link PriceVersions#check} is logged, counted and
   * read as {@code null}, that is as a tombstone of its key. Serializing is the identity: the
   * topology never writes the ledger and never calls the registry for it.
   *
   * @param decoder the registry deserializer of {@link PriceVersion}
   * @param metrics counts rejected values ({@code invalid-prices-total})
   * @return the serde
   */
  public static Serde<byte[]> validating(
      Deserializer<PriceVersion> decoder, TopologyMetrics metrics) {
    Serializer<byte[]> serializer = (topic, data) -> data;
    Deserializer<byte[]> deserializer =
        (topic, data) -> {
          if (data == null) {
            return null;
          }
          try {
            PriceVersions.check(decoder.deserialize(topic, data));
            return data;
          } catch (RuntimeException e) {
            log.warn(
                "Price ledger record on {} rejected ({} bytes): {}; it counts as no version",
                topic,
                data.length,
                e.getMessage());
            metrics.invalidPrice();
            return null;
          }
        };
    return Serdes.serdeFrom(serializer, deserializer);
  }
}
