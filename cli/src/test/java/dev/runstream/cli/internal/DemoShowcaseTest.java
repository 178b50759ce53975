package dev.runstream.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.runstream.producer.DemoAgent;
import dev.runstream.producer.RunPlan;
import org.junit.jupiter.api.Test;

class DemoShowcaseTest {

  @Test
  void shouldFeatureARunThatDelegatesAndRetriesAStepWhenTheDefaultSeedIsUsed() {
    RunPlan plan =
        DemoCommand.showcase(new DemoAgent(DemoAgent.Options.newBuilder().seed(7).build()));

    assertThat(plan.childRuns()).isPositive();
    assertThat(plan.retries()).isPositive();
    assertThat(plan.fails()).isFalse();
  }

  @Test
  void shouldFallBackToADelegatingRunWhenNoRunRetries() {
    RunPlan plan =
        DemoCommand.showcase(
            new DemoAgent(DemoAgent.Options.newBuilder().seed(7).retryRate(0).build()));

    assertThat(plan.childRuns()).isPositive();
    assertThat(plan.retries()).isZero();
    assertThat(plan.fails()).isFalse();
  }
}
