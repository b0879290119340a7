package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.GuardConfig;
import org.junit.jupiter.api.Test;

class DivergenceGuardTest {
  private final DivergenceGuard guard = new DivergenceGuard(new GuardConfig(true, 4.0, 10, 0.2, 5));

  @Test
  void nanLossOrParameters_diverged() {
    assertThat(guard.check(Double.NaN, true)).contains("NaN");
    assertThat(guard.check(Double.POSITIVE_INFINITY, true)).contains("Infinity");
    assertThat(guard.check(0.5, false)).contains("parameters hold NaN or Inf");
  }

  @Test
  void spikeOverTheMedian_diverged_onlyOnceThereIsHistory() {
    assertThat(guard.check(50.0, true)).isNull();
    guard.good(2.3);
    guard.good(1.9);
    assertThat(guard.check(50.0, true)).as("two rounds are too few to judge").isNull();
    guard.good(1.6);
    assertThat(guard.check(1.8, true)).isNull();
    assertThat(guard.check(7.5, true)).isNull();
    assertThat(guard.check(7.7, true)).contains("x the median 1.9", "last 3 good rounds");
  }

  @Test
  void baseline_judgesTheFirstRoundsAgainstTheUntrainedLoss() {
    guard.baseline(2.3);
    assertThat(guard.check(10.6, true)).contains("the median 2.3");
    assertThat(guard.check(2.1, true)).isNull();
  }

  @Test
  void nearZeroLosses_areJudgedAgainstATenthOfTheUntrainedLoss() {
    guard.baseline(0.69);
    for (double loss : new double[] {0.04, 0.03, 0.035, 0.03, 0.04}) {
      guard.good(loss);
    }
    assertThat(guard.check(0.16, true)).as("one noisy round of a converged small job").isNull();
    assertThat(guard.check(0.28, true)).contains("the training loss 0.28");
  }

  @Test
  void noisyButHealthyLosses_neverDiverge() {
    java.util.Random random = new java.util.Random(1);
    double loss = 2.3;
    for (int i = 0; i < 200; i++) {
      double observed = loss * (0.6 + 0.8 * random.nextDouble());
      assertThat(guard.check(observed, true)).isNull();
      guard.good(observed);
      loss *= 0.99;
    }
  }
}
