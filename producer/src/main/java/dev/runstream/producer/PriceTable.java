package dev.runstream.producer;

import java.math.BigDecimal;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Model prices by model name, from which the publisher computes the exact cost of a usage that the
 * worker reports without one.
 *
 * <p>The configuration format ({@link PublisherConfig#PRICES_CONFIG}) is a comma-separated list of
 * {@code model:inputPerMillion:outputPerMillion}, in USD per million tokens. The last two fields of
 * an entry are the prices, so model names may themselves contain colons ({@code
 * llama3:8b:0.1:0.1}).
 *
 * <pre>{@code
 * PriceTable prices = PriceTable.parse("gpt-4o-mini:0.15:0.60,claude-sonnet:3:15");
 * prices.cost("claude-sonnet", 2_000, 1_000); // 0.021000000000
 * }</pre>
 *
 * @param prices prices by model name; copied
 */
public record PriceTable(Map<String, ModelPrice> prices) {

  /**
   * Validates and copies the map.
   *
   * @throws IllegalArgumentException if a key differs from its price's model name
   */
  public PriceTable {
    Objects.requireNonNull(prices, "prices");
    prices.forEach(
        (model, price) -> {
          if (!model.equals(price.model())) {
            throw new IllegalArgumentException(
                "price table key " + model + " holds the price of " + price.model());
          }
        });
    prices = Map.copyOf(prices);
  }

  /**
   * A table with no prices: every usage must then carry its cost.
   *
   * @return the empty table
   */
  public static PriceTable empty() {
    return new PriceTable(Map.of());
  }

  /**
   * A table of the given prices.
   *
   * @param prices the prices; model names must be distinct
   * @return the table
   * @throws IllegalArgumentException if a model appears twice
   */
  public static PriceTable of(Collection<ModelPrice> prices) {
    Map<String, ModelPrice> byModel = new LinkedHashMap<>();
    for (ModelPrice price : prices) {
      if (byModel.put(price.model(), price) != null) {
        throw new IllegalArgumentException("model " + price.model() + " is priced twice");
      }
    }
    return new PriceTable(byModel);
  }

  /**
   * Parses the configuration format, {@code model:in:out,model:in:out}.
   *
   * @param spec the list; blank for an empty table
   * @return the table
   * @throws IllegalArgumentException naming the entry that is malformed
   */
  public static PriceTable parse(String spec) {
    Objects.requireNonNull(spec, "spec");
    return spec.isBlank() ? empty() : parse(List.of(spec.split(",")));
  }

  /**
   * Parses entries of the form {@code model:inputPerMillion:outputPerMillion}.
   *
   * @param entries the entries; blank ones are skipped
   * @return the table
   * @throws IllegalArgumentException naming the entry that is malformed
   */
  public static PriceTable parse(List<String> entries) {
    Map<String, ModelPrice> byModel = new LinkedHashMap<>();
    for (String raw : entries) {
      String entry = raw.trim();
      if (entry.isEmpty()) {
        continue;
      }
      int outputColon = entry.lastIndexOf(':');
      int inputColon = outputColon <= 0 ? -1 : entry.lastIndexOf(':', outputColon - 1);
      if (inputColon <= 0) {
        throw new IllegalArgumentException(
            "price entry '" + entry + "' is not model:inputPerMillion:outputPerMillion");
      }
      String model = entry.substring(0, inputColon).trim();
      ModelPrice price;
      try {
        price =
            new ModelPrice(
                model,
                new BigDecimal(entry.substring(inputColon + 1, outputColon).trim()),
                new BigDecimal(entry.substring(outputColon + 1).trim()));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "price entry '" + entry + "' has a price that is not a decimal number", e);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("price entry '" + entry + "': " + e.getMessage(), e);
      }
      if (byModel.put(model, price) != null) {
        throw new IllegalArgumentException("model " + model + " is priced twice");
      }
    }
    return new PriceTable(byModel);
  }

  /**
   * The price of a model.
   *
   * @param model the model name
   * @return its price, or empty if the table has none
   */
  public Optional<ModelPrice> price(String model) {
    return Optional.ofNullable(prices.get(model));
  }

  /**
   * The exact cost of a usage of {@code model}, at scale 12 (see {@link ModelPrice#cost}).
   *
   * @param model the model name
   * @param inputTokens input tokens, at least 0
   * @param outputTokens output tokens, at least 0
   * @return the cost in USD, scale 12
   * @throws IllegalArgumentException if the model has no price or a count is negative
   */
  public BigDecimal cost(String model, long inputTokens, long outputTokens) {
    ModelPrice price = prices.get(model);
    if (price == null) {
      throw new IllegalArgumentException(
          "no price for model '"
              + model
              + "' (priced: "
              + (prices.isEmpty() ? "none" : String.join(", ", prices.keySet()))
              + "); add it to "
              + PublisherConfig.PRICES_CONFIG
              + " or give the usage's cost");
    }
    return price.cost(inputTokens, outputTokens);
  }

  /**
   * The table in the configuration format.
   *
   * @return e.g. {@code gpt-4o-mini:0.15:0.6,claude-sonnet:3:15}
   */
  @Override
  public String toString() {
    return prices.values().stream().map(ModelPrice::toString).collect(Collectors.joining(","));
  }
}
