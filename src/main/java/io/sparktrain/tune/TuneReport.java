package io.sparktrain.tune;

import io.sparktrain.config.Dimension;
import io.sparktrain.config.SearchSpace;
import io.sparktrain.config.TuneConfig;
import io.sparktrain.report.Charts;
import io.sparktrain.report.Html;
import java.awt.Color;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.XYSeries;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/**
 * tune.html: one self-contained page (inline SVG, no scripts) from trials.csv and curves.csv: the best
 * trial, every trial sorted best first, which dimensions mattered, the metric against each dimension,
 * rung survival, and all learning curves.
 */
public final class TuneReport {
  public static final String FILE = "tune.html";

  private TuneReport() {}

  /** What the page shows besides the two tables. */
  public record Facts(String name, String sampler, List<Integer> rungs, int eta, TuneConfig.Metric metric,
      int maxTrials, int maxEpochs, Double bestTestAccuracy, String bestConf) {}

  public static String render(Facts f, List<Dimension> dims, List<TrialRecord> trials, List<TrialsCsv.Epoch> curves) {
    List<TrialRecord> sorted = new ArrayList<>(trials);
    sorted.sort(Search.bestFirst(f.metric()));
    Optional<TrialRecord> best = Search.best(trials, f.metric());
    int epochs = trials.stream().mapToInt(TrialRecord::epochs).sum();
    StringBuilder h = new StringBuilder();
    h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>").append(Html.esc(f.name()))
        .append(" search</title><style>body{font-family:sans-serif;margin:24px;max-width:1100px;color:#222}"
            + "table{border-collapse:collapse;margin:8px 0 20px}td,th{border:1px solid #ccc;padding:3px 7px;"
            + "font-size:13px;text-align:left}th{background:#f0f0f0}tr.best td{background:#e8f4e8}"
            + "td.num{text-align:right;font-variant-numeric:tabular-nums}.charts{display:flex;flex-wrap:wrap;gap:12px}"
            + "svg{max-width:100%;height:auto}.note{color:#555;font-size:13px}.wide{overflow-x:auto}"
            + "td.why{min-width:260px;max-width:420px}td.v{white-space:nowrap}</style></head><body>");
    h.append("<h1>").append(Html.esc(f.name())).append(": hyperparameter search</h1>");
    h.append("<p>").append(trials.size()).append(" trials (").append(Html.esc(f.sampler())).append("), rungs at ")
        .append(f.rungs()).append(" epochs, η = ").append(f.eta()).append("; ").append(epochs)
        .append(" epochs trained in all, against ").append(trials.size() * f.maxEpochs())
        .append(" had every trial trained the full ").append(f.maxEpochs()).append(String.format(Locale.ROOT,
            "; %.0f s of training and validation on the executors.</p>",
            trials.stream().mapToDouble(TrialRecord::seconds).sum()));
    if (best.isPresent()) {
      TrialRecord b = best.get();
      h.append("<h2>Best trial: ").append(b.number()).append("</h2><p>").append(Html.esc(f.metric().key()))
          .append(String.format(Locale.ROOT, " %.4f after %d epochs", b.metric(), b.epochs()));
      if (f.bestTestAccuracy() != null) {
        h.append(String.format(Locale.ROOT, "; test accuracy %.4f", f.bestTestAccuracy()));
      }
      h.append(". Its job: <code>").append(Html.esc(f.bestConf())).append("</code></p><ul>");
      b.values().forEach((k, v) -> h.append("<li><code>").append(Html.esc(k)).append(" = ")
          .append(Html.esc(SearchSpace.render(v))).append("</code></li>"));
      h.append("</ul>");
    }
    importance(h, dims, trials, curves, f);
    h.append("<h2>Trials, best first</h2><div class=\"wide\"><table><tr><th>trial</th><th>status</th><th>rung</th><th>epochs</th><th>")
        .append(Html.esc(f.metric().key())).append("</th>");
    for (Dimension d : dims) {
      h.append("<th>").append(Html.esc(d.key())).append("</th>");
    }
    h.append("<th>seconds</th><th>executor</th><th>reason</th></tr>");
    for (TrialRecord t : sorted) {
      h.append(best.isPresent() && best.get().number() == t.number() ? "<tr class=\"best\">" : "<tr>")
          .append("<td class=\"num\">").append(t.number()).append("</td><td>").append(t.status().key())
          .append("</td><td class=\"num\">").append(t.rung()).append("</td><td class=\"num\">").append(t.epochs())
          .append("</td><td class=\"num\">").append(Double.isNaN(t.metric()) ? "" : String.format(Locale.ROOT, "%.4f",
              t.metric())).append("</td>");
      for (Dimension d : dims) {
        Object v = t.values().get(d.key());
        h.append("<td class=\"v\">").append(v == null ? "" : Html.esc(brief(v))).append("</td>");
      }
      h.append(String.format(Locale.ROOT, "<td class=\"num\">%.1f</td>", t.seconds())).append("<td>")
          .append(Html.esc(t.executor())).append("</td><td class=\"why\">").append(Html.esc(t.reason()))
          .append("</td></tr>");
    }
    h.append("</table></div>");
    rungs(h, f, trials);
    h.append("<h2>Learning curves</h2><div class=\"charts\">").append(curvesChart(curves, best, f)).append("</div>");
    h.append("<h2>").append(Html.esc(f.metric().key())).append(" against each dimension (first rung)</h2>")
        .append("<p class=\"note\">Each dot is a trial's value at the first rung, where every trial reported; "
            + "choices are drawn at their position in the list (the axis title lists them).</p><div class=\"charts\">");
    Map<Integer, Double> first = rungScores(curves, f.rungs().get(0), f.metric());
    for (Dimension d : dims) {
      h.append(dimensionChart(d, trials, first, f.metric()));
    }
    h.append("</div></body></html>\n");
    return h.toString();
  }

