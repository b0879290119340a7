package io.sparktrain.config;

import java.util.List;

/**
 * Early stopping ({@code train.earlyStopping}): stop when {@code metric} has not improved by more than
 * {@code minDelta} for {@code patience} epochs; with {@code restoreBest}, the model kept is the best epoch's.
 */
public record EarlyStoppingConfig(boolean enabled, String metric, int patience, double minDelta, boolean restoreBest) {
  public static final List<String> METRICS = List.of("validationLoss", "validationAccuracy");

  public EarlyStoppingConfig {
    Check.oneOf("train.earlyStopping.metric", metric, METRICS);
    Check.range("train.earlyStopping.patience", patience, 1, 100_000);
    Check.range("train.earlyStopping.minDelta", minDelta, 0, false, 1e9);
  }

  /** Whether larger values of the metric are better. */
  public boolean maximise() {
    return metric.equals("validationAccuracy");
  }
}
