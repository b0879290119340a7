package io.sparktrain.train;

import io.sparktrain.config.EarlyStoppingConfig;

/** Patience on a validation metric: remembers the best epoch and says when to stop. */
final class EarlyStopping {
  private final EarlyStoppingConfig config;
  private int bestEpoch;
  private double best = Double.NaN;
  private int sinceBest;

  EarlyStopping(EarlyStoppingConfig config) {
    this.config = config;
  }

  /** Records an epoch's metric; true if it is the best so far (by more than minDelta). */
  boolean observe(int epoch, double value) {
    boolean improved = Double.isNaN(best) && !Double.isNaN(value)
        || (config.maximise() ? value > best + config.minDelta() : value < best - config.minDelta());
    if (improved) {
      best = value;
      bestEpoch = epoch;
      sinceBest = 0;
    } else {
      sinceBest++;
    }
    return improved;
  }

  boolean shouldStop() {
    return config.enabled() && sinceBest >= config.patience();
  }

  int bestEpoch() {
    return bestEpoch;
  }

  double best() {
    return best;
  }

  String reason() {
    return String.format(java.util.Locale.ROOT, "%s did not improve by more than %s for %d epochs (best %.4f at epoch %d)",
        config.metric(), config.minDelta(), config.patience(), best, bestEpoch);
  }
}
