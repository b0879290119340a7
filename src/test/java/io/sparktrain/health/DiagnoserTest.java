package io.sparktrain.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.HealthConfig;
import io.sparktrain.config.LayerSpec;
import io.sparktrain.config.ModelConfig;
import io.sparktrain.config.UpdaterSpec;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiagnoserTest {
  static final HealthConfig HEALTH = new HealthConfig(true, 10, 3, 1e-5, 1e-3, 0.1, 10, 5, 0.5,
      new HealthConfig.Stall(15, 2.0, 0.01, 0.5, 1e-4, 2));

  static LayerSpec dense(int i, String activation) {
    return new LayerSpec("model.layers[" + i + "]", "dense", 32, 0, List.of(3, 3), List.of(1, 1), "same", "max", 0.5,
        "mcxent", activation, "");
  }

  static ModelConfig mlp(int hidden, String activation, String updater, String clipping) {
    List<LayerSpec> layers = new ArrayList<>();
    for (int i = 0; i < hidden; i++) {
      layers.add(dense(i, ""));
    }
    layers.add(new LayerSpec("model.layers[" + hidden + "]", "output", 0, 0, List.of(3, 3), List.of(1, 1), "same",
        "max", 0.5, "mcxent", "softmax", ""));
    return new ModelConfig(layers, activation, "xavier", 0, new UpdaterSpec(updater, 0.1, 0.9), clipping, 10);
  }

  /** Per-layer health: hidden layers get {@code early} (first four) or {@code late}, the output layer -2.5. */
  static List<LayerHealth> round(int hidden, double earlyLog10Ratio, double earlyNorm, double late) {
    List<LayerHealth> out = new ArrayList<>();
    for (int i = 0; i < hidden; i++) {
      boolean early = i < 4;
      out.add(new LayerHealth(i, "dense", early ? earlyNorm : 0.5, early ? earlyLog10Ratio : late, 0.2, Double.NaN));
    }
    out.add(new LayerHealth(hidden, "output", 1.0, -2.5, Double.NaN, Double.NaN));
    return out;
  }

  @Test
  void earlyLayersWithTinyRatios_vanishing_namesTheLayersAndFittingRemedies_onceAfterKRounds() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(10, "sigmoid", "sgd", "none"), true, 0.1);
    assertThat(d.observe(1, 1, round(10, -6.7, 1e-4, -3), false, 2.3)).isEmpty();
    assertThat(d.observe(1, 2, round(10, -6.7, 1e-4, -3), false, 2.3)).isEmpty();
    List<Diagnosis> found = d.observe(1, 3, round(10, -6.7, 1e-4, -3), false, 2.3);
    assertThat(found).hasSize(1);
    Diagnosis v = found.get(0);
    assertThat(v.kind()).isEqualTo("vanishing");
    assertThat(v.layers()).containsExactly(1, 2, 3, 4);
    assertThat(v.message()).startsWith("layers 1-4 (dense): gradients vanish (update:parameter ratio 2.0e-07")
        .contains("sigmoid with 10 hidden layers", "use ReLU with He initialisation", "add batch normalisation",
            "make the network shallower", "adaptive updater");
    assertThat(d.observe(1, 4, round(10, -6.7, 1e-4, -3), false, 2.3)).as("reported once").isEmpty();
    assertThat(d.roundsFlagged()).containsEntry("vanishing", 2);
  }

  @Test
  void smallRatiosFromAScheduledLowRate_notVanishing_theSameAtTheFullRate_vanishing() {
    // The end of a cosine decay: the rate is a hundredth of the base rate, the updates with it.
    Diagnoser decayed = new Diagnoser(HEALTH, mlp(3, "relu", "adam", "none"), true, 0.001);
    decayed.learningRate(0.00001);
    for (int r = 1; r <= 4; r++) {
      assertThat(decayed.observe(150, r, round(3, -5.2, 0.4, -5.2), false, 0.02)).as("round " + r).isEmpty();
    }
    Diagnoser full = new Diagnoser(HEALTH, mlp(3, "relu", "adam", "none"), true, 0.001);
    List<Diagnosis> found = new ArrayList<>();
    for (int r = 1; r <= 4; r++) {
      found.addAll(full.observe(1, r, round(3, -5.2, 0.4, -5.2), false, 0.02));
    }
    assertThat(found).extracting(Diagnosis::kind).containsExactly("vanishing");
  }

  @Test
  void healthyRatiosAndNorms_noDiagnosis() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(3, "relu", "adam", "auto"), true, 0.001);
    for (int r = 1; r <= 50; r++) {
      double noise = 1 + 0.5 * Math.sin(r);
      assertThat(d.observe(1, r, round(3, -3 + 0.3 * Math.sin(r), 0.3 * noise, -2.8), false, 1.0 / r)).isEmpty();
    }
    assertThat(d.diagnoses()).isEmpty();
  }

  @Test
  void nanGradients_explodingAtOnce_withRemediesForTheModel() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(2, "relu", "sgd", "none"), false, 5.0);
    List<Diagnosis> found = d.observe(2, 7, List.of(), true, Double.NaN);
    assertThat(found).singleElement().satisfies(x -> {
      assertThat(x.kind()).isEqualTo("exploding");
      assertThat(x.message()).contains("NaN or Inf", "epoch 2, round 7", "lower the learning rate (now 5.0e+00",
          "clip gradients", "divergence guard is off");
    });
  }

  @Test
  void largeUpdateRatio_exploding_namesTheLayers() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(2, "relu", "adam", "auto"), true, 0.5);
    assertThat(d.observe(1, 1, round(2, -0.5, 1, -0.5), false, 2.0)).isEmpty();
    List<Diagnosis> found = d.observe(1, 2, round(2, -0.5, 1, -0.5), false, 2.0);
    assertThat(found).singleElement().satisfies(x -> {
      assertThat(x.kind()).isEqualTo("exploding");
      assertThat(x.layers()).containsExactly(1, 2);
      assertThat(x.message()).startsWith("layers 1-2 (dense): gradients explode (update:parameter ratio 3.2e-01")
          .doesNotContain("clip gradients");
    });
  }

  @Test
  void gradientNormGrowingTenfold_exploding() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(2, "relu", "adam", "auto"), true, 0.01);
    d.observe(1, 1, round(2, -3, 0.5, -3), false, 1.0);
    d.observe(1, 2, round(2, -3, 0.4, -3), false, 1.0);
    assertThat(d.observe(1, 3, round(2, -3, 20, -3), false, 1.0)).as("one noisy round is not growth").isEmpty();
    assertThat(d.observe(1, 4, round(2, -3, 0.4, -3), false, 1.0)).isEmpty();
    assertThat(d.observe(1, 5, round(2, -3, 0.5, -3), false, 1.0)).isEmpty();
    assertThat(d.observe(1, 6, round(2, -3, 20, -3), false, 1.0)).isEmpty();
    List<Diagnosis> found = d.observe(1, 7, round(2, -3, 25, -3), false, 1.0);
    assertThat(found).singleElement().satisfies(x -> assertThat(x.message()).contains("gradient norm grew"));
  }

  @Test
  void gradientNormGrowing_whileTheLossKeepsFalling_noAlarm() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(2, "relu", "adam", "auto"), true, 0.01);
    double[] norms = {0.5, 0.4, 0.4, 0.5, 0.4, 20, 25, 30};
    for (int r = 0; r < norms.length; r++) {
      assertThat(d.observe(1, r, round(2, -3, norms[r], -3), false, 1.0 - 0.05 * r)).isEmpty();
    }
    assertThat(d.state().normLosses()).hasSize(d.state().norms().size());
  }

  @Test
  void gradientBouncingBackFromNearZero_belowTheInitialScale_noAlarm() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(2, "relu", "adam", "auto"), true, 0.001);
    for (int r = 1; r <= 5; r++) {
      d.observe(1, r, scaled(3), false, 2.0);
    }
    for (int r = 6; r <= 10; r++) {
      d.observe(2, r, scaled(0.01), false, 0.01);
    }
    for (int r = 11; r <= 16; r++) {
      assertThat(d.observe(3, r, scaled(1.5), false, 0.05)).as("150x growth, but below the start").isEmpty();
    }
    for (int r = 17; r <= 20; r++) {
      d.observe(3, r, scaled(0.01), false, 0.01);
    }
    assertThat(d.observe(4, 21, scaled(40), false, 9)).isEmpty();
    assertThat(d.observe(4, 22, scaled(40), false, 9)).singleElement()
        .satisfies(x -> assertThat(x.message()).contains("gradient norm grew"));
  }

  /** Every layer's gradient norm {@code f}, healthy ratios. */
  static List<LayerHealth> scaled(double f) {
    return List.of(new LayerHealth(0, "dense", f, -3, 0.2, Double.NaN), new LayerHealth(1, "dense", f, -3, 0.2,
        Double.NaN), new LayerHealth(2, "output", f, -2.5, Double.NaN, Double.NaN));
  }

  @Test
  void mostlyDeadReluUnits_deadRelu() {
    Diagnoser d = new Diagnoser(HEALTH, mlp(2, "relu", "adam", "auto"), true, 0.01);
    List<LayerHealth> layers = List.of(new LayerHealth(0, "dense", 0.5, -3, 0.1, 0.8),
        new LayerHealth(1, "dense", 0.5, -3, 0.1, 0.1), new LayerHealth(2, "output", 1, -2.5, Double.NaN, Double.NaN));
    d.observe(1, 1, layers, false, 1);
    d.observe(1, 2, layers, false, 1);
    assertThat(d.observe(1, 3, layers, false, 1)).singleElement().satisfies(x -> {
      assertThat(x.kind()).isEqualTo("dead-relu");
      assertThat(x.message()).startsWith("layer 1 (dense): 80% of the ReLU units output 0");
    });
  }

  @Test
  void ranges() {
    assertThat(Diagnoser.ranges(List.of(1, 2, 3, 4, 7, 9, 10))).isEqualTo("1-4, 7, 9-10");
  }
}
