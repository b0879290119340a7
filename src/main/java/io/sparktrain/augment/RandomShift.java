package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/**
 * Random crop with padding: the image is padded by {@code pixels} on every side (zeros) and a crop of
 * the original size is taken at a random offset, i.e. a shift by up to {@code pixels} in each direction.
 */
public record RandomShift(int pixels) implements ExampleOp {
  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    int dx = random.nextInt(2 * pixels + 1) - pixels;
    int dy = random.nextInt(2 * pixels + 1) - pixels;
    return shift(x, s, dx, dy);
  }

  /** The image moved right by {@code dx} and down by {@code dy} pixels, zeros where it uncovers (a new array). */
  public static float[] shift(float[] x, Shape s, int dx, int dy) {
    float[] out = new float[x.length];
    int h = s.height();
    int w = s.width();
    int c = s.channels();
    for (int y = 0; y < h; y++) {
      int sy = y - dy;
      if (sy < 0 || sy >= h) {
        continue;
      }
      for (int i = 0; i < w; i++) {
        int sx = i - dx;
        if (sx >= 0 && sx < w) {
          System.arraycopy(x, (sy * w + sx) * c, out, (y * w + i) * c, c);
        }
      }
    }
    return out;
  }

  @Override
  public String describe() {
    return "random shift/crop with " + pixels + " px padding";
  }
}
