package dev.runstream.producer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class CostArithmeticTest {

  @Test
  void shouldComputeExactCostAtScale12WhenModelIsPriced() {
    PriceTable prices = PriceTable.parse("gpt-4o-mini:0.15:0.60,claude-sonnet:3:15");
    assertThat(prices.cost("gpt-4o-mini", 1_000, 500)).isEqualTo(new BigDecimal("0.000450000000"));
    assertThat(prices.cost("claude-sonnet", 2_000, 1_000))
        .isEqualTo(new BigDecimal("0.021000000000"));
    assertThat(prices.cost("gpt-4o-mini", 1, 0)).isEqualTo(new BigDecimal("0.000000150000"));
    assertThat(prices.cost("gpt-4o-mini", 0, 0).scale()).isEqualTo(12);
  }

  @Test
  void shouldStayExactWhenPricesHaveSixDecimals() {
    ModelPrice price =
        new ModelPrice("tiny", new BigDecimal("0.000001"), new BigDecimal("123456.654321"));
    // (7 * 0.000001 + 3 * 123456.654321) / 1e6
    assertThat(price.cost(7, 3)).isEqualTo(new BigDecimal("0.370369962970"));
    // A thousand single-token costs sum to exactly the cost of a thousand tokens.
    BigDecimal sum = BigDecimal.ZERO;
    for (int i = 0; i < 1_000; i++) {
      sum = sum.add(price.cost(1, 1));
    }
    assertThat(sum).isEqualTo(price.cost(1_000, 1_000));
  }

  @Test
  void shouldRefusePriceWhenMoreThanSixDecimals() {
    assertThatThrownBy(() -> PriceTable.parse("m:0.0000001:1"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("more than 6 decimal places");
    assertThat(PriceTable.parse("m:0.150000000:1").cost("m", 1_000_000, 0))
        .isEqualTo(new BigDecimal("0.150000000000"));
  }

  @Test
  void shouldParseModelNamesWithColonsWhenPricesAreLastFields() {
    PriceTable prices = PriceTable.parse(" llama3:8b:0.1:0.2 , gpt-4o:2.5:10 ");
    assertThat(prices.price("llama3:8b")).isPresent();
    assertThat(prices.cost("llama3:8b", 10_000_000, 0)).isEqualTo(new BigDecimal("1.000000000000"));
    assertThat(PriceTable.parse(prices.toString())).isEqualTo(prices);
  }

  @Test
  void shouldRefuseMalformedEntriesWhenParsing() {
    assertThatThrownBy(() -> PriceTable.parse("gpt-4o:2.5"))
        .hasMessageContaining("'gpt-4o:2.5' is not model:inputPerMillion:outputPerMillion");
    assertThatThrownBy(() -> PriceTable.parse("gpt-4o:two:10")).hasMessageContaining("decimal");
    assertThatThrownBy(() -> PriceTable.parse("a:1:1,a:2:2")).hasMessageContaining("twice");
    assertThatThrownBy(() -> PriceTable.parse("a:-1:1")).hasMessageContaining("negative");
  }

  @Test
  void shouldRefuseCostWhenItWouldNeedRounding() {
    assertThatThrownBy(() -> TokenUsage.of(1, 1, new BigDecimal("0.0000000000001")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("rounded");
    assertThat(TokenUsage.of(1, 1, new BigDecimal("0.5")).costUsd())
        .isEqualTo(new BigDecimal("0.500000000000"));
    assertThatThrownBy(() -> TokenUsage.of(1, 1, new BigDecimal("-0.5")))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> TokenUsage.of(-1, 1)).hasMessageContaining("negative");
  }

  @Test
  void shouldRefuseCostWhenItDoesNotFitDecimal24Scale12() {
    ModelPrice price = new ModelPrice("huge", new BigDecimal("999999999"), BigDecimal.ZERO);
    assertThatThrownBy(() -> price.cost(Long.MAX_VALUE, 0)).hasMessageContaining("decimal(24,12)");
    assertThatThrownBy(() -> TokenUsage.of(0, 0, new BigDecimal("1000000000000")))
        .hasMessageContaining("decimal(24,12)");
  }

  @Test
  void shouldSumUsagesExactlyWhenAdded() {
    TokenUsage a = TokenUsage.of(1, 2, new BigDecimal("0.1"));
    TokenUsage b = TokenUsage.of(3, 4, new BigDecimal("0.2"));
    assertThat(a.plus(b)).isEqualTo(TokenUsage.of(4, 6, new BigDecimal("0.300000000000")));
    assertThat(a.plus(b).totalTokens()).isEqualTo(10);
  }
}
