package io.sparktrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.report.schema.SummaryFile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

class ChartsTest {
  @Test
  void labelStep_roundNumbers_atMostTwelveLabels() {
    assertThat(Charts.labelStep(7)).isEqualTo(1);
    assertThat(Charts.labelStep(11)).isEqualTo(1);
    assertThat(Charts.labelStep(12)).isEqualTo(2);
    assertThat(Charts.labelStep(143)).isEqualTo(20);
    assertThat(Charts.labelStep(1_000)).isEqualTo(100);
    for (long span : List.of(0L, 5L, 30L, 143L, 999L, 12_345L, 1_000_000L)) {
      long step = Charts.labelStep(span);
      assertThat(span / step + 1).as("labels over %d", span).isLessThanOrEqualTo(Charts.MAX_X_LABELS);
      assertThat(String.valueOf(step)).matches("[125]0*");
    }
  }

  /** A gradient through time that underflowed to 0 at the first steps: drawn without them, in bounded time. */
  @Test
  @org.junit.jupiter.api.Timeout(30)
  void logAxis_leavesOutValuesThatAreNotPositive() {
    List<Integer> steps = IntStream.rangeClosed(1, 200).boxed().toList();
    List<Double> norms = new ArrayList<>();
    for (int t = 1; t <= 200; t++) {
      norms.add(t < 40 ? 0.0 : Math.pow(0.8, 200 - t));
    }
    String svg = Charts.line("through time", "time step", "norm", steps, Map.of("round 1", norms), true);
    assertThat(svg).startsWith("<svg").contains("<path");
  }

  /**
   * 200 steps kept as 100 (1, 3, ..., 198, 200, as the metrics log keeps them), norms down to float32's
   * smallest, x as decimals as the report passes them: drawn in bounded time.
   */
  @Test
  @org.junit.jupiter.api.Timeout(30)
  void logAxis_overFortyDecades_stepsKeptEveryOther_isDrawn() {
    List<Double> steps = new ArrayList<>();
    List<Double> norms = new ArrayList<>();
    for (int k = 0; k < 100; k++) {
      int t = (int) Math.round(k * 199.0 / 99) + 1;
      steps.add((double) t);
      norms.add(Math.max(1.4e-45, Math.pow(0.6, 200 - t)));
    }
    String svg = Charts.line("through time", "time step", "norm", steps, Map.of("round 1", norms), true);
    assertThat(svg).startsWith("<svg");
  }

  @Test
  void wholeNumberLabels_onlyAtStepsFromTheFirstRound() {
    XYChart chart = new XYChartBuilder().width(960).height(400).build();
    List<Integer> rounds = IntStream.rangeClosed(1, 144).boxed().toList();
    Charts.wholeNumberLabels(chart, rounds);
    var format = chart.getStyler().getxAxisTickLabelsFormattingFunction();
    List<String> labels = new ArrayList<>();
    for (int tick = 1; tick <= 144; tick += 5) {
      String label = format.apply((double) tick);
      if (!label.isEmpty()) {
        labels.add(label);
      }
    }
    assertThat(labels).containsExactly("1", "21", "41", "61", "81", "101", "121", "141");
    assertThat(format.apply(2.5)).isEmpty();
  }

  @Test
  void svg_scalesToThePage_legendBelowThePlot() {
    String svg = Charts.line("Validation accuracy", "epoch", "accuracy", List.of(1, 2, 3),
        Map.of("validation accuracy", List.of(0.7, 0.8, 0.9)), false);
    assertThat(svg).startsWith("<svg").contains("viewBox=\"0 0 " + Charts.WIDTH + " " + Charts.HEIGHT + "\"");
  }

  @Test
  void normalisation_inWords() {
    assertThat(HtmlReport.normalisation(new SummaryFile.Normalization("scale", 1f / 255, null)))
        .isEqualTo("scale: each value × 1/255 (to 0–1)");
    assertThat(HtmlReport.normalisation(new SummaryFile.Normalization("scale", 0.5f, null)))
        .isEqualTo("scale: each value × 0.500000");
    assertThat(HtmlReport.normalisation(new SummaryFile.Normalization("standardize", null, 30)))
        .startsWith("standardize: each of the 30 features minus the training split's mean").doesNotContain("{");
    assertThat(HtmlReport.normalisation(new SummaryFile.Normalization("none", null, null))).startsWith("none");
  }
}
