package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/**
 * Mixup (Zhang et al. 2018): every example of the minibatch becomes lambda x_i + (1 - lambda) x_j with a
 * random partner j, and so does its label; lambda ~ Beta(alpha, alpha), one per minibatch.
 */
public record Mixup(double alpha) implements BatchOp {
  @Override
  public void apply(float[] features, float[] labels, int n, Shape shape, int classes, SplittableRandom random) {
    double lambda = Gaussian.beta(alpha, random);
    int[] perm = BatchOp.permutation(n, random);
    mix(features, n, features.length / n, perm, lambda);
    mix(labels, n, classes, perm, lambda);
  }

  static void mix(float[] data, int n, int width, int[] perm, double lambda) {
    float[] copy = data.clone();
    for (int i = 0; i < n; i++) {
      int j = perm[i];
      for (int k = 0; k < width; k++) {
        data[i * width + k] = (float) (lambda * copy[i * width + k] + (1 - lambda) * copy[j * width + k]);
      }
    }
  }

  @Override
  public String describe() {
    return "mixup (alpha " + alpha + ")";
  }
}