  private static void importance(StringBuilder h, List<Dimension> dims, List<TrialRecord> trials,
      List<TrialsCsv.Epoch> curves, Facts f) {
    Map<Integer, Map<String, Object>> values = new LinkedHashMap<>();
    trials.forEach(t -> values.put(t.number(), t.values()));
    Map<Integer, Double> scores = rungScores(curves, f.rungs().get(0), f.metric());
    List<Importance.Share> shares = Importance.of(dims, values, scores);
    h.append("<h2>Which dimensions mattered</h2>");
    if (shares.isEmpty()) {
      h.append("<p class=\"note\">Too few trials reported at the first rung (at least ").append(Importance.MIN_TRIALS)
          .append(" are needed).</p>");
      return;
    }
    h.append("<p class=\"note\">Method: ").append(Html.esc(Importance.METHOD)).append(".</p><table><tr><th>dimension"
        + "</th><th>share</th><th>trials</th><th></th></tr>");
    for (Importance.Share s : shares) {
      h.append("<tr><td><code>").append(Html.esc(s.key())).append("</code></td><td class=\"num\">")
          .append(String.format(Locale.ROOT, "%.2f", s.share())).append("</td><td class=\"num\">").append(s.trials())
          .append("</td><td><div style=\"background:#4a7ebb;height:10px;width:")
          .append(Math.round(200 * s.share())).append("px\"></div></td></tr>");
    }
    h.append("</table>");
  }

  private static void rungs(StringBuilder h, Facts f, List<TrialRecord> trials) {
    h.append("<h2>Rung survival</h2><table><tr><th>rung</th><th>epochs</th><th>trials that reached it</th>"
        + "<th>failed on the way</th></tr>");
    for (int k = 0; k < f.rungs().size(); k++) {
      int rung = k;
      long reached = trials.stream().filter(t -> t.rung() >= rung).count();
      long failed = trials.stream().filter(t -> t.status() == TrialRecord.Status.FAILED && t.rung() == rung - 1).count();
      h.append("<tr><td class=\"num\">").append(k).append("</td><td class=\"num\">").append(f.rungs().get(k))
          .append("</td><td class=\"num\">").append(reached).append("</td><td class=\"num\">").append(failed)
          .append("</td></tr>");
    }
    h.append("</table>");
  }

  static Map<Integer, Double> rungScores(List<TrialsCsv.Epoch> curves, int epoch, TuneConfig.Metric metric) {
    Map<Integer, Double> out = new LinkedHashMap<>();
    for (TrialsCsv.Epoch e : curves) {
      if (e.epoch() == epoch) {
        out.put(e.trial(), metric == TuneConfig.Metric.VALIDATION_ACCURACY ? e.validationAccuracy()
            : e.validationLoss());
      }
    }
    return out;
  }

  private static XYChart chart(String title, String x, String y) {
    XYChart c = new XYChartBuilder().width(520).height(300).title(title).xAxisTitle(x).yAxisTitle(y).build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLocale(Locale.ROOT);
    c.getStyler().setLegendVisible(false);
    return c;
  }

