package dev.runstream.producer;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * The list price of one model, in US dollars per million tokens, for input (prompt) and output
 * (completion) tokens. Prices have at most 6 decimal places (a millionth of a dollar per million
 * tokens), so that every cost computed from them is exact at the scale 12 of {@code
 * Usage.cost_usd}.
 *
 * <pre>{@code
 * var price = new ModelPrice("gpt-4o-mini", new BigDecimal("0.15"), new BigDecimal("0.60"));
 * price.cost(1_000, 500); // 0.000450000000 = (1000 * 0.15 + 500 * 0.60) / 1_000_000
 * }</pre>
 *
 * @param model the model name as the worker reports it, not blank
 * @param inputPerMillion USD per million input tokens, at least 0, at most 6 decimal places
 * @param outputPerMillion USD per million output tokens, at least 0, at most 6 decimal places
 */
public record ModelPrice(String model, BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
  /** The scale of every cost: 12 decimal places, as {@code decimal(24,12)} in the schema. */
  public static final int COST_SCALE = 12;

  /** The precision of every cost: 24 digits, as {@code decimal(24,12)} in the schema. */
  public static final int COST_PRECISION = 24;

  /** The most decimal places a price may have so that costs stay exact at {@link #COST_SCALE}. */
  public static final int MAX_PRICE_SCALE = 6;

  private static final BigDecimal MAX_COST = BigDecimal.TEN.pow(COST_PRECISION - COST_SCALE);

  /**
   * Validates the components.
   *
   * @throws IllegalArgumentException if the model is blank or a price is negative or has more than
   *     6 decimal places
   * @throws NullPointerException if a component is {@code null}
   */
  public ModelPrice {
    Objects.requireNonNull(model, "model");
    if (model.isBlank()) {
      throw new IllegalArgumentException("a model price needs a model name");
    }
    inputPerMillion = checkPrice(model, "input", inputPerMillion);
    outputPerMillion = checkPrice(model, "output", outputPerMillion);
  }

  private static BigDecimal checkPrice(String model, String kind, BigDecimal price) {
    Objects.requireNonNull(price, kind + "PerMillion");
    if (price.signum() < 0) {
      throw new IllegalArgumentException(
          "the " + kind + " price of model " + model + " is negative: " + price.toPlainString());
    }
    BigDecimal stripped = price.stripTrailingZeros();
    if (stripped.scale() > MAX_PRICE_SCALE) {
      throw new IllegalArgumentException(
          "the "
              + kind
              + " price of model "
              + model
              + " has more than "
              + MAX_PRICE_SCALE
              + " decimal places ("
              + price.toPlainString()
              + "): costs would not be exact at scale "
              + COST_SCALE);
    }
    return stripped.scale() < 0 ? stripped.setScale(0) : stripped;
  }

  /**
   * The exact cost of a usage: {@code (inputTokens * inputPerMillion + outputTokens *
   * outputPerMillion) / 1_000_000}, at scale 12, without any rounding.
   *
   * @param inputTokens input tokens, at least 0
   * @param outputTokens output tokens, at least 0
   * @return the cost in USD, scale 12
   * @throws IllegalArgumentException if a token count is negative or the cost does not fit {@code
   *     decimal(24,12)}
   */
  public BigDecimal cost(long inputTokens, long outputTokens) {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: input=" + inputTokens + " output=" + outputTokens);
    }
    BigDecimal perMillion =
        BigDecimal.valueOf(inputTokens)
            .multiply(inputPerMillion)
            .add(BigDecimal.valueOf(outputTokens).multiply(outputPerMillion));
    // movePointLeft is exact; prices have at most 6 decimals, so the scale is at most 12.
    BigDecimal cost = perMillion.movePointLeft(6).setScale(COST_SCALE, RoundingMode.UNNECESSARY);
    return checkCostRange(cost, model);
  }

  /**
   * Checks that a cost fits {@code decimal(24,12)}.
   *
   * @param cost a cost at scale 12
   * @param what what the cost is of, for the message
   * @return {@code cost}
   */
  static BigDecimal checkCostRange(BigDecimal cost, String what) {
    if (cost.abs().compareTo(MAX_COST) >= 0) {
      throw new IllegalArgumentException(
          "the cost of "
              + what
              + " ("
              + cost.toPlainString()
              + ") does not fit decimal("
              + COST_PRECISION
              + ","
              + COST_SCALE
              + ")");
    }
    return cost;
  }

  /**
   * This price in the configuration format, {@code model:input:output}.
   *
   * @return e.g. {@code gpt-4o-mini:0.15:0.6}
   */
  @Override
  public String toString() {
    return model + ":" + inputPerMillion.toPlainString() + ":" + outputPerMillion.toPlainString();
  }
}
