package io.sparktrain.health;

import io.sparktrain.config.LayerSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The gradient through time over one round: at each time step, the median over the round's samples of
 * the norm of the loss gradient with respect to the network's input at that step. It reaches the input
 * through the first recurrent layer, whose weights it was multiplied by at every step after it, so it is
 * reported as that layer's.
 *
 * @param layer 0-based position in model.layers of the first recurrent layer (or the first sequence layer)
 * @param type that layer's type
 * @param norms per time step, first step first (steps past a sample's length are left out of the median)
 * @param peakFirstToLast the largest first-to-last ratio of a single sample (one exploding step shows here
 *     even when the round's other samples come after it wrecked the weights)
 */
public record TimeHealth(int layer, String type, double[] norms, double peakFirstToLast) {
  /** Norms this small are no gradient at all (float32 underflow); the ratios treat them as this. */
  static final double FLOOR = 1e-30;

  /** The round's gradient through time, or empty when no sample measured one. */
  public static Optional<TimeHealth> merge(List<HealthSample> samples, List<String> layerTypes) {
    List<double[]> steps = samples.stream().map(HealthSample::stepGradient).filter(g -> g != null && g.length > 1)
        .toList();
    if (steps.isEmpty()) {
      return Optional.empty();
    }
    int length = steps.stream().mapToInt(g -> g.length).max().orElse(0);
    double[] norms = new double[length];
    for (int t = 0; t < length; t++) {
      List<Double> at = new ArrayList<>();
      for (double[] g : steps) {
        if (t < g.length) {
          at.add(g[t]);
        }
      }
      norms[t] = LayerHealth.median(at.stream().mapToDouble(Double::doubleValue).toArray());
    }
    int layer = firstRecurrent(layerTypes);
    double peak = steps.stream().mapToDouble(g -> ratio(g[0], g[g.length - 1])).filter(Double::isFinite).max()
        .orElse(Double.NaN);
    return Optional.of(new TimeHealth(layer, layerTypes.get(layer), norms, peak));
  }

  static int firstRecurrent(List<String> layerTypes) {
    for (int i = 0; i < layerTypes.size(); i++) {
      if (LayerSpec.RECURRENT.contains(layerTypes.get(i))) {
        return i;
      }
    }
    return 0;
  }

  /** The gradient at the first step over that at the last (medians over the round's samples). */
  public double firstToLast() {
    return ratio(norms[0], norms[norms.length - 1]);
  }

  private static double ratio(double first, double last) {
    return Math.max(first, FLOOR) / Math.max(last, FLOOR);
  }

  /**
   * How many steps back from the last the gradient stays above {@code fraction} of the last step's: the
   * dependencies the network can still learn from are about this long.
   */
  public int horizon(double fraction) {
    double last = Math.max(norms[norms.length - 1], FLOOR);
    int back = 0;
    for (int t = norms.length - 1; t >= 0 && norms[t] >= fraction * last; t--) {
      back = norms.length - t;
    }
    return back;
  }

  /** At most {@code points} step indices, spread evenly, the first and the last among them. */
  public int[] sampledSteps(int points) {
    int n = norms.length;
    if (n <= points) {
      return java.util.stream.IntStream.range(0, n).toArray();
    }
    return java.util.stream.IntStream.range(0, points).map(k -> (int) Math.round((double) k * (n - 1) / (points - 1)))
        .distinct().toArray();
  }
}
