package io.sparktrain.train;

import io.sparktrain.config.EarlyStoppingConfig;
import java.util.Locale;

/**
 * Patience on a validation metric, a policy the loop asks after every epoch: remembers the best epoch
 * (in a {@link State}) and says when to stop.
 */
public final class EarlyStopping {
  private final EarlyStoppingConfig config;

  public EarlyStopping(EarlyStoppingConfig config) {
    this.config = config;
  }

  /**
   * @param best the best value of the metric so far (NaN before the first epoch)
   * @param bestEpoch the epoch it was reached in (0 before the first)
   * @param sinceBest epochs since then
   */
  public record State(double best, int bestEpoch, int sinceBest) {
    public static State initial() {
      return new State(Double.NaN, 0, 0);
    }
  }

  /** An epoch's metric observed: the next state, and whether it is the best so far. */
  public record Observation(State next, boolean improved) {}

  /** Records an epoch's metric; improved if it is the best so far by more than minDelta. */
  public Observation observe(State s, int epoch, double value) {
    boolean improved = Double.isNaN(s.best()) && !Double.isNaN(value)
        || (config.maximise() ? value > s.best() + config.minDelta() : value < s.best() - config.minDelta());
    return improved ? new Observation(new State(value, epoch, 0), true)
        : new Observation(new State(s.best(), s.bestEpoch(), s.sinceBest() + 1), false);
  }

  /** The metric this policy watches, from an epoch's validation. */
  public double metric(EpochMetrics m) {
    return config.maximise() ? m.validationAccuracy() : m.validationLoss();
  }

  public boolean shouldStop(State s) {
    return config.enabled() && s.sinceBest() >= config.patience();
  }

  /** Whether the best epoch's parameters are kept, so the loop must remember them. */
  public boolean keepsBest() {
    return config.enabled() && config.restoreBest();
  }

  public String reason(State s) {
    return String.format(Locale.ROOT, "%s did not improve by more than %s for %d epochs (best %.4f at epoch %d)",
        config.metric(), config.minDelta(), config.patience(), s.best(), s.bestEpoch());
  }
}
