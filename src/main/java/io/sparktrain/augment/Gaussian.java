package io.sparktrain.augment;

import java.util.SplittableRandom;

/** Random variates the augmentations need, from a {@link SplittableRandom}. */
final class Gaussian {
  private Gaussian() {}

  /** Standard normal (Box-Muller). */
  static double next(SplittableRandom r) {
    double u = 1 - r.nextDouble();
    double v = r.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Gamma(shape, 1) (Marsaglia and Tsang 2000; boosted for shape below 1). */
  static double gamma(double shape, SplittableRandom r) {
    if (shape < 1) {
      return gamma(shape + 1, r) * Math.pow(1 - r.nextDouble(), 1 / shape);
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = next(r);
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = 1 - r.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }

  /** Beta(alpha, alpha). */
  static double beta(double alpha, SplittableRandom r) {
    double a = gamma(alpha, r);
    double b = gamma(alpha, r);
    return a / (a + b);
  }
}
