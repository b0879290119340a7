package io.sparktrain.report;

import static io.sparktrain.report.Html.esc;

import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.SummaryFile;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG charts, no scripts, no network) built from a
 * run's own files, so {@code sparktrain report RUN_DIR} can rebuild it at any time.
 */
public final class HtmlReport {
  public static final String FILE = "report.html";

  /**
   * A run's files as read back: summary.json (of a completed run), metrics.jsonl lines,
   * config.resolved.conf and the images.
   */
  public record RunFiles(SummaryFile summary, List<MetricsLine> metrics, String config, byte[] misclassifiedPng,
      byte[] lrFindPng, byte[] augmentationPng) {}

  private HtmlReport() {}

  public static String render(RunFiles run) {
    SummaryFile s = run.summary();
    StringBuilder h = new StringBuilder(64 * 1024);
    head(h, s.name());
    h.append("<h1>").append(esc(s.name())).append("</h1>\n<p class=\"lead\">test accuracy <b>")
        .append(pct(s.test().accuracy())).append("</b> on ").append(s.test().examples()).append(" test examples");
    SummaryFile.TestTimeAugmentation tta = s.test().testTimeAugmentation();
    if (tta != null) {
      h.append(" (test-time augmentation, ").append(esc(tta.views())).append("; ")
          .append(pct(tta.accuracyWithout())).append(" without)");
    }
    h.append(" · ").append(s.epochs().completed()).append(" epochs · ")
        .append(esc(s.finishedAt())).append("</p>\n");
    List<MetricsLine.Epoch> epochs = lines(run.metrics(), MetricsLine.Epoch.class);
    List<MetricsLine.Round> rounds = lines(run.metrics(), MetricsLine.Round.class);
    StallMarks stall = new StallMarks(rounds, lines(run.metrics(), MetricsLine.Stall.class));
    curves(h, epochs, rounds, s.health().stopping(), stall);
    learningRate(h, rounds, s, stall);
    health(h, lines(run.metrics(), MetricsLine.Health.class), lines(run.metrics(), MetricsLine.StepGradient.class),
        s.health());
    lrRange(h, s.health().learningRate().lrFind(), run.lrFindPng());
    test(h, s.test());
    misclassified(h, run.misclassifiedPng());
    augmentation(h, s.augmentation(), run.augmentationPng());
    data(h, s.data(), s.test().perClass());
    timings(h, epochs, s.timings());
    provenance(h, s, run.config());
    h.append("</body></html>\n");
    return h.toString();
  }

  /** The page's head (title, the one inline style sheet; no scripts, no network) and the body's start. */
  static void head(StringBuilder h, String title) {
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';")
        .append(" img-src data:\">")
        .append("<title>sparktrain: ").append(esc(title)).append("</title><style>")
        .append(CSS).append("</style></head><body>\n");
  }

  private static void curves(StringBuilder h, List<MetricsLine.Epoch> rows, List<MetricsLine.Round> rounds,
      SummaryFile.Stopping stop, StallMarks stall) {
    List<Integer> epochs = new ArrayList<>();
    Map<String, List<Double>> loss = new LinkedHashMap<>();
    loss.put("train loss", new ArrayList<>());
    loss.put("validation loss", new ArrayList<>());
    Map<String, List<Double>> acc = new LinkedHashMap<>();
    acc.put("validation accuracy", new ArrayList<>());
    List<Double> gap = new ArrayList<>();
    for (MetricsLine.Epoch m : rows) {
      epochs.add(m.epoch());
      Double t = finite(m.trainLoss());
      Double v = finite(m.validationLoss());
      loss.get("train loss").add(t);
      loss.get("validation loss").add(v);
      acc.get("validation accuracy").add(finite(m.validationAccuracy()));
      gap.add(t == null || v == null ? null : v - t);
    }
    h.append("<section id=\"curves\"><h2>Loss and accuracy per epoch</h2>\n<div class=\"chart\" id=\"chart-loss\">")
        .append(Charts.line("Loss", "epoch", "loss", epochs, loss, false, stall.byEpoch()))
        .append("</div>\n<div class=\"chart\" id=\"chart-accuracy\">")
        .append(Charts.line("Validation accuracy", "epoch", "accuracy", epochs, acc, false)).append("</div>\n");
    if (!rounds.isEmpty()) {
      List<Integer> roundIndex = new ArrayList<>();
      List<Double> roundLoss = new ArrayList<>();
      for (MetricsLine.Round r : rounds) {
        roundIndex.add(roundIndex.size() + 1);
        roundLoss.add(finite(r.trainLoss()));
      }
      h.append("<div class=\"chart\" id=\"chart-rounds\">")
          .append(Charts.line("Training loss per averaging round", "round", "mean minibatch loss", roundIndex,
              Map.of("train loss", roundLoss), false, stall.byRound(StallMarks.Y.LOSS))).append("</div>\n");
    }
    h.append("<table><tr><th>epoch</th><th>train loss</th><th>validation loss</th><th>gap (val − train)</th>"
        + "<th>validation accuracy</th><th>examples/s</th><th>seconds</th></tr>\n");
    for (int i = 0; i < rows.size(); i++) {
      MetricsLine.Epoch m = rows.get(i);
      h.append("<tr><td>").append(m.epoch()).append("</td><td>").append(f4(m.trainLoss()))
          .append("</td><td>").append(f4(m.validationLoss())).append("</td><td>")
          .append(gap.get(i) == null ? "–" : String.format(Locale.ROOT, "%+.4f", gap.get(i))).append("</td><td>")
          .append(f4(m.validationAccuracy())).append("</td><td>").append(f0(m.examplesPerSecond()))
          .append("</td><td>").append(f1(m.seconds())).append("</td></tr>\n");
    }
    h.append("</table><p class=\"note\">Stopped by ").append(esc(stop.stoppedBy()))
        .append(": ").append(esc(stop.reason())).append(". The model is epoch ")
        .append(stop.chosenEpoch()).append("'s.</p></section>\n");
  }

