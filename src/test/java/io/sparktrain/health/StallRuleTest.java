package io.sparktrain.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.config.ModelConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.junit.jupiter.api.Test;

/** The stall rule on synthetic rounds: flat or falling losses, sound or broken gradients, high or low losses. */
class StallRuleTest {
  static final double UNTRAINED = Math.log(10);
  static final StallRule RULE = new StallRule(DiagnoserTest.HEALTH, tanhUniform());

  /** Six tanh layers, uniform initialisation, plain SGD: conf/diagnostics/plateau.conf's kind of model. */
  static ModelConfig tanhUniform() {
    ModelConfig m = DiagnoserTest.mlp(6, "tanh", "sgd", "none");
    return new ModelConfig(m.layers(), m.activation(), "uniform", m.l2(), m.updater(), m.gradientNormalization(),
        m.gradientThreshold());
  }

  /** Health where every weighted layer has this update ratio and a sound gradient norm. */
  static List<LayerHealth> layers(double log10Ratio) {
    return DiagnoserTest.round(6, log10Ratio, 0.5, log10Ratio);
  }

  /** Feeds rounds 0..n-1 with loss(i); the findings in order (with the round they came in). */
  static List<StallRule.Finding> feed(StallRule rule, int n, IntToDoubleFunction loss, double log10Ratio,
      IntToDoubleFunction rate, List<Double> validation) {
    List<StallRule.Finding> out = new ArrayList<>();
    StallRule.State s = StallRule.State.initial();
    for (int i = 0; i < n; i++) {
      StallRule.Result r = rule.observe(s, 1 + i / 20, i % 20, loss.applyAsDouble(i), rate.applyAsDouble(i),
          i % 2 == 0 ? layers(log10Ratio) : List.of(), UNTRAINED, validation);
      if (r.finding() != null) {
        out.add(r.finding());
      }
      s = r.next();
    }
    return out;
  }

  static List<StallRule.Finding> feed(int n, IntToDoubleFunction loss, double log10Ratio) {
    return feed(RULE, n, loss, log10Ratio, i -> 0.03, List.of());
  }

  /** Minibatch noise: a fixed zig-zag of the given amplitude. */
  static double noise(int i, double amplitude) {
    return amplitude * (((i * 7) % 5) - 2) / 2.0;
  }

  @Test
  void fit_recoversALineExactly() {
    List<Double> y = new ArrayList<>();
    for (int i = 0; i < 15; i++) {
      y.add(3.0 - 0.1 * i);
    }
    StallRule.Fit f = StallRule.fit(y);
    assertThat(f.fall()).isCloseTo(1.4, within(1e-12));
    assertThat(f.mean()).isCloseTo(2.3, within(1e-12));
    assertThat(f.standardError()).isCloseTo(0, within(1e-12));
  }

  @Test
  void flatNearTheUntrainedLoss_healthyUpdates_isASaddle_withHintsFromTheModel() {
    List<StallRule.Finding> found = feed(15, i -> 2.3 + noise(i, 0.004), -3.6);
    assertThat(found).hasSize(1);
    StallRule.Finding f = found.get(0);
    assertThat(f.kind()).isEqualTo(StallRule.Kind.SADDLE);
    assertThat(f.round()).isEqualTo(14);
    assertThat(f.kind().key()).isEqualTo("stall");
    assertThat(f.message()).startsWith("training has stalled on a plateau: the training loss stayed at 2.3")
        .contains("over the last 15 rounds", "100% of the untrained network's 2.3026",
            "neither vanishing nor exploding (median update:parameter ratio 2.5e-04; healthy is near 1e-3, too slow "
                + "below 1.0e-04)", "saddle point or a poor start",
            "a smaller learning rate would only slow the escape", "add batch normalisation",
            "use Adam instead of plain SGD", "model.weightInit = xavier");
    Diagnosis d = f.diagnosis("sparktrain raised the rate.");
    assertThat(d.kind()).isEqualTo("stall");
    assertThat(d.message()).endsWith(" sparktrain raised the rate.");
    assertThat(d.measure()).isEqualTo("trainLossFall");
  }

  @Test
  void flatAndHigh_withTinyUpdates_isARateTooSmall() {
    List<StallRule.Finding> found = feed(15, i -> 2.3 + noise(i, 0.004), -4.4);
    assertThat(found).extracting(StallRule.Finding::kind).containsExactly(StallRule.Kind.RATE_TOO_SMALL);
    assertThat(found.get(0).message()).contains("changes the weights by only 4.0e-05 of their size",
        "below 1.0e-04 learning is too slow", "the learning rate (now 3.0e-02) is too small", "lr-find");
  }

  @Test
  void aFallingLoss_isNoStall_evenWhenNoisy() {
    assertThat(feed(60, i -> 2.3 - 0.01 * i + noise(i, 0.02), -3.6)).isEmpty();
  }

  @Test
  void aFallWithinTheNoise_isFlat() {
    // Falls 0.042 over the window (1.9% of the loss, above minRelativeDrop) but the noise is ±0.2.
    List<StallRule.Finding> found = feed(15, i -> 2.2 - 0.003 * i + noise(i, 0.2), -3.6);
    assertThat(found).extracting(StallRule.Finding::kind).containsExactly(StallRule.Kind.SADDLE);
    assertThat(found.get(0).noise()).isGreaterThan(found.get(0).fall());
  }

