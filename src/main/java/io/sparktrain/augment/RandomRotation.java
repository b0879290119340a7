package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/** Rotates the image about its centre by an angle drawn uniformly from [-degrees, degrees] (bilinear, zero fill). */
public record RandomRotation(double degrees) implements ExampleOp {
  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    double angle = Math.toRadians((random.nextDouble() * 2 - 1) * degrees);
    double cos = Math.cos(angle);
    double sin = Math.sin(angle);
    int h = s.height();
    int w = s.width();
    int c = s.channels();
    double cy = (h - 1) / 2.0;
    double cx = (w - 1) / 2.0;
    float[] out = new float[x.length];
    for (int y = 0; y < h; y++) {
      for (int i = 0; i < w; i++) {
        // Inverse mapping: where in the source does this output pixel come from?
        double sx = cos * (i - cx) + sin * (y - cy) + cx;
        double sy = -sin * (i - cx) + cos * (y - cy) + cy;
        int x0 = (int) Math.floor(sx);
        int y0 = (int) Math.floor(sy);
        double fx = sx - x0;
        double fy = sy - y0;
        for (int ch = 0; ch < c; ch++) {
          double v = (1 - fx) * (1 - fy) * at(x, s, y0, x0, ch) + fx * (1 - fy) * at(x, s, y0, x0 + 1, ch)
              + (1 - fx) * fy * at(x, s, y0 + 1, x0, ch) + fx * fy * at(x, s, y0 + 1, x0 + 1, ch);
          out[(y * w + i) * c + ch] = (float) v;
        }
      }
    }
    return out;
  }

  private static float at(float[] x, Shape s, int y, int i, int ch) {
    if (y < 0 || y >= s.height() || i < 0 || i >= s.width()) {
      return 0f;
    }
    return x[(y * s.width() + i) * s.channels() + ch];
  }

  @Override
  public String describe() {
    return "random rotation up to " + degrees + " degrees";
  }
}