  private static void learningRate(StringBuilder h, List<MetricsLine.Round> rounds, SummaryFile s,
      StallMarks stall) {
    List<Integer> x = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (MetricsLine.Round r : rounds) {
      x.add(x.size() + 1);
      values.add(r.learningRate() != null ? r.learningRate() : s.training().learningRate());
    }
    SummaryFile.LearningRate lr = s.health().learningRate();
    h.append("<section id=\"learning-rate\"><h2>Learning rate</h2>\n<div class=\"chart\" id=\"chart-lr\">")
        .append(Charts.line("Learning rate per averaging round", "round", "learning rate", x,
            Map.of("learning rate", values), true, stall.byRound(StallMarks.Y.RATE)))
        .append("</div><p class=\"note\">").append(esc(or(s.training().updater(), "")))
        .append(", learning rate from ").append(esc(or(lr.source(), "the config")))
        .append(": ").append(esc(or(lr.initial(), "?"))).append(" at the start, ")
        .append(esc(or(lr.last(), "?"))).append(" at the end; schedule ")
        .append(esc(or(s.training().schedule(), "none"))).append("; ")
        .append(s.health().guard().recoveries()).append(" divergence recoveries");
    if (s.training().stall() != null && s.health().stall() != null) {
      h.append("; stall policy ").append(esc(s.training().stall())).append(" (boosts or restarts: ")
          .append(s.health().stall().actions()).append(")");
    }
    h.append(".</p></section>\n");
  }

