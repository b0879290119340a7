package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/**
 * Random erasing (Zhong et al. 2017): with probability {@code p}, a rectangle covering between
 * {@code minArea} and {@code maxArea} of the image, with aspect ratio in [0.3, 3.3], is filled with
 * uniform noise in the image's value range.
 */
public record RandomErasing(double p, double minArea, double maxArea) implements ExampleOp {
  static final double MIN_ASPECT = 0.3;

  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    float[] out = x.clone();
    if (random.nextDouble() >= p) {
      return out;
    }
    int h = s.height();
    int w = s.width();
    int c = s.channels();
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    for (float v : x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    // The paper's procedure: retry until the rectangle fits (bounded here).
    for (int attempt = 0; attempt < 100; attempt++) {
      double area = (minArea + random.nextDouble() * (maxArea - minArea)) * h * w;
      double logRatio = Math.log(MIN_ASPECT) + random.nextDouble() * (Math.log(1 / MIN_ASPECT) - Math.log(MIN_ASPECT));
      double ratio = Math.exp(logRatio);
      int eh = (int) Math.round(Math.sqrt(area * ratio));
      int ew = (int) Math.round(Math.sqrt(area / ratio));
      if (eh < 1 || ew < 1 || eh >= h || ew >= w) {
        continue;
      }
      int y0 = random.nextInt(h - eh + 1);
      int x0 = random.nextInt(w - ew + 1);
      for (int y = y0; y < y0 + eh; y++) {
        for (int i = x0; i < x0 + ew; i++) {
          for (int ch = 0; ch < c; ch++) {
            out[(y * w + i) * c + ch] = lo + (float) random.nextDouble() * (hi - lo);
          }
        }
      }
      return out;
    }
    return out;
  }

  @Override
  public String describe() {
    return "random erasing (p = " + p + ", area " + minArea + "-" + maxArea + ")";
  }
}
