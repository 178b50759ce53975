package dev.runstream.schemas;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Instant;
import java.util.Objects;

/**
 * The rules of the price ledger, the compacted {@code model-prices} topic of {@link PriceVersion}
 * records, shared by whoever writes it (the {@code runstream prices} command, the publisher
 * library) and the topology that reads it.
 *
 * <h2>Keys</h2>
 *
 * A version is keyed {@code <model>@<effective_from>}, the instant as 13-digit zero-padded epoch
 * milliseconds: {@code gpt-4o@1767225600000}. One key per version means compaction keeps every
 * version (history is never lost); publishing the same model and instant again replaces that
 * version; a tombstone (null value) on the key retracts it. Because the instant is fixed-width, the
 * keys of one model sort by time, so the version in force at {@code t} is the last key of the range
 * {@code [model@0000000000000, model@t]}, one reverse range scan.
 *
 * <h2>Validity</h2>
 *
 * {@link #check(PriceVersion)}: a model name that is not blank, prices at least 0 with at most 6
 * decimal places (so costs are exact at scale 12), currency {@code USD}, {@code effective_from}
 * between the epoch and {@link #MAX_EFFECTIVE_FROM}. The topology ignores invalid versions (and
 * versions whose key does not match their value) with a warning; writers refuse them.
 *
 * <pre>{@code
 * PriceVersion v = PriceVersion.newBuilder().setModel("gpt-4o")
 *     .setInputPerMillion(new BigDecimal("2.5")).setOutputPerMillion(new BigDecimal("10"))
 *     .setEffectiveFrom(Instant.parse("2026-01-01T00:00:00Z")).build();
 * PriceVersions.check(v);
 * producer.send(new ProducerRecord<>("model-prices", PriceVersions.key(v), v));
 * PriceVersions.cost(v, 2_000, 1_000); // 0.015000000000
 * }</pre>
 */
public final class PriceVersions {
  /** The scale of the prices: {@code decimal(18,6)}. */
  public static final int PRICE_SCALE = 6;

  /** The scale of every cost: {@code decimal(24,12)}, as {@code Usage.cost_usd}. */
  public static final int COST_SCALE = 12;

  /** The only currency: costs are {@code cost_usd}. */
  public static final String CURRENCY = "USD";

  /** The latest {@code effective_from} a 13-digit key can hold (year 2286). */
  public static final Instant MAX_EFFECTIVE_FROM = Instant.ofEpochMilli(9_999_999_999_999L);

  private static final BigDecimal MAX_PRICE = BigDecimal.TEN.pow(18 - PRICE_SCALE);
  private static final BigDecimal MAX_COST = BigDecimal.TEN.pow(24 - COST_SCALE);

  private PriceVersions() {}

