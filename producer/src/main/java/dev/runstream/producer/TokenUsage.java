package dev.runstream.producer;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Token usage of a step or a run, with its cost in US dollars when the worker knows it.
 *
 * <p>When {@code costUsd} is {@code null}, the publisher computes the cost exactly from its {@link
 * PriceTable} for the model named with the usage. A given cost is kept exactly: it must not be
 * negative and must have at most 12 decimal places ({@code decimal(24,12)}); it is never rounded.
 *
 * <pre>{@code
 * step.finish(output, "gpt-4o-mini", TokenUsage.of(1_200, 350));                        // priced
 * step.finish(output, "my-model", TokenUsage.of(1_200, 350, new BigDecimal("0.0021"))); // given
 * }</pre>
 *
 * @param inputTokens prompt tokens, at least 0
 * @param outputTokens completion tokens, at least 0
 * @param costUsd the cost at scale 12, or {@code null} to let the publisher price it
 */
public record TokenUsage(long inputTokens, long outputTokens, BigDecimal costUsd) {

  /** No tokens, no cost. */
  public static final TokenUsage ZERO = new TokenUsage(0, 0, BigDecimal.ZERO);

  /**
   * Validates the components and brings the cost to scale 12.
   *
   * @throws IllegalArgumentException if a count or the cost is negative, or the cost has more than
   *     12 decimal places or does not fit {@code decimal(24,12)}
   */
  public TokenUsage {
    if (inputTokens < 0 || outputTokens < 0) {
      throw new IllegalArgumentException(
          "token counts must not be negative: input=" + inputTokens + " output=" + outputTokens);
    }
    Math.addExact(inputTokens, outputTokens);
    if (costUsd != null) {
      if (costUsd.signum() < 0) {
        throw new IllegalArgumentException("cost must not be negative: " + costUsd.toPlainString());
      }
      try {
        costUsd = costUsd.setScale(ModelPrice.COST_SCALE, RoundingMode.UNNECESSARY);
      } catch (ArithmeticException e) {
        throw new IllegalArgumentException(
            "cost "
                + costUsd.toPlainString()
                + " has more than "
                + ModelPrice.COST_SCALE
                + " decimal places; it would have to be rounded",
            e);
      }
      ModelPrice.checkCostRange(costUsd, "a usage");
    }
  }

  /**
   * A usage whose cost the publisher computes from its price table.
   *
   * @param inputTokens prompt tokens
   * @param outputTokens completion tokens
   * @return the usage
   */
  public static TokenUsage of(long inputTokens, long outputTokens) {
    return new TokenUsage(inputTokens, outputTokens, null);
  }

  /**
   * A usage with a known cost.
   *
   * @param inputTokens prompt tokens
   * @param outputTokens completion tokens
   * @param costUsd the cost in USD, at most 12 decimal places
   * @return the usage
   */
  public static TokenUsage of(long inputTokens, long outputTokens, BigDecimal costUsd) {
    return new TokenUsage(inputTokens, outputTokens, java.util.Objects.requireNonNull(costUsd));
  }

  /**
   * The total tokens.
   *
   * @return {@code inputTokens + outputTokens}
   */
  public long totalTokens() {
    return inputTokens + outputTokens;
  }

  /**
   * Whether the cost is known.
   *
   * @return {@code costUsd != null}
   */
  public boolean hasCost() {
    return costUsd != null;
  }

  /**
   * The sum of two usages with costs.
   *
   * @param other another usage with a cost
   * @return the sum, exact
   * @throws IllegalArgumentException if either has no cost
   */
  public TokenUsage plus(TokenUsage other) {
    if (costUsd == null || other.costUsd == null) {
      throw new IllegalArgumentException("only usages with a cost can be added");
    }
    return new TokenUsage(
        Math.addExact(inputTokens, other.inputTokens),
        Math.addExact(outputTokens, other.outputTokens),
        costUsd.add(other.costUsd));
  }
}
