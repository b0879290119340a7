package io.sparktrain.report;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.VectorGraphicsEncoder;
import org.knowm.xchart.VectorGraphicsEncoder.VectorGraphicsFormat;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** Line charts drawn by XChart as SVG text, to be inlined into report.html (no scripts, no network). */
public final class Charts {
  /** The drawing's size in pixels; the page scales it to its width (the SVG keeps its aspect ratio). */
  static final int WIDTH = 960;
  static final int HEIGHT = 400;
  static final int MAX_X_LABELS = 12;

  private Charts() {}

  /**
   * One chart; {@code series} maps a series name to its y values over {@code x}. Null y values are skipped,
   * and on a logarithmic axis values that are not positive (a gradient that underflowed to 0) too.
   */
  public static String line(String title, String xLabel, String yLabel, List<? extends Number> x,
      Map<String, List<Double>> series, boolean logY) {
    return line(title, xLabel, yLabel, x, series, logY, Map.of());
  }

  /** A point of a marker series: drawn as a marker alone, no line (events such as the stall policy's). */
  public record Point(double x, double y) {}

  /**
   * One chart with marker series on top of the lines: {@code markers} maps a legend name to its points
   * (points whose y is not finite are left out).
   */
  public static String line(String title, String xLabel, String yLabel, List<? extends Number> x,
      Map<String, List<Double>> series, boolean logY, Map<String, List<Point>> markers) {
    XYChart chart = new XYChartBuilder().width(WIDTH).height(HEIGHT).title(title).xAxisTitle(xLabel)
        .yAxisTitle(yLabel).build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    // The legend never sits on the data: below the plot in one row, or beside it when there are many series
    // (one per layer).
    if (series.size() + markers.size() > 4) {
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
    } else {
      chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideS);
      chart.getStyler().setLegendLayout(org.knowm.xchart.style.Styler.LegendLayout.Horizontal);
    }
    if (!x.isEmpty() && x.stream().allMatch(v -> v instanceof Integer || v instanceof Long)) {
      wholeNumberLabels(chart, x);
    }
    chart.getStyler().setYAxisLogarithmic(logY);
    if (!logY) {
      chart.getStyler().setYAxisDecimalPattern("0.####");
    }
    chart.getStyler().setLocale(java.util.Locale.ROOT);
    series.forEach((name, ys) -> {
      List<Number> xs = new java.util.ArrayList<>();
      List<Number> vs = new java.util.ArrayList<>();
      for (int i = 0; i < ys.size() && i < x.size(); i++) {
        if (ys.get(i) != null && Double.isFinite(ys.get(i)) && (!logY || ys.get(i) > 0)) {
          xs.add(x.get(i));
          vs.add(ys.get(i));
        }
      }
      if (!xs.isEmpty()) {
        XYSeries s = chart.addSeries(name, xs, vs);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    });
    addMarkers(chart, markers, logY);
    return svg(chart);
  }

  /**
   * Where x counts epochs or rounds, XChart puts a tick at every few values whatever the spacing hint, and
   * a long run's labels run into each other: only ticks at whole steps of a round number (1, 2, 5, 10,
   * 20, 50, ...) from the first value are labelled, at most about {@link #MAX_X_LABELS} of them.
   */
  static void wholeNumberLabels(XYChart chart, List<? extends Number> x) {
    long first = x.stream().mapToLong(Number::longValue).min().orElse(0);
    long last = x.stream().mapToLong(Number::longValue).max().orElse(0);
    long step = labelStep(last - first);
    chart.setCustomXAxisTickLabelsFormatter(v -> {
      long n = Math.round(v);
      return Math.abs(v - n) < 1e-9 && (n - first) % step == 0 ? String.format(java.util.Locale.ROOT, "%,d", n) : "";
    });
  }

  /** The smallest of 1, 2, 5, 10, 20, 50, ... that labels a range of {@code span} with at most MAX_X_LABELS labels. */
  static long labelStep(long span) {
    long step = 1;
    while (span / step + 1 > MAX_X_LABELS) {
      long decade = step;
      while (decade % 10 == 0) {
        decade /= 10;
      }
      step = decade == 1 ? step * 2 : decade == 2 ? step / 2 * 5 : step * 2;
    }
    return step;
  }

  /** Marker series drawn as markers alone, each with its own shape and colour; points not drawable are left out. */
  private static void addMarkers(XYChart chart, Map<String, List<Point>> markers, boolean logY) {
    java.util.Iterator<org.knowm.xchart.style.markers.Marker> shapes = List.of(SeriesMarkers.DIAMOND,
        SeriesMarkers.TRIANGLE_UP, SeriesMarkers.SQUARE, SeriesMarkers.TRIANGLE_DOWN, SeriesMarkers.CROSS).iterator();
    java.util.Iterator<java.awt.Color> colors = List.of(new java.awt.Color(0xD62728), new java.awt.Color(0x2CA02C),
        new java.awt.Color(0x9467BD), new java.awt.Color(0xFF7F0E), new java.awt.Color(0x7F7F7F)).iterator();
    markers.forEach((name, points) -> {
      List<Number> xs = new java.util.ArrayList<>();
      List<Number> ys = new java.util.ArrayList<>();
      for (Point p : points) {
        if (Double.isFinite(p.x()) && Double.isFinite(p.y()) && (!logY || p.y() > 0)) {
          xs.add(p.x());
          ys.add(p.y());
        }
      }
      if (!xs.isEmpty() && shapes.hasNext()) {
        XYSeries s = chart.addSeries(name, xs, ys);
        s.setXYSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
        s.setMarker(shapes.next());
        s.setMarkerColor(colors.next());
      }
    });
  }

  public static String svg(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    // Inline SVG: drop the XML prolog and DOCTYPE, keep the <svg> element, and give it a viewBox so that
    // the page can scale it to its own width.
    int start = text.indexOf("<svg");
    String svg = start >= 0 ? text.substring(start) : text;
    if (!svg.contains("viewBox")) {
      svg = svg.replaceFirst("<svg", "<svg viewBox=\"0 0 " + chart.getWidth() + " " + chart.getHeight() + "\""
          + " preserveAspectRatio=\"xMidYMid meet\"");
    }
    return svg;
  }
}
