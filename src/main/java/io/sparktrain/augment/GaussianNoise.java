package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/** Adds independent Gaussian noise of standard deviation {@code std} (in scaled units) to every value. */
public record GaussianNoise(double std) implements ExampleOp {
  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] + (float) (std * Gaussian.next(random));
    }
    return out;
  }

  @Override
  public String describe() {
    return "Gaussian noise (std " + std + ")";
  }
}
