package dev.runstream.bench.internal;

import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of the suite on the console: phases with weights (their expected share of the run); each
 * line shows the overall percentage, the phase and what it is doing.
 */
public final class Progress {
  private final PrintStream out;
  private final Map<String, Double> weights;
  private final double total;
  private final long start = System.nanoTime();
  private double done;
  private String phase = "";
  private double phaseWeight;

  /**
   * Creates a tracker.
   *
   * @param out where to print
   * @param weights phase names in order, with their weights
   */
  public Progress(PrintStream out, Map<String, Double> weights) {
    this.out = out;
    this.weights = new LinkedHashMap<>(weights);
    this.total = weights.values().stream().mapToDouble(Double::doubleValue).sum();
  }

  /**
   * Enters a phase; the previous one counts as complete.
   *
   * @param name a phase name given at construction
   */
  public synchronized void phase(String name) {
    if (!phase.isEmpty()) {
      done += phaseWeight;
    }
    phase = name;
    phaseWeight = weights.getOrDefault(name, 0.0);
    print(0, "started");
  }

  /**
   * Reports progress within the current phase.
   *
   * @param fraction how much of the phase is done, 0..1
   * @param what what it is doing
   */
  public synchronized void step(double fraction, String what) {
    print(fraction, what);
  }

  /**
   * The overall percentage after {@code fraction} of the current phase.
   *
   * @param fraction of the current phase
   * @return 0..100
   */
  public synchronized double percent(double fraction) {
    if (total <= 0) {
      return 100;
    }
    double f = Math.max(0, Math.min(1, fraction));
    return Math.min(100, 100 * (done + f * phaseWeight) / total);
  }

  /** Marks the run complete. */
  public synchronized void finish() {
    done = total;
    phaseWeight = 0;
    out.printf(Locale.ROOT, "[100%%] done in %.0f s%n", (System.nanoTime() - start) / 1e9);
  }

  private void print(double fraction, String what) {
    out.printf(
        Locale.ROOT,
        "[%3.0f%%] %5.0f s  %s: %s%n",
        percent(fraction),
        (System.nanoTime() - start) / 1e9,
        phase,
        what);
  }
}