  private static void health(StringBuilder h, List<MetricsLine.Health> lines, List<MetricsLine.StepGradient> steps,
      SummaryFile.Health health) {
    h.append("<section id=\"health\"><h2>Gradient health</h2>\n");
    if (!health.diagnoses().isEmpty()) {
      h.append("<ul class=\"diagnoses\">");
      for (SummaryFile.Diagnosis d : health.diagnoses()) {
        h.append("<li><b>").append(esc(d.kind())).append("</b> (epoch ").append(d.epoch())
            .append(", round ").append(d.round()).append(", held in ").append(d.rounds())
            .append(" rounds): ").append(esc(d.message())).append("</li>");
      }
      h.append("</ul>\n");
    } else {
      h.append("<p>No diagnosis: no vanishing or exploding gradients, no dead ReLU units and no stalled loss were "
          + "found.</p>\n");
    }
    if (!health.guard().events().isEmpty()) {
      h.append("<table><tr><th>epoch</th><th>round</th><th>divergence</th><th>learning rate</th></tr>");
      for (SummaryFile.Recovery r : health.guard().events()) {
        h.append("<tr><td>").append(r.epoch()).append("</td><td>").append(r.round())
            .append("</td><td>").append(esc(r.reason())).append("</td><td>")
            .append(esc(r.learningRateBefore())).append(" → ")
            .append(esc(r.learningRateAfter())).append("</td></tr>");
      }
      h.append("</table>\n");
    }
    stallTable(h, health.stall());
    Map<String, List<Double>> norms = new LinkedHashMap<>();
    Map<String, List<Double>> ratios = new LinkedHashMap<>();
    List<Integer> x = new ArrayList<>();
    for (MetricsLine.Health m : lines) {
      x.add(x.size() + 1);
      for (MetricsLine.Layer l : m.layers()) {
        if (l.gradientNorm() != null) {
          String name = "layer " + l.layer() + " " + l.type();
          norms.computeIfAbsent(name, k -> padded(x.size() - 1)).add(finite(l.gradientNorm()));
          ratios.computeIfAbsent(name, k -> padded(x.size() - 1)).add(
              l.log10UpdateRatio() != null ? Math.pow(10, l.log10UpdateRatio()) : null);
        }
      }
    }
    if (x.isEmpty()) {
      h.append("<p class=\"none\">No per-layer gradient statistics were recorded in this run.</p></section>\n");
      return;
    }
    h.append("<div class=\"chart\" id=\"chart-gradient-norm\">")
        .append(Charts.line("Gradient L2 norm per layer (mean gradient)", "sampled round", "norm", x, norms, true))
        .append("</div><div class=\"chart\" id=\"chart-update-ratio\">")
        .append(Charts.line("Update:parameter ratio per layer (healthy near 1e-3)", "sampled round", "ratio", x, ratios,
            true))
        .append("</div>");
    stepGradient(h, steps);
    h.append("<p class=\"note\">").append(health.samples())
        .append(" sampled minibatches, medians per averaging round.</p></section>\n");
  }

  /** Rounds of the gradient-through-time chart: the first, the last and a few between. */
  static final int STEP_CHART_ROUNDS = 4;

  /**
   * For networks of sequences: the gradient's norm at each time step (its fall towards step 1 is how far
   * back the network can learn), for a few rounds from the first to the last.
   */
  private static void stepGradient(StringBuilder h, List<MetricsLine.StepGradient> lines) {
    if (lines.isEmpty()) {
      return;
    }
    List<MetricsLine.StepGradient> shown = new ArrayList<>();
    for (int k = 0; k < Math.min(STEP_CHART_ROUNDS, lines.size()); k++) {
      int i = lines.size() == 1 ? 0 : (int) Math.round((double) k * (lines.size() - 1) / (STEP_CHART_ROUNDS - 1));
      MetricsLine.StepGradient line = lines.get(Math.min(i, lines.size() - 1));
      if (!shown.contains(line)) {
        shown.add(line);
      }
    }
    List<Integer> x = shown.get(shown.size() - 1).steps();
    Map<String, List<Double>> series = new LinkedHashMap<>();
    for (MetricsLine.StepGradient line : shown) {
      List<Double> ys = new ArrayList<>();
      for (Integer step : x) {
        int at = line.steps().indexOf(step);
        ys.add(at >= 0 ? finite(line.norms().get(at)) : null);
      }
      series.put("epoch " + line.epoch() + ", round " + line.round(), ys);
    }
    MetricsLine.StepGradient last = lines.get(lines.size() - 1);
    // The steps as decimals: XChart's own labels (0, 50, 100, ...). The whole-number labels of the round
    // charts never settle on steps kept every other one (1, 3, ..., 198, 200): XChart's tick search does
    // not end when the labels it is given repeat.
    List<Double> steps = x.stream().map(Integer::doubleValue).toList();
    h.append("<div class=\"chart\" id=\"chart-step-gradient\">")
        .append(Charts.line("Gradient through time: layer " + last.layer() + " (" + last.layerType()
            + "), norm of the loss gradient at each step's input", "time step", "norm", steps, series, true))
        .append("</div><p class=\"note\">Where the curve falls towards step 1 the network cannot learn from those "
            + "steps (vanishing); where it rises towards step 1, gradients explode through time.</p>");
  }

  /** The stall policy's events, one row each (absent in runs from before the policy). */
  private static void stallTable(StringBuilder h, SummaryFile.Stall stall) {
    if (stall != null && !stall.events().isEmpty()) {
      h.append("<table id=\"stall\"><tr><th>epoch</th><th>round</th><th>stall policy</th><th>finding</th>"
          + "<th>learning rate</th><th>loss</th><th>what happened</th></tr>");
      for (SummaryFile.StallEvent e : stall.events()) {
        h.append("<tr><td>").append(e.epoch()).append("</td><td>").append(e.round()).append("</td><td>")
            .append(esc(e.event())).append("</td><td>").append(esc(e.finding())).append("</td><td>")
            .append(esc(e.learningRateBefore())).append(" → ").append(esc(e.learningRateAfter()))
            .append("</td><td>").append(f4(e.loss())).append("</td><td>").append(esc(e.detail()))
            .append("</td></tr>");
      }
      h.append("</table>\n");
    }
  }

