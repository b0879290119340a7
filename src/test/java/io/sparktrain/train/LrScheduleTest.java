package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.config.ScheduleConfig;
import org.junit.jupiter.api.Test;


class LrScheduleTest {
  private static ScheduleConfig config(String type) {
    return new ScheduleConfig(type, 0.5, 2, 1.0, 0.01, 0.3, 25, 10_000, 0.1, 1, 0.0, 1e-5, 1.0, 2.0);
  }

  @Test
  void sgdr_annealsEachCycleAndRestartsWithCyclesTwiceAsLong() {
    LrSchedule s = new LrSchedule(config("sgdr"), 0.1, 10);
    LrSchedule.State st = LrSchedule.State.initial();
    assertThat(s.rateAt(st, 0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(st, 0.5)).isCloseTo(0.1 * (0.01 + 0.99 * 0.5), within(1e-12));
    assertThat(s.rateAt(st, 0.999)).isLessThan(0.0011);
    // The second cycle starts at epoch 1 and lasts 2 epochs, the third starts at 3 and lasts 4.
    assertThat(s.rateAt(st, 1.0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(st, 2.0)).isCloseTo(0.1 * (0.01 + 0.99 * 0.5), within(1e-12));
    assertThat(s.rateAt(st, 3.0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(st, 5.0)).isCloseTo(0.1 * (0.01 + 0.99 * 0.5), within(1e-12));
    // The first round's rate is taken at its middle; with one round an epoch that is half-way through the cycle.
    assertThat(s.startRate()).isCloseTo(0.1 * (0.01 + 0.99 * 0.5), within(1e-12));
  }

  @Test
  void sgdr_restartedByAStall_beginsItsCyclesAgainThere() {
    LrSchedule s = new LrSchedule(config("sgdr"), 0.1, 10);
    LrSchedule.State restarted = s.restart(LrSchedule.State.initial(), 2.25);
    assertThat(restarted.cycleStart()).isEqualTo(2.25);
    assertThat(s.rateAt(restarted, 2.25)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(restarted, 2.75)).isCloseTo(0.1 * (0.01 + 0.99 * 0.5), within(1e-12));
    assertThat(s.rateAt(restarted, 3.25)).isCloseTo(0.1, within(1e-12));
    // Other schedules have no cycle: a restart changes nothing.
    LrSchedule cosine = new LrSchedule(config("cosine"), 0.1, 10);
    assertThat(cosine.restart(LrSchedule.State.initial(), 2.25)).isEqualTo(LrSchedule.State.initial());
    assertThat(LrSchedule.progress(3, 5, 10)).isEqualTo(2.5);
  }

  @Test
  void none_keepsTheRate() {
    LrSchedule s = new LrSchedule(config("none"), 0.01, 10);
    assertThat(s.rate(LrSchedule.State.initial(), 1, 0, 10)).isEqualTo(0.01);
    assertThat(s.rate(LrSchedule.State.initial(), 10, 9, 10)).isEqualTo(0.01);
  }

  @Test
  void step_halvesEveryStepEpochs() {
    LrSchedule s = new LrSchedule(config("step"), 0.1, 10);
    assertThat(s.rate(LrSchedule.State.initial(), 1, 5, 10)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rate(LrSchedule.State.initial(), 2, 9, 10)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rate(LrSchedule.State.initial(), 3, 0, 10)).isCloseTo(0.05, within(1e-12));
    assertThat(s.rate(LrSchedule.State.initial(), 5, 0, 10)).isCloseTo(0.025, within(1e-12));
  }

  @Test
  void exponential_multipliesEveryEpoch() {
    LrSchedule s = new LrSchedule(config("exponential"), 0.1, 10);
    assertThat(s.rate(LrSchedule.State.initial(), 1, 3, 10)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rate(LrSchedule.State.initial(), 3, 3, 10)).isCloseTo(0.025, within(1e-12));
  }

  @Test
  void cosine_warmsUpLinearlyThenDecaysToMinFactor() {
    LrSchedule s = new LrSchedule(config("cosine"), 0.1, 5);
    double first = s.rate(LrSchedule.State.initial(), 1, 0, 10);
    assertThat(first).isCloseTo(0.005, within(1e-12)).isGreaterThan(0);
    assertThat(s.rate(LrSchedule.State.initial(), 1, 5, 10)).isGreaterThan(first);
    assertThat(s.rateAt(LrSchedule.State.initial(), 1.0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(LrSchedule.State.initial(), 3.0)).isLessThan(0.1).isGreaterThan(0.001);
    assertThat(s.rateAt(LrSchedule.State.initial(), 5.0)).isCloseTo(0.001, within(1e-12));
  }

  @Test
  void oneCycle_risesToThePeakThenFallsFarBelowTheStart() {
    LrSchedule s = new LrSchedule(config("onecycle"), 0.1, 10);
    assertThat(s.rateAt(LrSchedule.State.initial(), 0)).isCloseTo(0.004, within(1e-12));
    assertThat(s.rateAt(LrSchedule.State.initial(), 3.0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(LrSchedule.State.initial(), 1.5)).isBetween(0.004, 0.1);
    assertThat(s.rateAt(LrSchedule.State.initial(), 10.0)).isCloseTo(0.004 / 10_000, within(1e-12));
  }

  @Test
  void plateau_lowersTheRateAfterPatienceEpochsWithoutImprovement() {
    LrSchedule s = new LrSchedule(config("plateau"), 0.1, 10);
    LrSchedule.State st = LrSchedule.State.initial();
    for (double loss : new double[] {1.0, 0.9, 0.95}) {
      LrSchedule.EpochEnd e = s.epochEnd(st, loss);
      assertThat(e.lowered()).isFalse();
      st = e.next();
    }
    assertThat(s.rate(st, 4, 0, 1)).isCloseTo(0.1, within(1e-12));
    LrSchedule.EpochEnd cut = s.epochEnd(st, 0.91);
    assertThat(cut.lowered()).isTrue();
    st = cut.next();
    assertThat(s.rate(st, 5, 0, 1)).isCloseTo(0.01, within(1e-12));
    LrSchedule.EpochEnd better = s.epochEnd(st, 0.5);
    assertThat(better.lowered()).isFalse();
    assertThat(s.rate(better.next(), 6, 0, 1)).isCloseTo(0.01, within(1e-12));
    assertThat(better.next().bestLoss()).isEqualTo(0.5);
  }

  @Test
  void plateau_neverBelowTheMinimumRate() {
    LrSchedule s = new LrSchedule(config("plateau"), 1e-4, 10);
    LrSchedule.State st = LrSchedule.State.initial();
    for (int i = 0; i < 20; i++) {
      st = s.epochEnd(st, 1.0).next();
    }
    assertThat(s.rate(st, 20, 0, 1)).isEqualTo(1e-5);
  }

  @Test
  void otherSchedules_ignoreTheValidationLoss() {
    LrSchedule s = new LrSchedule(config("cosine"), 0.1, 10);
    LrSchedule.State st = LrSchedule.State.initial();
    assertThat(s.epochEnd(st, 5.0)).isEqualTo(new LrSchedule.EpochEnd(st, false));
    assertThat(s.startRate()).isEqualTo(s.rate(st, 1, 0, 1));
  }
}
