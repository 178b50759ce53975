package dev.runstream.bench.internal;

import dev.runstream.bench.internal.SuiteReport.LatencyPoint;
import dev.runstream.bench.internal.SuiteReport.ReplayPoint;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The report's PNG plots, drawn with XChart (headless). */
public final class Plots {
  private Plots() {}

  /**
   * Latency percentiles against offered load, log-log, one line per system and percentile.
   *
   * @param points the latency section
   * @param file where to write the PNG ({@code .png} is added by XChart if missing)
   * @return whether a plot was written (false without any measured point)
   * @throws IOException on write failure
   */
  public static boolean latency(List<LatencyPoint> points, Path file) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("End-to-end delta latency against offered load")
            .xAxisTitle("offered load, events/s")
            .yAxisTitle("latency, ms")
            .build();
    style(chart);
    Map<String, List<LatencyPoint>> bySystem = new LinkedHashMap<>();
    for (LatencyPoint p : points) {
      if (p.unavailable() == null && p.latency().available()) {
        bySystem.computeIfAbsent(p.system(), k -> new ArrayList<>()).add(p);
      }
    }
    if (bySystem.isEmpty()) {
      return false;
    }
    Map<String, ToDoubleFunction<LatencyPoint>> percentiles = new LinkedHashMap<>();
    percentiles.put("p50", p -> p.latency().p50Ms());
    percentiles.put("p99", p -> p.latency().p99Ms());
    percentiles.put("p99.9", p -> p.latency().p999Ms());
    for (var system : bySystem.entrySet()) {
      for (var percentile : percentiles.entrySet()) {
        List<Double> x = new ArrayList<>();
        List<Double> y = new ArrayList<>();
        for (LatencyPoint p : system.getValue()) {
          x.add((double) p.offeredPerSecond());
          y.add(Math.max(0.01, percentile.getValue().applyAsDouble(p)));
        }
        XYSeries series = chart.addSeries(system.getKey() + " " + percentile.getKey(), x, y);
        series.setMarker(SeriesMarkers.CIRCLE);
      }
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return true;
  }

  /**
   * Replay time against background size, log-log, one line per method.
   *
   * @param points the replay section
   * @param file where to write the PNG
   * @return whether a plot was written
   * @throws IOException on write failure
   */
  public static boolean replay(List<ReplayPoint> points, Path file) throws IOException {
    XYChart chart =
        new XYChartBuilder()
            .width(900)
            .height(560)
            .title("Replay of one workflow against background events")
            .xAxisTitle("background events on the partition")
            .yAxisTitle("replay time, ms (median)")
            .build();
    style(chart);
    Map<String, List<ReplayPoint>> byMethod = new LinkedHashMap<>();
    for (ReplayPoint p : points) {
      if (p.unavailable() == null && !Double.isNaN(p.medianMs())) {
        byMethod.computeIfAbsent(p.system(), k -> new ArrayList<>()).add(p);
      }
    }
    if (byMethod.isEmpty()) {
      return false;
    }
    for (var method : byMethod.entrySet()) {
      List<Double> x = new ArrayList<>();
      List<Double> y = new ArrayList<>();
      for (ReplayPoint p : method.getValue()) {
        x.add((double) p.backgroundEvents());
        y.add(Math.max(0.01, p.medianMs()));
      }
      chart.addSeries(method.getKey(), x, y).setMarker(SeriesMarkers.CIRCLE);
    }
    BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
    return true;
  }

  private static void style(XYChart chart) {
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setPlotGridLinesVisible(true);
  }
}
