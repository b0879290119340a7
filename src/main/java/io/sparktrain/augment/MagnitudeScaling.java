package io.sparktrain.augment;

import io.sparktrain.data.Example;
import java.util.SplittableRandom;

/**
 * Sequences: multiplies each feature, at every step, by its own factor drawn from N(1, std²) (magnitude
 * scaling, Um et al. 2017): the same shape over time at a slightly different amplitude.
 */
public record MagnitudeScaling(double std) implements SequenceOp {
  @Override
  public Example apply(Example e, int width, SplittableRandom random) {
    float[] factor = new float[width];
    for (int f = 0; f < width; f++) {
      factor[f] = (float) (1 + std * Gaussian.next(random));
    }
    float[] x = e.features();
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      out[i] = x[i] * factor[i % width];
    }
    return e.withFeatures(out);
  }

  @Override
  public String describe() {
    return "magnitude scaling (each feature by a factor from N(1, " + std + "²))";
  }
}