  @Test
  void aSteadySlowFall_belowMinRelativeDrop_isFlat() {
    // Noise-free, so the fall is significant, but 0.5% of the loss per window is too slow to matter.
    List<StallRule.Finding> found = feed(15, i -> 2.3 - 0.0008 * i, -3.6);
    assertThat(found).extracting(StallRule.Finding::kind).containsExactly(StallRule.Kind.SADDLE);
  }

  @Test
  void vanishingOrExplodingGradients_areLeftToTheirRules() {
    assertThat(feed(30, i -> 2.3, -6.5)).isEmpty();
    assertThat(feed(30, i -> 2.3, -0.5)).isEmpty();
    // One layer whose gradient norm is a thousandth of the largest is vanishing too.
    StallRule.State s = StallRule.State.initial();
    for (int i = 0; i < 20; i++) {
      StallRule.Result r = RULE.observe(s, 1, i, 2.3, 0.03, DiagnoserTest.round(6, -3.5, 1e-5, -3.5), UNTRAINED,
          List.of());
      assertThat(r.finding()).isNull();
      s = r.next();
    }
  }

  @Test
  void aRisingRate_aWarmUp_isNotJudged() {
    assertThat(feed(RULE, 30, i -> 2.3, -4.5, i -> 1e-4 * (i + 1), List.of())).isEmpty();
  }

  @Test
  void flatAndLow_withTheValidationLossFlatToo_isConvergence_notAStall() {
    List<StallRule.Finding> found = feed(RULE, 15, i -> 0.35 + (i % 2 == 0 ? 0.01 : -0.01), -3.0, i -> 0.03,
        List.of(0.60, 0.41, 0.412, 0.415));
    assertThat(found).extracting(StallRule.Finding::kind).containsExactly(StallRule.Kind.CONVERGED);
    assertThat(found.get(0).kind().actionable()).isFalse();
    assertThat(found.get(0).message()).startsWith("training has converged")
        .contains("has not improved for 2 epochs (best 0.4100)", "train.earlyStopping.enabled = true");
  }

  @Test
  void low_andFallingBeneathTheNoise_isNotConvergence() {
    // The sample job's epoch 6: the loss falls 9% over the window, but its rounds vary by more.
    assertThat(feed(RULE, 15, i -> 0.48 - 0.003 * i + (i % 2 == 0 ? 0.1 : -0.1), -3.0, i -> 0.001,
        List.of(0.60, 0.44, 0.497, 0.443))).isEmpty();
  }

  @Test
  void low_andRisingBeneathTheNoise_isNotConvergence() {
    // The sample job's epoch 7: the fitted line rose by 0.055 within a noise of 0.074.
    assertThat(feed(RULE, 15, i -> 0.42 + 0.004 * i + (i % 2 == 0 ? 0.1 : -0.1), -3.0, i -> 0.001,
        List.of(0.60, 0.4446, 0.4969, 0.4433))).isEmpty();
  }

  @Test
  void flatAndLow_whileValidationStillImproves_isNothing() {
    assertThat(feed(RULE, 30, i -> 0.35 + noise(i, 0.01), -3.0, i -> 0.03, List.of(0.60, 0.50, 0.45, 0.41)))
        .isEmpty();
    assertThat(feed(RULE, 30, i -> 0.35, -3.0, i -> 0.03, List.of(0.60, 0.41))).as("too few epochs").isEmpty();
  }

  @Test
  void afterAFinding_theNextNeedsAWholeNewWindow() {
    List<StallRule.Finding> found = feed(44, i -> 2.3 + noise(i, 0.004), -3.6);
    assertThat(found).extracting(StallRule.Finding::round).containsExactly(14, 9);
    assertThat(found).extracting(StallRule.Finding::epoch).containsExactly(1, 2);
  }

  @Test
  void aRateJustCut_orAnUnknownUntrainedLoss_isNotJudged() {
    assertThat(feed(RULE, 24, i -> 2.3, -3.6, i -> i < 10 ? 0.03 : 0.003, List.of())).as("every window holds the cut")
        .isEmpty();
    StallRule.State s = StallRule.State.initial();
    for (int i = 0; i < 30; i++) {
      StallRule.Result r = RULE.observe(s, 1, i, 2.3, 0.03, layers(-3.6), Double.NaN, List.of(0.5, 0.4, 0.4, 0.4));
      assertThat(r.finding()).isNull();
      s = r.next();
    }
  }

  @Test
  void withoutHealthSamples_theMessageSaysVanishingIsNotRuledOut() {
    StallRule.State s = StallRule.State.initial();
    StallRule.Finding f = null;
    for (int i = 0; i < 15; i++) {
      StallRule.Result r = RULE.observe(s, 1, i, 2.3, 0.03, List.of(), UNTRAINED, List.of());
      f = r.finding() != null ? r.finding() : f;
      s = r.next();
    }
    assertThat(f.kind()).isEqualTo(StallRule.Kind.SADDLE);
    assertThat(f.message()).contains("no gradient-health samples, health.enabled = false");
  }

  @Test
  void nonFiniteLosses_areIgnored() {
    StallRule.Result r = RULE.observe(StallRule.State.initial(), 1, 0, Double.NaN, 0.03, layers(-3.6), UNTRAINED,
        List.of());
    assertThat(r.next()).isEqualTo(StallRule.State.initial());
    assertThat(r.finding()).isNull();
  }

  @Test
  void hints_fitTheModel() {
    ModelConfig relu = DiagnoserTest.mlp(3, "relu", "adam", "none");
    assertThat(new StallRule(DiagnoserTest.HEALTH, relu).hints()).isEqualTo(
        " For the model: add batch normalisation (a batchnorm layer after each hidden layer), or use He "
            + "initialisation (model.weightInit = relu).");
  }
}
