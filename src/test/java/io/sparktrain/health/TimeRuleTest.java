package io.sparktrain.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import io.sparktrain.config.UpdaterSpec;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The through-time rules on synthetic gradients: no network, no Spark. */
class TimeRuleTest {
  private static ModelConfig model(String recurrent, String clipping) {
    LayerSpec rnn = new LayerSpec("model.layers[0]", recurrent, 16, 0, List.of(3, 1), List.of(1, 1), "same", "max",
        0.5, "mcxent", "tanh", "", new LayerSpec.SequenceKeys("lstm", "concat", 1.0, 4.0, 0));
    LayerSpec last = new LayerSpec("model.layers[1]", "lasttimestep", 0, 0, List.of(3, 1), List.of(1, 1), "same",
        "max", 0.5, "mcxent", "", "");
    LayerSpec out = new LayerSpec("model.layers[2]", "output", 0, 0, List.of(3, 1), List.of(1, 1), "same", "max", 0.5,
        "mcxent", "softmax", "");
    return new ModelConfig(List.of(rnn, last, out), "relu", "xavier", 0, new UpdaterSpec("sgd", 0.1, 0.9), clipping,
        10);
  }

  /** A gradient that changes by {@code perStep} with every step back from the last (1 at the last step). */
  private static double[] geometric(int steps, double perStep) {
    double[] g = new double[steps];
    for (int t = 0; t < steps; t++) {
      g[t] = Math.pow(perStep, steps - 1 - t);
    }
    return g;
  }

  private static HealthSample sample(double[] steps) {
    return new HealthSample(new double[] {1, Double.NaN, 1}, new double[] {1e-3, Double.NaN, 1e-3},
        new double[] {0.5, 0.5, 0.5}, new double[] {Double.NaN, Double.NaN, Double.NaN}, false, 1.0, steps);
  }

  private static TimeHealth health(double[]... samples) {
    List<HealthSample> s = java.util.Arrays.stream(samples).map(TimeRuleTest::sample).toList();
    return TimeHealth.merge(s, List.of("simplernn", "lasttimestep", "output")).orElseThrow();
  }

  @Test
  void merge_takesTheMedianPerStep_andNamesTheFirstRecurrentLayer() {
    TimeHealth h = health(new double[] {1, 2, 3}, new double[] {3, 4, 5}, new double[] {2, 9, 4});
    assertThat(h.norms()).containsExactly(2, 4, 4);
    assertThat(h.layer()).isZero();
    assertThat(h.type()).isEqualTo("simplernn");
    assertThat(h.peakFirstToLast()).isEqualTo(0.6, org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void merge_withoutSequenceSamples_isEmpty() {
    HealthSample flat = new HealthSample(new double[] {1}, new double[] {1e-3}, new double[] {1},
        new double[] {Double.NaN}, false, 1.0);
    assertThat(TimeHealth.merge(List.of(flat), List.of("dense"))).isEmpty();
  }

  @Test
  void horizon_isTheStepsBackBeforeTheGradientFallsBelowTheFraction() {
    TimeHealth h = health(geometric(100, 0.5));
    // 0.5^9 = 0.002 >= 1e-3, 0.5^10 < 1e-3: the last 10 steps.
    assertThat(h.horizon(1e-3)).isEqualTo(10);
    assertThat(h.firstToLast()).isLessThan(1e-29);
  }

  @Test
  void vanishing_isReportedAfterConsecutiveRounds_withTheHorizonAndRemediesForASimpleRnn() {
    TimeRule rule = new TimeRule(DiagnoserTest.HEALTH, model("simplernn", "auto"));
    TimeHealth h = health(geometric(100, 0.7));
    assertThat(rule.observe(1, 0, h)).isEmpty();
    assertThat(rule.observe(1, 1, h)).isEmpty();
    assertThat(rule.holding()).isFalse();
    Optional<Diagnosis> d = rule.observe(1, 2, h);
    assertThat(d).isPresent();
    assertThat(rule.holding()).isTrue();
    assertThat(d.get().kind()).isEqualTo(TimeRule.VANISHING);
    assertThat(d.get().layers()).containsExactly(1);
    assertThat(d.get().message()).startsWith("layer 1 (simplernn): gradients vanish through time: the gradient at "
        + "step 1 is ").contains("of that at step 100").contains("longer than about 20 steps").contains("lstm")
        .contains("model.tbpttLength");
  }

  @Test
  void vanishingInAnLstm_suggestsTheForgetGateBias() {
    TimeRule rule = new TimeRule(DiagnoserTest.HEALTH, model("lstm", "auto"));
    TimeHealth h = health(geometric(100, 0.7));
    rule.observe(1, 0, h);
    rule.observe(1, 1, h);
    assertThat(rule.observe(1, 2, h).orElseThrow().message()).contains("model.layers[0].forgetGateBias, now 1.0");
  }

  @Test
  void aRoundAboveTheThreshold_breaksTheVanishingStreak() {
    TimeRule rule = new TimeRule(DiagnoserTest.HEALTH, model("simplernn", "auto"));
    rule.observe(1, 0, health(geometric(100, 0.7)));
    rule.observe(1, 1, health(geometric(100, 0.7)));
    assertThat(rule.observe(1, 2, health(geometric(100, 0.99)))).isEmpty();
    assertThat(rule.observe(1, 3, health(geometric(100, 0.7)))).isEmpty();
  }

  @Test
  void exploding_isReportedOnTheFirstRound_fromOneSample_withTheGainAndClippingRemedies() {
    TimeRule rule = new TimeRule(DiagnoserTest.HEALTH, model("simplernn", "none"));
    // One sample exploding (2e4 over 20 steps), three after the weights were wrecked: the round's median is
    // small, its peak is the explosion.
    TimeHealth h = health(geometric(20, 1.7), geometric(20, 0.1), geometric(20, 0.1), geometric(20, 0.1));
    Optional<Diagnosis> d = rule.observe(1, 0, h);
    assertThat(d).isPresent();
    assertThat(d.get().kind()).isEqualTo(TimeRule.EXPLODING);
    assertThat(d.get().value()).isGreaterThan(2e4);
    assertThat(d.get().message()).contains("gradients explode through time").contains("about 1.70")
        .contains("recurrentGain, now 4.0").contains("model.gradientNormalization = auto");
    assertThat(rule.holding()).isTrue();
  }

  @Test
  void aHealthyGradient_isNeverReported() {
    TimeRule rule = new TimeRule(DiagnoserTest.HEALTH, model("lstm", "auto"));
    for (int r = 0; r < 10; r++) {
      assertThat(rule.observe(1, r, health(geometric(100, 0.98)))).isEmpty();
    }
    assertThat(rule.holding()).isFalse();
  }
}
