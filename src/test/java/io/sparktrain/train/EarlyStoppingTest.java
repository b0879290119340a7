package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.EarlyStoppingConfig;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  private EarlyStopping.State s = EarlyStopping.State.initial();

  private boolean observe(EarlyStopping e, int epoch, double value) {
    EarlyStopping.Observation o = e.observe(s, epoch, value);
    s = o.next();
    return o.improved();
  }

  @Test
  void loss_stopsAfterPatienceEpochsWithoutAnImprovementAboveMinDelta() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(true, "validationLoss", 2, 0.01, true));
    assertThat(observe(e, 1, 0.9)).isTrue();
    assertThat(observe(e, 2, 0.7)).isTrue();
    assertThat(observe(e, 3, 0.695)).as("within minDelta").isFalse();
    assertThat(e.shouldStop(s)).isFalse();
    assertThat(observe(e, 4, 0.8)).isFalse();
    assertThat(e.shouldStop(s)).isTrue();
    assertThat(s.bestEpoch()).isEqualTo(2);
    assertThat(e.reason(s)).contains("validationLoss", "2 epochs", "epoch 2");
    assertThat(e.keepsBest()).isTrue();
  }

  @Test
  void accuracy_higherIsBetter() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(true, "validationAccuracy", 1, 0, true));
    assertThat(observe(e, 1, 0.80)).isTrue();
    assertThat(observe(e, 2, 0.85)).isTrue();
    assertThat(observe(e, 3, 0.84)).isFalse();
    assertThat(e.shouldStop(s)).isTrue();
    assertThat(s.bestEpoch()).isEqualTo(2);
    assertThat(e.metric(new EpochMetrics(3, 0.3, 0.4, 0.84, 100, 1, 1, TrainTime.UNKNOWN, 0.01))).isEqualTo(0.84);
  }

  @Test
  void disabled_neverStopsNorKeepsTheBestButStillTracksIt() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(false, "validationLoss", 1, 0, true));
    observe(e, 1, 0.5);
    observe(e, 2, 0.9);
    observe(e, 3, 0.9);
    assertThat(e.shouldStop(s)).isFalse();
    assertThat(e.keepsBest()).as("nothing to restore when it never stops").isFalse();
    assertThat(s.bestEpoch()).isEqualTo(1);
  }

  @Test
  void nanMetric_isNeverTheBest() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(true, "validationLoss", 2, 0, true));
    assertThat(observe(e, 1, Double.NaN)).isFalse();
    assertThat(observe(e, 2, 0.7)).isTrue();
    assertThat(observe(e, 3, Double.NaN)).isFalse();
    assertThat(s).isEqualTo(new EarlyStopping.State(0.7, 2, 1));
  }
}
