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
  private Charts() {}

  /** One chart; {@code series} maps a series name to its y values over {@code x}. Null y values are skipped. */
  public static String line(String title, String xLabel, String yLabel, List<? extends Number> x,
      Map<String, List<Double>> series, boolean logY) {
    XYChart chart = new XYChartBuilder().width(640).height(320).title(title).xAxisTitle(xLabel).yAxisTitle(yLabel)
        .build();
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.InsideNE);
    chart.getStyler().setYAxisLogarithmic(logY);
    chart.getStyler().setLocale(java.util.Locale.ROOT);
    series.forEach((name, ys) -> {
      List<Number> xs = new java.util.ArrayList<>();
      List<Number> vs = new java.util.ArrayList<>();
      for (int i = 0; i < ys.size() && i < x.size(); i++) {
        if (ys.get(i) != null && Double.isFinite(ys.get(i))) {
          xs.add(x.get(i));
          vs.add(ys.get(i));
        }
      }
      if (!xs.isEmpty()) {
        XYSeries s = chart.addSeries(name, xs, vs);
        s.setMarker(SeriesMarkers.CIRCLE);
      }
    });
    return svg(chart);
  }

  public static String svg(org.knowm.xchart.internal.chartpart.Chart<?, ?> chart) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      VectorGraphicsEncoder.saveVectorGraphic(chart, out, VectorGraphicsFormat.SVG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String text = out.toString(StandardCharsets.UTF_8);
    // Inline SVG: drop the XML prolog and DOCTYPE, keep the <svg> element.
    int start = text.indexOf("<svg");
    return start >= 0 ? text.substring(start) : text;
  }
}
