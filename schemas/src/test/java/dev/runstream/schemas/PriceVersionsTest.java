package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class PriceVersionsTest {
  static PriceVersion version(String model, String in, String out, Instant from) {
    return PriceVersion.newBuilder()
        .setModel(model)
        .setInputPerMillion(new BigDecimal(in))
        .setOutputPerMillion(new BigDecimal(out))
        .setEffectiveFrom(from)
        .build();
  }

  @Test
  void shouldKeyVersionsByModelAndZeroPaddedMillisWhenKeyed() {
    Instant from = Instant.parse("2026-01-01T00:00:00Z");
    assertThat(PriceVersions.key("gpt-4o", from)).isEqualTo("gpt-4o@1767225600000");
    assertThat(PriceVersions.key("m", Instant.ofEpochMilli(5))).isEqualTo("m@0000000000005");
    assertThat(PriceVersions.firstKey("m")).isEqualTo("m@0000000000000");
    // Fixed width: string order is time order.
    assertThat(PriceVersions.key("m", Instant.ofEpochMilli(99)))
        .isLessThan(PriceVersions.key("m", Instant.ofEpochMilli(100)));
    assertThatThrownBy(() -> PriceVersions.key("m", Instant.ofEpochMilli(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("outside");
    assertThatThrownBy(() -> PriceVersions.key(" ", from))
        .hasMessageContaining("needs a model name");
  }

  @Test
  void shouldComputeExactCostWhenPricesHaveSixDecimals() {
    PriceVersion v = version("m", "0.150000", "0.600000", Instant.EPOCH);
    assertThat(PriceVersions.cost(v, 1_000, 500)).isEqualTo(new BigDecimal("0.000450000000"));
    assertThat(PriceVersions.cost(v, 1, 0)).isEqualTo(new BigDecimal("0.000000150000"));
    assertThatThrownBy(() -> PriceVersions.cost(v, -1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldRefuseInvalidVersionsWithAClearMessageWhenChecked() {
    Instant t = Instant.EPOCH;
    assertThat(PriceVersions.check(version("m", "1", "2", t)).getCurrency()).isEqualTo("USD");
    assertThatThrownBy(() -> PriceVersions.check(version("m", "-1", "2", t)))
        .hasMessageContaining("input price of m is negative");
    assertThatThrownBy(() -> PriceVersions.check(version("m", "1", "0.0000001", t)))
        .hasMessageContaining("more than 6 decimal places");
    PriceVersion eur = version("m", "1", "1", t);
    eur.put("currency", "EUR");
    assertThatThrownBy(() -> PriceVersions.check(eur)).hasMessageContaining("USD prices only");
    assertThatThrownBy(() -> PriceVersions.check(version("", "1", "1", t)))
        .hasMessageContaining("needs a model name");
    assertThatThrownBy(() -> PriceVersions.price(new BigDecimal("0.1234567")))
        .hasMessageContaining("more than 6 decimal places");
    assertThat(PriceVersions.price(new BigDecimal("2.5")).scale()).isEqualTo(6);
  }
}
