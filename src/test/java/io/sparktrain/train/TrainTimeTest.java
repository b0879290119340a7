package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TrainTimeTest {
  @Test
  void of_splitsTheEpochIntoPartsThatAddUpToIt() {
    // Two workers: 40 s of fitting, 46 s of task run time and 50 s launch-to-finish in all; 30 s on the driver's clock.
    TrainTime t = TrainTime.of(30, 40, 46, 50, 2);
    assertThat(t.fit()).isEqualTo(20.0);
    assertThat(t.workerOther()).isEqualTo(3.0);
    assertThat(t.taskOverhead()).isEqualTo(2.0);
    assertThat(t.driver()).isEqualTo(5.0);
    assertThat(t.fit() + t.workerOther() + t.taskOverhead() + t.driver()).isCloseTo(30, within(1e-9));
    assertThat(t.known()).isTrue();
  }

  @Test
  void of_neverGivesANegativePart() {
    // Clocks in milliseconds against nanoseconds, and tasks that ran longer than the driver saw (a lag of
    // the listener bus): the parts are clamped, not negative.
    TrainTime t = TrainTime.of(10, 21, 20.99, 20, 2);
    assertThat(t.workerOther()).isZero();
    assertThat(t.taskOverhead()).isZero();
    assertThat(t.driver()).isZero();
    assertThat(TrainTime.UNKNOWN.known()).isFalse();
  }
}
