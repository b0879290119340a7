package io.sparktrain.report;

import static io.sparktrain.report.Html.esc;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
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

  /** A run's files as read back: summary.json, metrics.jsonl lines, config.resolved.conf, misclassified.png. */
  public record RunFiles(JsonNode summary, List<JsonNode> metrics, String config, byte[] misclassifiedPng,
      byte[] lrFindPng, byte[] augmentationPng) {}

  private HtmlReport() {}

  public static String render(RunFiles run) {
    JsonNode s = run.summary();
    StringBuilder h = new StringBuilder(64 * 1024);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline';")
        .append(" img-src data:\">")
        .append("<title>sparktrain: ").append(esc(s.path("name").asText())).append("</title><style>")
        .append(CSS).append("</style></head><body>\n");
    h.append("<h1>").append(esc(s.path("name").asText())).append("</h1>\n<p class=\"lead\">test accuracy <b>")
        .append(pct(s.at("/test/accuracy"))).append("</b> on ").append(s.at("/test/examples").asLong())
        .append(" test examples");
    JsonNode tta = s.at("/test/testTimeAugmentation");
    if (!tta.isMissingNode()) {
      h.append(" (test-time augmentation, ").append(esc(tta.path("views").asText())).append("; ")
          .append(pct(tta.path("accuracyWithout"))).append(" without)");
    }
    h.append(" · ").append(s.at("/epochs/completed").asInt()).append(" epochs · ")
        .append(esc(s.path("finishedAt").asText())).append("</p>\n");
    curves(h, run.metrics(), s);
    learningRate(h, run.metrics(), s);
    health(h, run.metrics(), s);
    lrRange(h, s, run.lrFindPng());
    test(h, s);
    misclassified(h, run.misclassifiedPng());
    augmentation(h, s, run.augmentationPng());
    data(h, s);
    timings(h, run.metrics(), s);
    provenance(h, s, run.config());
    h.append("</body></html>\n");
    return h.toString();
  }

  private static void curves(StringBuilder h, List<JsonNode> metrics, JsonNode s) {
    List<Integer> epochs = new ArrayList<>();
    Map<String, List<Double>> loss = new LinkedHashMap<>();
    loss.put("train loss", new ArrayList<>());
    loss.put("validation loss", new ArrayList<>());
    Map<String, List<Double>> acc = new LinkedHashMap<>();
    acc.put("validation accuracy", new ArrayList<>());
    List<Double> gap = new ArrayList<>();
    for (JsonNode m : epochMetrics(metrics)) {
      epochs.add(m.path("epoch").asInt());
      loss.get("train loss").add(num(m.get("trainLoss")));
      loss.get("validation loss").add(num(m.get("validationLoss")));
      acc.get("validation accuracy").add(num(m.get("validationAccuracy")));
      Double t = num(m.get("trainLoss"));
      Double v = num(m.get("validationLoss"));
      gap.add(t == null || v == null ? null : v - t);
    }
    h.append("<section id=\"curves\"><h2>Loss and accuracy per epoch</h2>\n<div class=\"chart\" id=\"chart-loss\">")
        .append(Charts.line("Loss", "epoch", "loss", epochs, loss, false)).append("</div>\n<div class=\"chart\" id=\"chart-accuracy\">")
        .append(Charts.line("Validation accuracy", "epoch", "accuracy", epochs, acc, false)).append("</div>\n");
    List<Integer> roundIndex = new ArrayList<>();
    List<Double> roundLoss = new ArrayList<>();
    for (JsonNode m : metrics) {
      if ("round".equals(m.path("type").asText())) {
        roundIndex.add(roundIndex.size() + 1);
        roundLoss.add(num(m.get("trainLoss")));
      }
    }
    if (!roundIndex.isEmpty()) {
      h.append("<div class=\"chart\" id=\"chart-rounds\">")
          .append(Charts.line("Training loss per averaging round", "round", "mean minibatch loss", roundIndex,
              Map.of("train loss", roundLoss), false)).append("</div>\n");
    }
    h.append("<table><tr><th>epoch</th><th>train loss</th><th>validation loss</th><th>gap (val − train)</th>"
        + "<th>validation accuracy</th><th>examples/s</th><th>seconds</th></tr>\n");
    List<JsonNode> rows = epochMetrics(metrics);
    for (int i = 0; i < rows.size(); i++) {
      JsonNode m = rows.get(i);
      h.append("<tr><td>").append(m.path("epoch").asInt()).append("</td><td>").append(f4(m.get("trainLoss")))
          .append("</td><td>").append(f4(m.get("validationLoss"))).append("</td><td>")
          .append(gap.get(i) == null ? "–" : String.format(Locale.ROOT, "%+.4f", gap.get(i))).append("</td><td>")
          .append(f4(m.get("validationAccuracy"))).append("</td><td>").append(f0(m.get("examplesPerSecond")))
          .append("</td><td>").append(f1(m.get("seconds"))).append("</td></tr>\n");
    }
    JsonNode stop = s.at("/health/stopping");
    if (stop.isMissingNode()) {
      h.append("</table></section>\n");
    } else {
      h.append("</table><p class=\"note\">Stopped by ").append(esc(stop.path("stoppedBy").asText()))
          .append(": ").append(esc(stop.path("reason").asText())).append(". The model is epoch ")
          .append(stop.path("chosenEpoch").asInt()).append("'s.</p></section>\n");
    }
  }

  private static void learningRate(StringBuilder h, List<JsonNode> metrics, JsonNode s) {
    double lr = s.at("/training/learningRate").asDouble(Double.NaN);
    List<Integer> rounds = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    for (JsonNode m : metrics) {
      if ("round".equals(m.path("type").asText())) {
        rounds.add(rounds.size() + 1);
        values.add(m.hasNonNull("learningRate") ? m.get("learningRate").asDouble() : lr);
      }
    }
    h.append("<section id=\"learning-rate\"><h2>Learning rate</h2>\n<div class=\"chart\" id=\"chart-lr\">")
        .append(Charts.line("Learning rate per averaging round", "round", "learning rate", rounds,
            Map.of("learning rate", values), true))
        .append("</div><p class=\"note\">").append(esc(s.at("/training/updater").asText("")))
        .append(", learning rate from ").append(esc(s.at("/health/learningRate/source").asText("the config")))
        .append(": ").append(esc(s.at("/health/learningRate/initial").asText("?"))).append(" at the start, ")
        .append(esc(s.at("/health/learningRate/final").asText("?"))).append(" at the end; schedule ")
        .append(esc(s.at("/training/schedule").asText("none"))).append("; ")
        .append(s.at("/health/guard/recoveries").asInt(0)).append(" divergence recoveries.</p></section>\n");
  }

  private static void health(StringBuilder h, List<JsonNode> metrics, JsonNode s) {
    h.append("<section id=\"health\"><h2>Gradient health</h2>\n");
    JsonNode diagnoses = s.at("/health/diagnoses");
    if (diagnoses.isArray() && diagnoses.size() > 0) {
      h.append("<ul class=\"diagnoses\">");
      for (JsonNode d : diagnoses) {
        h.append("<li><b>").append(esc(d.path("kind").asText())).append("</b> (epoch ").append(d.path("epoch").asInt())
            .append(", round ").append(d.path("round").asInt()).append(", held in ").append(d.path("rounds").asInt())
            .append(" rounds): ").append(esc(d.path("message").asText())).append("</li>");
      }
      h.append("</ul>\n");
    } else {
      h.append("<p>No diagnosis: no vanishing or exploding gradients and no dead ReLU units were found.</p>\n");
    }
    JsonNode recoveries = s.at("/health/guard/events");
    if (recoveries.isArray() && recoveries.size() > 0) {
      h.append("<table><tr><th>epoch</th><th>round</th><th>divergence</th><th>learning rate</th></tr>");
      for (JsonNode r : recoveries) {
        h.append("<tr><td>").append(r.path("epoch").asInt()).append("</td><td>").append(r.path("round").asInt())
            .append("</td><td>").append(esc(r.path("reason").asText())).append("</td><td>")
            .append(esc(r.path("learningRateBefore").asText())).append(" → ")
            .append(esc(r.path("learningRateAfter").asText())).append("</td></tr>");
      }
      h.append("</table>\n");
    }
    Map<String, List<Double>> norms = new java.util.LinkedHashMap<>();
    Map<String, List<Double>> ratios = new java.util.LinkedHashMap<>();
    List<Integer> x = new ArrayList<>();
    for (JsonNode m : metrics) {
      if (!"health".equals(m.path("type").asText())) {
        continue;
      }
      x.add(x.size() + 1);
      for (JsonNode l : m.path("layers")) {
        if (l.hasNonNull("gradientNorm")) {
          String name = "layer " + l.path("layer").asInt() + " " + l.path("type").asText();
          norms.computeIfAbsent(name, k -> padded(x.size() - 1)).add(num(l.get("gradientNorm")));
          ratios.computeIfAbsent(name, k -> padded(x.size() - 1)).add(
              l.hasNonNull("log10UpdateRatio") ? Math.pow(10, l.get("log10UpdateRatio").asDouble()) : null);
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
        .append("</div><p class=\"note\">").append(s.at("/health/samples").asInt())
        .append(" sampled minibatches, medians per averaging round.</p></section>\n");
  }

  private static void augmentation(StringBuilder h, JsonNode s, byte[] png) {
    h.append("<section id=\"augmentation\"><h2>Augmentation</h2>");
    JsonNode ops = s.at("/augmentation/pipeline");
    if (!ops.isArray() || ops.isEmpty()) {
      h.append("<p class=\"none\">No augmentation was configured.</p></section>\n");
      return;
    }
    h.append("<p>On the executors, every epoch, in this order (randomness from the run seed, the epoch and the"
        + " example's index):</p><ol>");
    for (JsonNode op : ops) {
      h.append("<li>").append(esc(op.asText())).append("</li>");
    }
    h.append("</ol>");
    if (png != null) {
      h.append("<img alt=\"training images and their augmented copies\" src=\"data:image/png;base64,")
          .append(java.util.Base64.getEncoder().encodeToString(png)).append("\">");
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

  private static void lrRange(StringBuilder h, JsonNode s, byte[] png) {
    h.append("<section id=\"lr-range\"><h2>Learning-rate range test</h2>");
    JsonNode lr = s.at("/health/learningRate/lrFind");
    if (lr.isMissingNode() || lr.isNull()) {
      h.append("<p class=\"none\">No range test ran for this run; the learning rate came from the config.</p></section>\n");
      return;
    }
    h.append("<p>Suggested learning rate <b>").append(esc(lr.path("suggestion").asText())).append("</b> (")
        .append(esc(lr.path("rule").asText())).append("; minimum loss at ")
        .append(esc(lr.path("minimumLossLearningRate").asText())).append(", ").append(lr.path("points").asInt())
        .append(" iterations on ").append(lr.path("workers").asInt()).append(" workers).</p>");
    if (png != null) {
      h.append("<img alt=\"loss against learning rate\" src=\"data:image/png;base64,")
          .append(java.util.Base64.getEncoder().encodeToString(png)).append("\">");
    }
    h.append("</section>\n");
  }

  private static void test(StringBuilder h, JsonNode s) {
    JsonNode t = s.path("test");
    h.append("<section id=\"test\"><h2>Test set</h2><p>accuracy ").append(pct(t.get("accuracy")))
        .append(" · loss ").append(f4(t.get("loss"))).append(" · macro F1 ").append(f4(t.get("macroF1")))
        .append("</p>\n<table><tr><th>class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>\n");
    for (JsonNode c : t.path("perClass")) {
      h.append("<tr><td>").append(esc(c.path("name").asText())).append("</td><td>").append(f4(c.get("precision")))
          .append("</td><td>").append(f4(c.get("recall"))).append("</td><td>").append(f4(c.get("f1")))
          .append("</td><td>").append(c.path("support").asLong()).append("</td></tr>\n");
    }
    h.append("</table>\n<h3>Confusion matrix (rows: actual, columns: predicted)</h3>\n<table class=\"cm\" id=\"confusion\"><tr><th></th>");
    JsonNode labels = t.at("/confusionMatrix/labels");
    labels.forEach(l -> h.append("<th>").append(esc(l.asText())).append("</th>"));
    h.append("</tr>\n");
    JsonNode counts = t.at("/confusionMatrix/counts");
    for (int i = 0; i < counts.size(); i++) {
      long rowTotal = 0;
      for (JsonNode c : counts.get(i)) {
        rowTotal += c.asLong();
      }
      h.append("<tr><th>").append(esc(labels.path(i).asText())).append("</th>");
      for (int j = 0; j < counts.get(i).size(); j++) {
        long n = counts.get(i).get(j).asLong();
        double share = rowTotal == 0 ? 0 : (double) n / rowTotal;
        String colour = i == j ? "40,140,70" : "200,60,50";
        h.append(String.format(Locale.ROOT, "<td style=\"background:rgba(%s,%.2f)\">%d</td>", colour,
            n == 0 ? 0 : 0.1 + 0.8 * share, n));
      }
      h.append("</tr>\n");
    }
    h.append("</table></section>\n");
  }

  private static void misclassified(StringBuilder h, byte[] png) {
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

  private static void data(StringBuilder h, JsonNode s) {
    JsonNode d = s.path("data");
    h.append("<section id=\"data\"><h2>Data</h2><table>");
    row(h, "format", d.path("format").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = d.path("sources").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      row(h, "source: " + e.getKey(), e.getValue().asText());
    }
    row(h, "example shape", d.path("shape").asText());
    row(h, "train / validation / test", d.at("/sizes/train").asLong() + " / " + d.at("/sizes/validation").asLong()
        + " / " + d.at("/sizes/test").asLong());
    row(h, "normalisation", d.path("normalization").toString());
    JsonNode rejected = d.path("rejected");
    if (rejected.path("total").asLong(0) == 0) {
      row(h, "rejected records", "none (above data.maxRejectedFraction = "
          + rejected.path("maxRejectedFraction").asText("0.01") + " of a source, the run stops before training)");
    } else {
      for (JsonNode r : rejected.path("sources")) {
        StringBuilder reasons = new StringBuilder();
        for (Iterator<Map.Entry<String, JsonNode>> it = r.path("byReason").fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> e = it.next();
          reasons.append(reasons.length() > 0 ? ", " : "").append(e.getValue().asLong()).append(' ').append(e.getKey());
        }
        row(h, "rejected: " + r.path("source").asText(), r.path("rejected").asLong() + " of " + r.path("records").asLong()
            + " records (" + reasons + "), quarantined in " + r.path("quarantine").asText());
      }
    }
    h.append("</table>\n<h3>Class balance</h3><table><tr><th>class</th><th>training examples</th><th>share</th>"
        + "<th>test examples</th><th>share</th></tr>");
    long trainTotal = 0;
    long testTotal = 0;
    for (JsonNode c : s.at("/test/perClass")) {
      testTotal += c.path("support").asLong();
    }
    for (JsonNode n : d.path("trainClassCounts")) {
      trainTotal += n.asLong();
    }
    int i = 0;
    for (JsonNode c : s.at("/test/perClass")) {
      long test = c.path("support").asLong();
      JsonNode trainCount = d.path("trainClassCounts").path(i++);
      h.append("<tr><td>").append(esc(c.path("name").asText())).append("</td><td>")
          .append(trainCount.isNumber() ? trainCount.asLong() : "–").append("</td><td>")
          .append(trainCount.isNumber() ? share(trainCount.asLong(), trainTotal) : "–").append("</td><td>")
          .append(test).append("</td><td>").append(share(test, testTotal)).append("</td></tr>");
    }
    h.append("</table></section>\n");
  }

  private static void timings(StringBuilder h, List<JsonNode> metrics, JsonNode s) {
    List<Integer> epochs = new ArrayList<>();
    Map<String, List<Double>> parts = new LinkedHashMap<>();
    Map<String, String> names = new LinkedHashMap<>();
    names.put("workerFit", "fit on the workers");
    names.put("broadcast", "parameter broadcast");
    names.put("averaging", "averaging");
    names.put("data", "data (export, count, split)");
    names.values().forEach(n -> parts.put(n, new ArrayList<>()));
    parts.put("training, all", new ArrayList<>());
    parts.put("validation", new ArrayList<>());
    for (JsonNode m : epochMetrics(metrics)) {
      epochs.add(m.path("epoch").asInt());
      names.forEach((key, name) -> parts.get(name).add(num(m.at("/trainTime/" + key))));
      parts.get("training, all").add(num(m.get("trainSeconds")));
      parts.get("validation").add(num(m.get("validationSeconds")));
    }
    parts.values().removeIf(v -> v.stream().allMatch(x -> x == null));
    h.append("<section id=\"time\"><h2>Time</h2><div class=\"chart\" id=\"chart-time\">")
        .append(Charts.line("Seconds per epoch", "epoch", "seconds", epochs, parts, false)).append("</div>")
        .append("<p class=\"note\">From dl4j-spark's training statistics; worker times are divided by the number of"
            + " workers to read as wall-clock time. The parts need not add up to the total: scheduling and task"
            + " start-up are in none of them.</p><table>");
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("timings").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      row(h, e.getKey(), String.format(Locale.ROOT, "%.1f", e.getValue().asDouble()));
    }
    h.append("</table></section>\n");
  }

  private static void provenance(StringBuilder h, JsonNode s, String config) {
    h.append("<section id=\"provenance\"><h2>Provenance</h2><table>");
    row(h, "seed", s.path("seed").asText());
    row(h, "git commit", s.path("gitCommit").asText());
    row(h, "Spark master", s.at("/spark/master").asText());
    row(h, "parallelism", s.at("/spark/defaultParallelism").asText());
    row(h, "executors", s.at("/spark/executors").asText());
    row(h, "application", s.at("/spark/applicationId").asText());
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("versions").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      row(h, "version: " + e.getKey(), e.getValue().asText());
    }
    h.append("</table><h3>Resolved config (secrets masked)</h3><pre>").append(esc(config)).append("</pre></section>\n");
  }

  private static List<JsonNode> epochMetrics(List<JsonNode> metrics) {
    return metrics.stream().filter(m -> "epoch".equals(m.path("type").asText())).toList();
  }

  private static String share(long n, long total) {
    return String.format(Locale.ROOT, "%.1f%%", total == 0 ? 0 : 100.0 * n / total);
  }

  private static void row(StringBuilder h, String key, String value) {
    h.append("<tr><th>").append(esc(key)).append("</th><td>").append(esc(value)).append("</td></tr>\n");
  }

  private static Double num(JsonNode n) {
    return n == null || !n.isNumber() ? null : n.asDouble();
  }

  private static String pct(JsonNode n) {
    return n == null || !n.isNumber() ? "–" : String.format(Locale.ROOT, "%.2f%%", 100 * n.asDouble());
  }

  private static String f4(JsonNode n) {
    return n == null || !n.isNumber() ? "–" : String.format(Locale.ROOT, "%.4f", n.asDouble());
  }

  private static String f1(JsonNode n) {
    return n == null || !n.isNumber() ? "–" : String.format(Locale.ROOT, "%.1f", n.asDouble());
  }

  private static String f0(JsonNode n) {
    return n == null || !n.isNumber() ? "–" : String.format(Locale.ROOT, "%.0f", n.asDouble());
  }

  private static final String CSS = "body{font:15px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;"
      + "color:#222;padding:0 1em}h1{margin-bottom:.2em}.lead{font-size:1.1em;color:#444}section{margin:2em 0}"
      + "table{border-collapse:collapse;margin:.6em 0}td,th{border:1px solid #ddd;padding:3px 8px;text-align:right}"
      + "th{background:#f4f4f4}table.cm td{min-width:2.6em;text-align:center}.chart{display:inline-block;"
      + "margin:.4em}.none{color:#777;font-style:italic}.note{color:#555}pre{background:#f7f7f7;padding:1em;"
      + "overflow:auto;max-height:30em;font-size:13px}img{image-rendering:pixelated;border:1px solid #ddd}";
}
