package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.sparktrain.config.ScheduleConfig;
import org.junit.jupiter.api.Test;

class LrScheduleTest {
  private static ScheduleConfig config(String type) {
    return new ScheduleConfig(type, 0.5, 2, 1.0, 0.01, 0.3, 25, 10_000, 0.1, 1, 0.0, 1e-5);
  }

  @Test
  void none_keepsTheRate() {
    LrSchedule s = new LrSchedule(config("none"), 0.01, 10);
    assertThat(s.rate(1, 0, 10)).isEqualTo(0.01);
    assertThat(s.rate(10, 9, 10)).isEqualTo(0.01);
  }

  @Test
  void step_halvesEveryStepEpochs() {
    LrSchedule s = new LrSchedule(config("step"), 0.1, 10);
    assertThat(s.rate(1, 5, 10)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rate(2, 9, 10)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rate(3, 0, 10)).isCloseTo(0.05, within(1e-12));
    assertThat(s.rate(5, 0, 10)).isCloseTo(0.025, within(1e-12));
  }

  @Test
  void exponential_multipliesEveryEpoch() {
    LrSchedule s = new LrSchedule(config("exponential"), 0.1, 10);
    assertThat(s.rate(1, 3, 10)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rate(3, 3, 10)).isCloseTo(0.025, within(1e-12));
  }

  @Test
  void cosine_warmsUpLinearlyThenDecaysToMinFactor() {
    LrSchedule s = new LrSchedule(config("cosine"), 0.1, 5);
    double first = s.rate(1, 0, 10);
    assertThat(first).isCloseTo(0.005, within(1e-12)).isGreaterThan(0);
    assertThat(s.rate(1, 5, 10)).isGreaterThan(first);
    assertThat(s.rateAt(1.0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(3.0)).isLessThan(0.1).isGreaterThan(0.001);
    assertThat(s.rateAt(5.0)).isCloseTo(0.001, within(1e-12));
  }

  @Test
  void oneCycle_risesToThePeakThenFallsFarBelowTheStart() {
    LrSchedule s = new LrSchedule(config("onecycle"), 0.1, 10);
    assertThat(s.rateAt(0)).isCloseTo(0.004, within(1e-12));
    assertThat(s.rateAt(3.0)).isCloseTo(0.1, within(1e-12));
    assertThat(s.rateAt(1.5)).isBetween(0.004, 0.1);
    assertThat(s.rateAt(10.0)).isCloseTo(0.004 / 10_000, within(1e-12));
  }

  @Test
  void plateau_lowersTheRateAfterPatienceEpochsWithoutImprovement() {
    LrSchedule s = new LrSchedule(config("plateau"), 0.1, 10);
    assertThat(s.epochEnd(1.0)).isFalse();
    assertThat(s.epochEnd(0.9)).isFalse();
    assertThat(s.epochEnd(0.95)).isFalse();
    assertThat(s.rate(4, 0, 1)).isCloseTo(0.1, within(1e-12));
    assertThat(s.epochEnd(0.91)).isTrue();
    assertThat(s.rate(5, 0, 1)).isCloseTo(0.01, within(1e-12));
    assertThat(s.epochEnd(0.5)).isFalse();
    assertThat(s.rate(6, 0, 1)).isCloseTo(0.01, within(1e-12));
  }
}
