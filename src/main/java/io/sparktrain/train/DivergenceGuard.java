package io.sparktrain.train;

import io.sparktrain.config.GuardConfig;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.Locale;

/** Decides whether an averaging round diverged: NaN/Inf, or a loss spike over the running median. */
final class DivergenceGuard {
  /** Good rounds needed before a spike can be judged. */
  static final int MIN_HISTORY = 3;
  /**
   * Losses are judged against at least this fraction of the untrained loss: near zero, one confidently
   * wrong example makes a small round's loss jump many times over without anything diverging.
   */
  static final double FLOOR_FRACTION = 0.1;
  private double floor;
  private final GuardConfig config;
  private final Deque<Double> recent = new ArrayDeque<>();

  DivergenceGuard(GuardConfig config) {
    this.config = config;
  }

  /** Why the round diverged, or null if it did not. */
  String check(double loss, boolean parametersFinite) {
    if (!parametersFinite) {
      return "the averaged parameters hold NaN or Inf";
    }
    if (!Double.isFinite(loss)) {
      return "the training loss is " + loss;
    }
    if (recent.size() >= MIN_HISTORY) {
      double median = median();
      double reference = Math.max(median, floor);
      if (loss > config.spikeFactor() * reference) {
        return String.format(Locale.ROOT, "the training loss %.4g is %.1fx the median %.4g of the last %d good rounds",
            loss, loss / median, median, recent.size());
      }
    }
    return null;
  }

  /**
   * Seeds the history with the untrained network's loss, so that a first round that already
   * diverged (too high a rate blows up within one round) is judged against it.
   */
  void baseline(double initialLoss) {
    if (Double.isFinite(initialLoss)) {
      floor = FLOOR_FRACTION * initialLoss;
      for (int i = 0; i < MIN_HISTORY; i++) {
        good(initialLoss);
      }
    }
  }

  /** Records the loss of a round that was kept. */
  void good(double loss) {
    recent.addLast(loss);
    while (recent.size() > config.window()) {
      recent.removeFirst();
    }
  }

  private double median() {
    double[] v = recent.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  @Override
  public String toString() {
    return Arrays.toString(recent.toArray());
  }
}
