package io.sparktrain.report;

import io.sparktrain.lrfind.LrCurve;
import io.sparktrain.publish.RunDirectory;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The LR range test's outputs: lr-find.csv (the curve), lr-find.png (loss against rate) and its summary entry. */
public final class LrFindFiles {
  public static final String CSV = "lr-find.csv";
  public static final String PNG = "lr-find.png";

  private LrFindFiles() {}

  public static void write(RunDirectory run, LrCurve curve) {
    run.write(CSV, curve.csv());
    byte[] png = png(curve);
    run.write(PNG, stream -> stream.write(png));
  }

  /** The range test's entry in summary.json (health.learningRate.lrFind). */
  public static SummaryFile.LrFind entry(LrCurve curve) {
    return new SummaryFile.LrFind(Json.num(curve.suggestion()), curve.rule(), Json.num(curve.minimumLossRate()),
        curve.learningRates().length, curve.workers(), CSV, PNG);
  }

  /** The same entry as a map that lr-find.json adds to. */
  public static Map<String, Object> summary(LrCurve curve) {
    return RunJson.toMap(entry(curve));
  }

  static byte[] png(LrCurve curve) {
    XYChart chart = new XYChartBuilder().width(720).height(400).title("Learning-rate range test")
        .xAxisTitle("learning rate").yAxisTitle("training loss").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    chart.getStyler().setLocale(java.util.Locale.ROOT);
    List<Double> x = new ArrayList<>();
    List<Double> raw = new ArrayList<>();
    List<Double> smooth = new ArrayList<>();
    for (int i = 0; i < curve.learningRates().length; i++) {
      x.add(curve.learningRates()[i]);
      raw.add(curve.losses()[i]);
      smooth.add(curve.smoothed()[i]);
    }
    chart.addSeries("loss (mean over workers)", x, raw).setMarker(SeriesMarkers.NONE);
    chart.addSeries("smoothed", x, smooth).setMarker(SeriesMarkers.NONE);
    double y = 0;
    for (int i = 0; i < curve.learningRates().length; i++) {
      if (curve.learningRates()[i] <= curve.suggestion()) {
        y = curve.smoothed()[i];
      }
    }
    chart.addSeries(String.format(java.util.Locale.ROOT, "suggested %.3g", curve.suggestion()),
        List.of(curve.suggestion()), List.of(y)).setMarker(SeriesMarkers.DIAMOND);
    try {
      return BitmapEncoder.getBitmapBytes(chart, BitmapEncoder.BitmapFormat.PNG);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
