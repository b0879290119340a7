package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/** Mirrors the image left to right with probability {@code p}. */
public record HorizontalFlip(double p) implements ExampleOp {
  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    return random.nextDouble() >= p ? x.clone() : mirror(x, s);
  }

  /** The image mirrored left to right (a new array). */
  public static float[] mirror(float[] x, Shape s) {
    float[] out = new float[x.length];
    int w = s.width();
    int c = s.channels();
    for (int y = 0; y < s.height(); y++) {
      for (int i = 0; i < w; i++) {
        System.arraycopy(x, (y * w + i) * c, out, (y * w + (w - 1 - i)) * c, c);
      }
    }
    return out;
  }

  @Override
  public String describe() {
    return "horizontal flip (p = " + p + ")";
  }
}
