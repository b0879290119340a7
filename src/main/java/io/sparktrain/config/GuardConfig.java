package io.sparktrain.config;

/**
 * The divergence guard ({@code train.guard}): a round whose loss is NaN/Inf or above {@code spikeFactor}
 * times the median of the last {@code window} good rounds is undone, and the learning rate is multiplied
 * by {@code lrFactor}; after {@code maxRecoveries} recoveries the run stops.
 */
public record GuardConfig(boolean enabled, double spikeFactor, int window, double lrFactor, int maxRecoveries) {
  public GuardConfig {
    Check.range("train.guard.spikeFactor", spikeFactor, 1, true, 1e6);
    Check.range("train.guard.window", window, 1, 10_000);
    Check.range("train.guard.lrFactor", lrFactor, 0, true, 0.99);
    Check.range("train.guard.maxRecoveries", maxRecoveries, 0, 1_000);
  }
}
