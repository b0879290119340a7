package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/**
 * CutMix (Yun et al. 2019): with probability {@code p}, a box of area (1 - lambda) of the image is
 * pasted from a random partner into every example of the minibatch; labels mix by the box's actual
 * area. lambda ~ Beta(alpha, alpha), one per minibatch.
 */
public record CutMix(double alpha, double p) implements BatchOp {
  @Override
  public void apply(float[] features, float[] labels, int n, Shape s, int classes, SplittableRandom random) {
    if (random.nextDouble() >= p) {
      return;
    }
    double lambda = Gaussian.beta(alpha, random);
    int h = s.height();
    int w = s.width();
    int c = s.channels();
    double cut = Math.sqrt(1 - lambda);
    int bh = (int) Math.round(h * cut);
    int bw = (int) Math.round(w * cut);
    int cy = random.nextInt(h);
    int cx = random.nextInt(w);
    int y0 = Math.max(0, cy - bh / 2);
    int y1 = Math.min(h, cy + (bh + 1) / 2);
    int x0 = Math.max(0, cx - bw / 2);
    int x1 = Math.min(w, cx + (bw + 1) / 2);
    double boxShare = (double) (y1 - y0) * (x1 - x0) / (h * w);
    int[] perm = BatchOp.permutation(n, random);
    float[] copy = features.clone();
    int size = h * w * c;
    for (int i = 0; i < n; i++) {
      int j = perm[i];
      for (int y = y0; y < y1; y++) {
        int from = j * size + (y * w + x0) * c;
        int to = i * size + (y * w + x0) * c;
        System.arraycopy(copy, from, features, to, (x1 - x0) * c);
      }
    }
    Mixup.mix(labels, n, classes, perm, 1 - boxShare);
  }

  @Override
  public String describe() {
    return "cutmix (alpha " + alpha + ", p = " + p + ")";
  }
}
