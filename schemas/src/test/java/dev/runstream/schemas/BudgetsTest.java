package dev.runstream.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class BudgetsTest {
  private static Budget.Builder budget(BudgetScope scope, String key) {
    return Budget.newBuilder()
        .setScope(scope)
        .setKey(key)
        .setMaxTokens(1_000L)
        .setPeriod(BudgetPeriod.PER_RUN)
        .setUpdatedAt(Instant.parse("2026-12-06T00:00:00Z"))
        .setUpdatedBy("ops");
  }

  @Test
  void shouldKeyBudgetsByScopeAndIdWhenKeyed() {
    assertThat(Budgets.recordKey(BudgetScope.AGENT, "researcher")).isEqualTo("AGENT:researcher");
    assertThat(Budgets.recordKey(budget(BudgetScope.TENANT, "acme").build()))
        .isEqualTo("TENANT:acme");
  }

  @Test
  void shouldAcceptAgentAndTenantBudgetsWhenTheyAreWellFormed() {
    assertThat(Budgets.problem("AGENT:a", budget(BudgetScope.AGENT, "a").build())).isNull();
    Budget daily =
        budget(BudgetScope.TENANT, "t")
            .setMaxTokens(null)
            .setMaxCostUsd(new BigDecimal("0.500000000000"))
            .setPeriod(BudgetPeriod.DAY)
            .build();
    assertThat(Budgets.problem("TENANT:t", daily)).isNull();
  }

  @Test
  void shouldSayWhatIsWrongWhenABudgetIsInvalid() {
    assertThat(Budgets.problem("UNKNOWN:a", budget(BudgetScope.UNKNOWN, "a").build()))
        .contains("unknown scope");
    assertThat(Budgets.problem("AGENT: ", budget(BudgetScope.AGENT, " ").build()))
        .isEqualTo("blank key");
    assertThat(Budgets.problem("AGENT:b", budget(BudgetScope.AGENT, "a").build()))
        .isEqualTo("record key 'AGENT:b' must be 'AGENT:a'");
    assertThat(
            Budgets.problem("AGENT:a", budget(BudgetScope.AGENT, "a").setMaxTokens(null).build()))
        .contains("neither max_tokens nor max_cost_usd");
    assertThat(Budgets.problem("AGENT:a", budget(BudgetScope.AGENT, "a").setMaxTokens(0L).build()))
        .contains("max_tokens must be at least 1");
    assertThat(
            Budgets.problem(
                "AGENT:a",
                budget(BudgetScope.AGENT, "a").setMaxCostUsd(BigDecimal.ZERO.setScale(12)).build()))
        .contains("max_cost_usd must be above 0");
    assertThat(
            Budgets.problem(
                "AGENT:a", budget(BudgetScope.AGENT, "a").setPeriod(BudgetPeriod.UNKNOWN).build()))
        .isEqualTo("unknown period");
    assertThat(
            Budgets.problem(
                "AGENT:a", budget(BudgetScope.AGENT, "a").setPeriod(BudgetPeriod.HOUR).build()))
        .isEqualTo("AGENT budgets are PER_RUN, got HOUR");
  }
}