  private static void augmentation(StringBuilder h, SummaryFile.Augmentation augmentation, byte[] png) {
    h.append("<section id=\"augmentation\"><h2>Augmentation</h2>");
    if (augmentation.pipeline().isEmpty()) {
      h.append("<p class=\"none\">No augmentation was configured.</p></section>\n");
      return;
    }
    h.append("<p>On the executors, every epoch, in this order (randomness from the run seed, the epoch and the"
        + " example's index):</p><ol>");
    for (String op : augmentation.pipeline()) {
      h.append("<li>").append(esc(op)).append("</li>");
    }
    h.append("</ol>");
    if (png != null) {
      h.append("<img alt=\"training images and their augmented copies\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\">");
    }
    h.append("</section>\n");
  }

  private static List<Double> padded(int n) {
    List<Double> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(null);
    }
    return out;
  }

  private static void lrRange(StringBuilder h, SummaryFile.LrFind lr, byte[] png) {
    h.append("<section id=\"lr-range\"><h2>Learning-rate range test</h2>");
    if (lr == null) {
      h.append("<p class=\"none\">No range test ran for this run; the learning rate came from the config.</p></section>\n");
      return;
    }
    h.append("<p>Suggested learning rate <b>").append(esc(lr.suggestion())).append("</b> (")
        .append(esc(lr.rule())).append("; minimum loss at ")
        .append(esc(lr.minimumLossLearningRate())).append(", ").append(lr.points())
        .append(" iterations on ").append(lr.workers()).append(" workers).</p>");
    if (png != null) {
      h.append("<img alt=\"loss against learning rate\" src=\"data:image/png;base64,")
          .append(Base64.getEncoder().encodeToString(png)).append("\">");
    }
    h.append("</section>\n");
  }

  static void test(StringBuilder h, SummaryFile.Test t) {
    h.append("<section id=\"test\"><h2>Test set</h2><p>accuracy ").append(pct(t.accuracy()))
        .append(" · loss ").append(f4(t.loss())).append(" · macro F1 ").append(f4(t.macroF1()))
        .append("</p>\n<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
    for (SummaryFile.PerClass c : t.perClass()) {
      h.append("<tr><td>").append(esc(c.name())).append("</td><td>").append(f4(c.precision()))
          .append("</td><td>").append(f4(c.recall())).append("</td><td>").append(f4(c.f1()))
          .append("</td><td>").append(c.support()).append("</td></tr>\n");
    }
    h.append("</table>\n<h3>Confusion matrix (rows: actual, columns: predicted)</h3>\n<table class=\"cm\" id=\"confusion\"><tr><th></th>");
    List<String> labels = t.confusionMatrix().labels();
    labels.forEach(l -> h.append("<th>").append(esc(l)).append("</th>"));
    h.append("</tr>\n");
    List<List<Long>> counts = t.confusionMatrix().counts();
    for (int i = 0; i < counts.size(); i++) {
      long rowTotal = counts.get(i).stream().mapToLong(Long::longValue).sum();
      h.append("<tr><th>").append(esc(i < labels.size() ? labels.get(i) : "")).append("</th>");
      for (int j = 0; j < counts.get(i).size(); j++) {
        long n = counts.get(i).get(j);
        double share = rowTotal == 0 ? 0 : (double) n / rowTotal;
        String colour = i == j ? "40,140,70" : "200,60,50";
        h.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.2f)\">%d</td>", colour,
            n == 0 ? 0 : 0.1 + 0.8 * share, n));
      }
      h.append("</tr>\n");
    }
    h.append("</table></section>\n");
  }

  static void misclassified(StringBuilder h, byte[] png) {
    h.append("<section id=\"misclassified\"><h2>Misclassified test images</h2>");
    if (png == null) {
      h.append("<p class=\"none\">No images: the data are not images, or every sampled test image was classified"
          + " correctly.</p>");
    } else {
      h.append("<p class=\"note\">Each tile: the image, then “actual → predicted”.</p><img alt=\"misclassified test"
          + " images\" src=\"data:image/png;base64,").append(Base64.getEncoder().encodeToString(png)).append("\">");
    }
    h.append("</section>\n");
  }

  private static void data(StringBuilder h, SummaryFile.Data d, List<SummaryFile.PerClass> perClass) {
    h.append("<section id=\"data\"><h2>Data</h2><table>");
    row(h, "format", d.format());
    SummaryFile.Sources sources = d.sources();
    row(h, "source: train", sources.train());
    optionalRow(h, "source: trainLabels", sources.trainLabels());
    optionalRow(h, "source: test", sources.test());
    optionalRow(h, "source: testLabels", sources.testLabels());
    row(h, "example shape", d.shape());
    row(h, "train / validation / test", d.sizes().train() + " / " + d.sizes().validation() + " / " + d.sizes().test());
    row(h, "normalisation", normalisation(d.normalization()));
    SummaryFile.Rejected rejected = d.rejected();
    if (rejected.total() == 0) {
      row(h, "rejected records", "none (above data.maxRejectedFraction = " + rejected.maxRejectedFraction()
          + " of a source, the run stops before training)");
    } else {
      for (SummaryFile.RejectedSource r : rejected.sources()) {
        StringBuilder reasons = new StringBuilder();
        r.byReason().forEach((reason, n) -> reasons.append(reasons.length() > 0 ? ", " : "").append(n).append(' ')
            .append(reason));
        row(h, "rejected: " + r.source(), r.rejected() + " of " + r.records() + " records (" + reasons
            + "), quarantined in " + r.quarantine());
      }
    }
    h.append("</table>\n<h3>Class balance</h3><table><tr><th>class</th><th>training examples</th><th>share</th>"
        + "<th>test examples</th><th>share</th></tr>");
    long testTotal = perClass.stream().mapToLong(SummaryFile.PerClass::support).sum();
    List<Long> trainCounts = d.trainClassCounts();
    long trainTotal = trainCounts.stream().mapToLong(Long::longValue).sum();
    for (int i = 0; i < perClass.size(); i++) {
      SummaryFile.PerClass c = perClass.get(i);
      Long trainCount = i < trainCounts.size() ? trainCounts.get(i) : null;
      h.append("<tr><td>").append(esc(c.name())).append("</td><td>")
          .append(trainCount != null ? trainCount : "–").append("</td><td>")
          .append(trainCount != null ? share(trainCount, trainTotal) : "–").append("</td><td>")
          .append(c.support()).append("</td><td>").append(share(c.support(), testTotal)).append("</td></tr>");
    }
    h.append("</table></section>\n");
  }

  /** The job's scaling in words (the statistics themselves travel in model.zip). */
  static String normalisation(SummaryFile.Normalization n) {
    if (n == null) {
      return "–";
    }
    switch (n.kind()) {
      case "scale":
        float f = n.factor() == null ? Float.NaN : n.factor();
        return Math.abs(f * 255 - 1) < 1e-6 ? "scale: each value × 1/255 (to 0–1)"
            : String.format(Locale.ROOT, "scale: each value × %.6g", f);
      case "standardize":
        return "standardize: each of the " + n.features() + " features minus the training split's mean, divided by "
            + "its standard deviation (the statistics are in model.zip)";
      case "none":
        return "none: values as read";
      default:
        return n.kind();
    }
  }

  private static void timings(StringBuilder h, List<MetricsLine.Epoch> rows, Map<String, Double> timings) {
    List<Integer> epochs = new ArrayList<>();
    Map<String, List<Double>> wall = new LinkedHashMap<>();
    wall.put("training", new ArrayList<>());
    wall.put("validation", new ArrayList<>());
    for (MetricsLine.Epoch m : rows) {
      epochs.add(m.epoch());
      wall.get("training").add(finite(m.trainSeconds()));
      wall.get("validation").add(finite(m.validationSeconds()));
    }
    wall.values().removeIf(v -> v.stream().allMatch(x -> x == null));
    h.append("<section id=\"time\"><h2>Time</h2><div class=\"chart\" id=\"chart-time\">")
        .append(Charts.line("Wall-clock seconds per epoch", "epoch", "seconds", epochs, wall, false))
        .append("</div><p class=\"note\">Measured on the driver's clock: training is the time of the epoch's "
            + "averaging rounds, validation the time of scoring the validation split.</p>");
    phases(h, rows);
    h.append("<table>");
    Map<String, String> phases = Map.of("loadSeconds", "reading and splitting the data", "trainSeconds",
        "training (all epochs, with validation)", "testSeconds", "the test set", "totalSeconds", "the whole run");
    timings.forEach((key, seconds) -> row(h, phases.getOrDefault(key, key), f1(seconds) + " s"));
    h.append("</table></section>\n");
  }

  /** Where each epoch's training time went (trainTime in metrics.jsonl): the parts add up to the epoch's. */
  private static void phases(StringBuilder h, List<MetricsLine.Epoch> rows) {
    List<MetricsLine.Epoch> measured = rows.stream().filter(m -> m.trainTime() != null).toList();
    if (measured.isEmpty()) {
      return;
    }
    h.append("<h3>Where the training time went</h3><table class=\"phases\"><tr><th>epoch</th><th>training</th>"
        + "<th>workers fitting minibatches</th><th>workers' other work</th><th>launching tasks, fetching results</th>"
        + "<th>driver between tasks</th></tr>\n");
    for (MetricsLine.Epoch m : measured) {
      MetricsLine.TrainTime t = m.trainTime();
      double total = m.trainSeconds() == null ? Double.NaN : m.trainSeconds();
      h.append("<tr><td>").append(m.epoch()).append("</td><td>").append(esc(f1(total))).append(" s</td>");
      for (Double part : new Double[] {t.fit(), t.workerOther(), t.taskOverhead(), t.driver()}) {
        h.append("<td>").append(part == null ? "" : esc(String.format(Locale.ROOT, "%.1f s (%.0f%%)", part,
            100 * part / total))).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table><p class=\"note\">Wall-clock time, per worker: fitting is DL4J's fit of each minibatch "
        + "(forward, backward, the updater); the workers' other work is the rest of their training tasks "
        + "(the network from the broadcast parameters, minibatches the prefetch did not hide, returning the "
        + "parameters; in the first epoch also exporting the minibatches); launching and fetching is Spark's "
        + "scheduling and (de)serialisation of the tasks; the driver's part is broadcasting, averaging and the "
        + "checks between rounds.</p>");
  }

  private static void provenance(StringBuilder h, SummaryFile s, String config) {
    h.append("<section id=\"provenance\"><h2>Provenance</h2><table>");
    row(h, "seed", String.valueOf(s.seed()));
    row(h, "git commit", s.gitCommit());
    row(h, "Spark master", s.spark().master());
    row(h, "parallelism", String.valueOf(s.spark().defaultParallelism()));
    row(h, "executors", String.valueOf(s.spark().executors()));
    row(h, "application", s.spark().applicationId());
    s.versions().forEach((component, version) -> row(h, "version: " + component, version));
    h.append("</table><h3>Resolved config (secrets masked)</h3><pre>").append(esc(config)).append("</pre></section>\n");
  }

  private static <T extends MetricsLine> List<T> lines(List<MetricsLine> metrics, Class<T> type) {
    return metrics.stream().filter(type::isInstance).map(type::cast).toList();
  }

  private static String share(long n, long total) {
    return String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100.0 * n / total);
  }

  static void row(StringBuilder h, String key, String value) {
    h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
  }

  private static void optionalRow(StringBuilder h, String key, String value) {
    if (value != null) {
      row(h, key, value);
    }
  }

  private static Object or(Object value, String absent) {
    return value == null ? absent : value;
  }

  /** {@code n}, or null where there is no finite number (the charts leave a gap). */
  private static Double finite(Double n) {
    return n == null || !Double.isFinite(n) ? null : n;
  }

  static String pct(Double n) {
    return format("%.2f%%", n == null ? null : 100 * n);
  }

  private static String f4(Double n) {
    return format("%.4f", n);
  }

  private static String f1(Double n) {
    return format("%.1f", n);
  }

  private static String f0(Double n) {
    return format("%.0f", n);
  }

  private static String format(String pattern, Double n) {
    return finite(n) == null ? "–" : String.format(Locale.ROOT, pattern, n);
  }

  private static final String CSS = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;"
      + "color:#222;padding:0 1em}h1{margin-bottom:.2em}.lead{font-size:1.1em;color:#444}section{margin:2em 0}"
      + "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}"
      + "th{background:#f4f4f4}table.cm td{min-width:2.6em;text-align:center}.chart{display:block;"
      + "margin:.8em 0}.chart svg{display:block;width:100%;height:auto}.none{color:#777;font-style:italic}.note{color:#555}pre{background:#f7f7f7;padding:1em;"
      + "overflow:auto;max-height:30em;font-size:13px}img{image-rendering:pixelated;border:1px solid #ddd}";
}
