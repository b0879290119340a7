package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.io.Serializable;
import java.util.SplittableRandom;

/**
 * An augmentation of a whole minibatch, mixing examples and their labels (mixup, cutmix). Works in
 * place on the minibatch's flat arrays: {@code features} n x size, {@code labels} n x classes (one-hot
 * on entry, soft after).
 */
public interface BatchOp extends Serializable {
  void apply(float[] features, float[] labels, int n, Shape shape, int classes, SplittableRandom random);

  String describe();

  /** A random pairing: example i is mixed with example perm[i]. */
  static int[] permutation(int n, SplittableRandom random) {
    int[] perm = new int[n];
    for (int i = 0; i < n; i++) {
      perm[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = perm[i];
      perm[i] = perm[j];
      perm[j] = t;
    }
    return perm;
  }
}
