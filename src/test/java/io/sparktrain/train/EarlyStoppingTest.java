package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.EarlyStoppingConfig;
import org.junit.jupiter.api.Test;

class EarlyStoppingTest {
  @Test
  void loss_stopsAfterPatienceEpochsWithoutAnImprovementAboveMinDelta() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(true, "validationLoss", 2, 0.01, true));
    assertThat(e.observe(1, 0.9)).isTrue();
    assertThat(e.observe(2, 0.7)).isTrue();
    assertThat(e.observe(3, 0.695)).as("within minDelta").isFalse();
    assertThat(e.shouldStop()).isFalse();
    assertThat(e.observe(4, 0.8)).isFalse();
    assertThat(e.shouldStop()).isTrue();
    assertThat(e.bestEpoch()).isEqualTo(2);
    assertThat(e.reason()).contains("validationLoss", "2 epochs", "epoch 2");
  }

  @Test
  void accuracy_higherIsBetter() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(true, "validationAccuracy", 1, 0, true));
    assertThat(e.observe(1, 0.80)).isTrue();
    assertThat(e.observe(2, 0.85)).isTrue();
    assertThat(e.observe(3, 0.84)).isFalse();
    assertThat(e.shouldStop()).isTrue();
    assertThat(e.bestEpoch()).isEqualTo(2);
  }

  @Test
  void disabled_neverStopsButStillTracksTheBest() {
    EarlyStopping e = new EarlyStopping(new EarlyStoppingConfig(false, "validationLoss", 1, 0, true));
    e.observe(1, 0.5);
    e.observe(2, 0.9);
    e.observe(3, 0.9);
    assertThat(e.shouldStop()).isFalse();
    assertThat(e.bestEpoch()).isEqualTo(1);
  }
}
