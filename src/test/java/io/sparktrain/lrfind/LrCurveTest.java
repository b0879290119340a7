package io.sparktrain.lrfind;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LrCurveTest {
  /** A typical range-test curve: flat, a steep fall around 1e-3, a minimum near 3e-2, then divergence. */
  private static double loss(double lr) {
    double x = Math.log10(lr);
    double fall = 1.5 / (1 + Math.exp(3 * (x + 3)));
    double blowUp = x > -1.5 ? Math.pow(10, 2 * (x + 1.5)) - 1 : 0;
    return 0.5 + fall + blowUp;
  }

  @Test
  void suggestion_isTheSteepestFallBeforeTheMinimum() {
    int n = 200;
    double[] lrs = new double[n];
    double[] losses = new double[n];
    for (int i = 0; i < n; i++) {
      lrs[i] = 1e-7 * Math.pow(1e8, i / (double) (n - 1));
      losses[i] = loss(lrs[i]);
    }
    LrCurve c = LrCurve.of(lrs, losses, 0.0, 4.0, 2);
    assertThat(c.rule()).isEqualTo(LrCurve.STEEPEST);
    assertThat(Math.log10(c.suggestion())).isBetween(-3.3, -2.7);
    assertThat(c.minimumLossRate()).isGreaterThan(c.suggestion());
    assertThat(c.learningRates().length).as("cut once the loss passes 4x the best").isLessThan(n);
    assertThat(c.csv()).startsWith("iteration,learningRate,loss,smoothedLoss\n0,1.000000e-07,");
    assertThat(c.describe()).contains("suggested learning rate", "2 workers");
  }

  @Test
  void smoothing_isBiasCorrected() {
    double[] lrs = {1e-5, 1e-4, 1e-3};
    double[] losses = {2.0, 2.0, 2.0};
    LrCurve c = LrCurve.of(lrs, losses, 0.98, 4.0, 1);
    for (double v : c.smoothed()) {
      assertThat(v).isCloseTo(2.0, org.assertj.core.api.Assertions.within(1e-12));
    }
  }

  @Test
  void aCurveThatNeverFalls_fallsBackToATenthOfTheMinimum() {
    double[] lrs = new double[30];
    double[] losses = new double[30];
    for (int i = 0; i < 30; i++) {
      lrs[i] = Math.pow(10, -6 + i * 0.1);
      losses[i] = 1.0 + i * 0.01;
    }
    LrCurve c = LrCurve.of(lrs, losses, 0.0, 4.0, 1);
    assertThat(c.rule()).isEqualTo(LrCurve.MIN_OVER_10);
    assertThat(c.suggestion()).isEqualTo(1e-7, org.assertj.core.api.Assertions.within(1e-12));
  }

  @Test
  void nanLoss_endsTheCurve() {
    double[] lrs = new double[20];
    double[] losses = new double[20];
    for (int i = 0; i < 20; i++) {
      lrs[i] = Math.pow(10, -6 + i * 0.3);
      losses[i] = i < 15 ? 2.0 - i * 0.1 : Double.NaN;
    }
    assertThat(LrCurve.of(lrs, losses, 0.5, 4.0, 1).learningRates()).hasSize(15);
  }
}
