package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.GuardConfig;
import org.junit.jupiter.api.Test;

/** The guard as a policy, on synthetic round losses: no network, no Spark. */
class DivergenceGuardTest {
  private final DivergenceGuard guard = new DivergenceGuard(new GuardConfig(true, 4.0, 10, 0.2, 2));
  private DivergenceGuard.State s = DivergenceGuard.State.initial();
  private int round;

  /** Judges the next round at the given rate and keeps the guard's new state. */
  private DivergenceGuard.Verdict round(double loss, double lr) {
    DivergenceGuard.Verdict v = guard.judge(s, 1, ++round, loss, true, lr, 0.01);
    s = v.next();
    return v;
  }

  private void good(double... losses) {
    for (double l : losses) {
      assertThat(round(l, 0.01)).isInstanceOf(DivergenceGuard.Keep.class);
    }
  }

  @Test
  void reason_nanLossOrParameters_diverged() {
    assertThat(guard.reason(s, Double.NaN, true)).contains("NaN");
    assertThat(guard.reason(s, Double.POSITIVE_INFINITY, true)).contains("Infinity");
    assertThat(guard.reason(s, 0.5, false)).contains("parameters hold NaN or Inf");
  }

  @Test
  void reason_spikeOverTheMedian_onlyOnceThereIsHistory() {
    assertThat(guard.reason(s, 50.0, true)).isNull();
    good(2.3, 1.9);
    assertThat(guard.reason(s, 50.0, true)).as("two rounds are too few to judge").isNull();
    good(1.6);
    assertThat(guard.reason(s, 1.8, true)).isNull();
    assertThat(guard.reason(s, 7.5, true)).isNull();
    assertThat(guard.reason(s, 7.7, true)).contains("x the median 1.9", "last 3 good rounds");
  }

  @Test
  void baseline_judgesTheFirstRoundsAgainstTheUntrainedLoss() {
    s = guard.baseline(s, 2.3);
    assertThat(guard.reason(s, 10.6, true)).contains("the median 2.3");
    assertThat(guard.reason(s, 2.1, true)).isNull();
  }

  @Test
  void nearZeroLosses_areJudgedAgainstATenthOfTheUntrainedLoss() {
    s = guard.baseline(s, 0.69);
    good(0.04, 0.03, 0.035, 0.03, 0.04);
    assertThat(guard.reason(s, 0.16, true)).as("one noisy round of a converged small job").isNull();
    assertThat(guard.reason(s, 0.28, true)).contains("the training loss 0.28");
  }

  @Test
  void noisyButHealthyLosses_neverDiverge() {
    java.util.Random random = new java.util.Random(1);
    double loss = 2.3;
    for (int i = 0; i < 200; i++) {
      good(loss * (0.6 + 0.8 * random.nextDouble()));
      loss *= 0.99;
    }
    assertThat(s.recent()).hasSize(10);
    assertThat(s.recoveries()).isEmpty();
  }

  @Test
  void loneFiniteSpike_undoneAtTheSameRate() {
    s = guard.baseline(s, 2.3);
    good(2.0, 1.8, 1.7);
    DivergenceGuard.Verdict v = round(9.0, 0.01);
    assertThat(v).isInstanceOf(DivergenceGuard.Undo.class);
    Recovery r = ((DivergenceGuard.Undo) v).recovery();
    assertThat(r.learningRateAfter()).as("a bad minibatch draw, not a rate too high").isEqualTo(0.01);
    assertThat(s.scale()).isEqualTo(1.0);
    assertThat(s.recent()).as("the undone round's loss is not history").doesNotContain(9.0);
  }

  @Test
  void nanLoss_undoneAndTheRateCut() {
    s = guard.baseline(s, 2.3);
    DivergenceGuard.Undo undo = (DivergenceGuard.Undo) round(Double.NaN, 0.05);
    assertThat(undo.recovery().learningRateAfter()).isEqualTo(0.05 * 0.2);
    assertThat(s.scale()).isEqualTo(0.2);
    assertThat(s.roundsSinceRecovery()).isZero();
  }

  @Test
  void secondSpikeWithinTheWindow_cutsTheRate_andAfterMaxRecoveriesGivesUp() {
    s = guard.baseline(s, 2.3);
    good(2.0, 1.8);
    assertThat(((DivergenceGuard.Undo) round(12.0, 0.01)).recovery().learningRateAfter()).isEqualTo(0.01);
    good(1.7);
    DivergenceGuard.Undo second = (DivergenceGuard.Undo) round(12.5, 0.01);
    assertThat(second.recovery().learningRateAfter()).as("a second spike within 10 rounds").isEqualTo(0.01 * 0.2);
    assertThat(s.recoveries()).hasSize(2);
    DivergenceGuard.Verdict third = round(Double.NaN, 0.002);
    assertThat(third).isInstanceOf(DivergenceGuard.GiveUp.class);
    assertThat(((DivergenceGuard.GiveUp) third).message()).contains("after 2 recoveries", "train.guard.maxRecoveries = 2",
        "started at 0.0100");
  }

  @Test
  void spikeAfterTheWindow_isALoneSpikeAgain() {
    s = guard.baseline(s, 2.3);
    assertThat(round(12.0, 0.01)).isInstanceOf(DivergenceGuard.Undo.class);
    for (int i = 0; i < 10; i++) {
      good(2.0);
    }
    assertThat(((DivergenceGuard.Undo) round(12.0, 0.01)).recovery().learningRateAfter()).isEqualTo(0.01);
  }

  @Test
  void disabled_keepsEveryRound() {
    DivergenceGuard off = new DivergenceGuard(new GuardConfig(false, 4.0, 10, 0.2, 2));
    DivergenceGuard.State start = DivergenceGuard.State.initial();
    assertThat(off.judge(start, 1, 1, Double.NaN, false, 0.1, 0.1)).isEqualTo(new DivergenceGuard.Keep(start));
  }

  @Test
  void state_isAValue_judgingDoesNotChangeTheStateItWasGiven() {
    s = guard.baseline(s, 2.3);
    DivergenceGuard.State before = s;
    guard.judge(before, 1, 1, Double.NaN, true, 0.1, 0.1);
    guard.judge(before, 1, 1, 1.0, true, 0.1, 0.1);
    assertThat(before).isEqualTo(guard.baseline(DivergenceGuard.State.initial(), 2.3));
  }
}
