package dev.runstream.cli.internal;

import java.io.PrintStream;
import java.time.Duration;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar redrawn in place with a carriage return, for long replays and exports:
 *
 * <pre>
 * replay [████████████░░░░░░░░░░░░░░░░░░]  40%  4,000/10,000 events  1.2 s
 * </pre>
 *
 * Redraws at most every {@value #REDRAW_INTERVAL_MS} ms; {@link #close()} draws the final state and
 * ends the line. Not thread-safe.
 */
public final class ProgressBar implements AutoCloseable {
  /** Shortest interval between two redraws. */
  public static final long REDRAW_INTERVAL_MS = 100;

  private static final int WIDTH = 30;

  private final PrintStream out;
  private final String label;
  private final long total;
  private final LongSupplier nanoClock;
  private final long start;
  private long done;
  private long lastDraw = Long.MIN_VALUE;
  private boolean closed;

  /**
   * A bar that draws on {@code out}.
   *
   * @param out usually stderr, so stdout stays clean for the data
   * @param label the word in front of the bar
   * @param total the amount that is 100 %
   */
  public ProgressBar(PrintStream out, String label, long total) {
    this(out, label, total, System::nanoTime);
  }

  ProgressBar(PrintStream out, String label, long total, LongSupplier nanoClock) {
    this.out = out;
    this.label = label;
    this.total = Math.max(0, total);
    this.nanoClock = nanoClock;
    this.start = nanoClock.getAsLong();
  }

  /**
   * Records progress, redrawing when the last redraw is old enough.
   *
   * @param amount how much was done since the previous call
   */
  public void advance(long amount) {
    done += amount;
    long now = nanoClock.getAsLong();
    if (lastDraw == Long.MIN_VALUE || now - lastDraw >= REDRAW_INTERVAL_MS * 1_000_000) {
      lastDraw = now;
      draw(now);
    }
  }

  /**
   * How much was done.
   *
   * @return the sum of {@link #advance} amounts
   */
  public long done() {
    return done;
  }

  /** Draws the final state and ends the line. Idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    draw(nanoClock.getAsLong());
    out.println();
    out.flush();
  }

  private void draw(long now) {
    out.print("\r" + render(label, done, total, Duration.ofNanos(now - start)));
    out.flush();
  }

  /**
   * The bar's text for a state, without the carriage return.
   *
   * @param label the word in front of the bar
   * @param done how much is done
   * @param total the amount that is 100 %; 0 when unknown
   * @param elapsed time since the start
   * @return for example {@code replay [██████░░░░] 60% 6/10 events 0.4 s}
   */
  public static String render(String label, long done, long total, Duration elapsed) {
    double fraction = total <= 0 ? 0 : Math.min(1.0, (double) done / total);
    int filled = (int) Math.floor(fraction * WIDTH);
    String bar = "█".repeat(filled) + "░".repeat(WIDTH - filled);
    String counts =
        total <= 0
            ? String.format(Locale.ROOT, "%,d events", done)
            : String.format(Locale.ROOT, "%,d/%,d events", done, total);
    return String.format(
        Locale.ROOT,
        "%s [%s] %3d%%  %s  %.1f s",
        label,
        bar,
        (int) Math.floor(fraction * 100),
        counts,
        elapsed.toMillis() / 1000.0);
  }
}
