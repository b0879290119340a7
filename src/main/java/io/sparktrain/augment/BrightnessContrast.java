package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/**
 * Brightness and contrast jitter: the contrast is scaled about the image's mean by a factor drawn from
 * [1 - contrast, 1 + contrast], then a brightness offset from [-brightness, brightness] is added.
 */
public record BrightnessContrast(double brightness, double contrast) implements ExampleOp {
  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    double factor = 1 + (random.nextDouble() * 2 - 1) * contrast;
    double offset = (random.nextDouble() * 2 - 1) * brightness;
    double mean = 0;
    for (float v : x) {
      mean += v;
    }
    mean /= Math.max(1, x.length);
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = (float) ((x[i] - mean) * factor + mean + offset);
    }
    return out;
  }

  @Override
  public String describe() {
    return "brightness +-" + brightness + ", contrast +-" + contrast;
  }
}