  /**
   * The ledger key of a version of {@code model} effective from {@code effectiveFrom}.
   *
   * @param model the model name, not blank
   * @param effectiveFrom the instant, from the epoch to {@link #MAX_EFFECTIVE_FROM}
   * @return {@code model@0001767225600000}-style key
   * @throws IllegalArgumentException if the model is blank or the instant out of range
   */
  public static String key(String model, Instant effectiveFrom) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(effectiveFrom, "effectiveFrom");
    if (model.isBlank()) {
      throw new IllegalArgumentException("a price version needs a model name");
    }
    return model + "@" + millis(effectiveFrom);
  }

  /**
   * The ledger key of a version.
   *
   * @param version the version
   * @return {@link #key(String, Instant)} of its model and {@code effective_from}
   */
  public static String key(PriceVersion version) {
    return key(version.getModel(), version.getEffectiveFrom());
  }

  /**
   * The first key of a model's versions: {@code model@0000000000000}.
   *
   * @param model the model name
   * @return the lowest key any version of the model can have
   */
  public static String firstKey(String model) {
    return model + "@" + millis(Instant.EPOCH);
  }

  /** Whether an effective-from instant is one a key can hold: in [epoch, max]. */
  private static boolean inRange(Instant at) {
    return at.toEpochMilli() >= 0 && !at.isAfter(MAX_EFFECTIVE_FROM);
  }

  private static String millis(Instant at) {
    if (!inRange(at)) {
      throw new IllegalArgumentException(
          "effective_from "
              + at
              + " is outside ["
              + Instant.EPOCH
              + ", "
              + MAX_EFFECTIVE_FROM
              + "]");
    }
    return String.format("%013d", at.toEpochMilli());
  }

  /**
   * Checks a version; writers call it before publishing.
   *
   * @param version the version
   * @return {@code version}
   * @throws IllegalArgumentException naming the field that is invalid
   */
  public static PriceVersion check(PriceVersion version) {
    Objects.requireNonNull(version, "version");
    String model = version.getModel();
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("a price version needs a model name");
    }
    if (!CURRENCY.equals(version.getCurrency())) {
      throw new IllegalArgumentException(
          "the price of "
              + model
              + " is in "
              + version.getCurrency()
              + "; the ledger holds USD prices only");
    }
    checkPrice(model, "input", version.getInputPerMillion());
    checkPrice(model, "output", version.getOutputPerMillion());
    Instant from = version.getEffectiveFrom();
    if (from == null || !inRange(from)) {
      throw new IllegalArgumentException(
          "the price of "
              + model
              + " has effective_from "
              + from
              + ", outside ["
              + Instant.EPOCH
              + ", "
              + MAX_EFFECTIVE_FROM
              + "]");
    }
    return version;
  }

  private static void checkPrice(String model, String kind, BigDecimal price) {
    if (price == null) {
      throw new IllegalArgumentException("the " + kind + " price of " + model + " is missing");
    }
    if (price.signum() < 0) {
      throw new IllegalArgumentException(
          "the " + kind + " price of " + model + " is negative: " + price.toPlainString());
    }
    if (price.stripTrailingZeros().scale() > PRICE_SCALE) {
      throw new IllegalArgumentException(
          "the "
              + kind
              + " price of "
              + model
              + " has more than "
              + PRICE_SCALE
              + " decimal places ("
              + price.toPlainString()
              + "): costs would not be exact");
    }
    if (price.compareTo(MAX_PRICE) >= 0) {
      throw new IllegalArgumentException(
          "the " + kind + " price of " + model + " does not fit decimal(18,6): " + price);
    }
  }

  /**
   * Brings a price to the schema's scale 6, exactly.
   *
   * @param price a price with at most 6 decimal places
   * @return the price at scale 6
   * @throws IllegalArgumentException if it has more decimal places
   */
  public static BigDecimal price(BigDecimal price) {
    try {
      return price.setScale(PRICE_SCALE, RoundingMode.UNNECESSARY);
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException(
          "price " + price.toPlainString() + " has more than " + PRICE_SCALE + " decimal places",
          e);
    }
  }

  /**
   * The exact cost of a usage at a version's prices: {@code (inputTokens * input_per_million +
   * outputTokens * output_per_million) / 1,000,000}, at scale 12, never rounded.
   *
   * @param version a valid version
   * @param inputTokens input tokens, at least 0
   * @param outputTokens output tokens, at least 0
   * @return the cost in USD, scale 12
   * @throws IllegalArgumentException if a count is negative or the cost does not fit {@code
   *     decimal(24,12)}
   */
  public static BigDecimal cost(PriceVersion version, long inputTokens, long outputTokens) {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: input=" + inputTokens + " output=" + outputTokens);
    }
    BigDecimal cost =
        BigDecimal.valueOf(inputTokens)
            .multiply(version.getInputPerMillion())
            .add(BigDecimal.valueOf(outputTokens).multiply(version.getOutputPerMillion()))
            .movePointLeft(6)
            .setScale(COST_SCALE, RoundingMode.UNNECESSARY);
    if (cost.compareTo(MAX_COST) >= 0) {
      throw new IllegalArgumentException(
          "the cost of "
              + inputTokens
              + "+"
              + outputTokens
              + " tokens of "
              + version.getModel()
              + " does not fit decimal(24,12)");
    }
    return cost;
  }
}
