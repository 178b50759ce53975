package dev.runstream.bench.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
  @Test
  void shouldWeighPhasesWhenComputingOverallPercentage() {
    Map<String, Double> weights = new LinkedHashMap<>();
    weights.put("a", 1.0);
    weights.put("b", 3.0);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Progress progress = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), weights);

    progress.phase("a");
    assertThat(progress.percent(0.5)).isEqualTo(12.5);
    progress.phase("b");
    assertThat(progress.percent(0)).isEqualTo(25.0);
    progress.step(0.5, "halfway");
    assertThat(progress.percent(1)).isEqualTo(100.0);

    assertThat(bytes.toString(StandardCharsets.UTF_8)).contains("[ 63%]").contains("b: halfway");
  }
}