  private static String curvesChart(List<TrialsCsv.Epoch> curves, Optional<TrialRecord> best, Facts f) {
    XYChart c = new XYChartBuilder().width(900).height(380).title("Validation accuracy per epoch, every trial"
        + best.map(b -> " (trial " + b.number() + ", the best, in bold)").orElse("")).xAxisTitle("epoch")
        .yAxisTitle("validation accuracy").build();
    c.getStyler().setChartBackgroundColor(Color.WHITE);
    c.getStyler().setLocale(Locale.ROOT);
    c.getStyler().setLegendVisible(false);
    Map<Integer, List<TrialsCsv.Epoch>> byTrial = new LinkedHashMap<>();
    curves.forEach(e -> byTrial.computeIfAbsent(e.trial(), k -> new ArrayList<>()).add(e));
    byTrial.forEach((trial, es) -> {
      List<Double> xs = new ArrayList<>();
      List<Double> ys = new ArrayList<>();
      for (TrialsCsv.Epoch e : es) {
        if (Double.isFinite(e.validationAccuracy())) {
          xs.add((double) e.epoch());
          ys.add(e.validationAccuracy());
        }
      }
      if (!xs.isEmpty()) {
        XYSeries s = c.addSeries("trial " + trial, xs, ys);
        boolean isBest = best.isPresent() && best.get().number() == trial;
        s.setMarker(SeriesMarkers.CIRCLE);
        s.setLineColor(isBest ? new Color(0x1b7a2f) : new Color(0x4a7ebb));
        s.setMarkerColor(isBest ? new Color(0x1b7a2f) : new Color(0x4a7ebb));
        s.setLineWidth(isBest ? 3f : 1f);
      }
    });
    if (byTrial.isEmpty()) {
      return "<p class=\"note\">No epoch finished yet.</p>";
    }
    return Charts.svg(c);
  }

  private static String dimensionChart(Dimension d, List<TrialRecord> trials, Map<Integer, Double> scores,
      TuneConfig.Metric metric) {
    List<Object> choices = d instanceof Dimension.Choice ch ? ch.values() : List.of();
    List<Double> xs = new ArrayList<>();
    List<Double> ys = new ArrayList<>();
    for (TrialRecord t : trials) {
      Object v = t.values().get(d.key());
      Double y = scores.get(t.number());
      if (v == null || y == null || !Double.isFinite(y)) {
        continue;
      }
      double x;
      if (!choices.isEmpty()) {
        int i = 0;
        while (i < choices.size() && !String.valueOf(choices.get(i)).equals(String.valueOf(v))) {
          i++;
        }
        x = i;
      } else {
        x = ((Number) v).doubleValue();
      }
      xs.add(x);
      ys.add(y);
    }
    String xTitle = d.key();
    if (!choices.isEmpty()) {
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < choices.size(); i++) {
        labels.add(i + " = " + brief(choices.get(i)));
      }
      xTitle = d.key() + " (" + String.join(", ", labels) + ")";
      if (xTitle.length() > 90) {
        xTitle = xTitle.substring(0, 87) + "...";
      }
    }
    XYChart c = chart(d.key(), xTitle, metric.key());
    c.getStyler().setDefaultSeriesRenderStyle(org.knowm.xchart.XYSeries.XYSeriesRenderStyle.Scatter);
    c.getStyler().setXAxisLogarithmic(d instanceof Dimension.LogUniform
        || d instanceof Dimension.IntRange r && r.log());
    if (!choices.isEmpty()) {
      c.getStyler().setXAxisMin(-0.5);
      c.getStyler().setXAxisMax(choices.size() - 0.5);
      c.getStyler().setXAxisDecimalPattern("0");
    }
    if (xs.isEmpty()) {
      return "";
    }
    XYSeries s = c.addSeries("trials", xs, ys);
    s.setMarker(SeriesMarkers.CIRCLE);
    s.setMarkerColor(new Color(0x4a7ebb));
    c.getStyler().setMarkerSize(7);
    c.getStyler().setYAxisDecimalPattern("0.00");
    c.getStyler().setPlotGridLinesVisible(true);
    c.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
    return Charts.svg(c);
  }

  /** A value short enough for a table cell or an axis title. */
  static String brief(Object v) {
    if (v instanceof Double d) {
      return String.format(Locale.ROOT, "%.4g", d);
    }
    String s = SearchSpace.render(v);
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }
}
