package io.sparktrain.augment;

import io.sparktrain.data.Shape;
import java.util.SplittableRandom;

/**
 * Tabular rows and sequences: adds Gaussian noise to each feature (at every step), with standard deviation
 * {@code scale} times that feature's standard deviation over the training split.
 */
public record FeatureJitter(double scale, double[] featureStd) implements ExampleOp {
  @Override
  public float[] apply(float[] x, Shape s, SplittableRandom random) {
    float[] out = new float[x.length];
    for (int i = 0; i < x.length; i++) {
      int feature = s.sequence() ? i % s.width() : i;
      double std = featureStd != null && feature < featureStd.length ? featureStd[feature] : 1.0;
      out[i] = x[i] + (float) (scale * std * Gaussian.next(random));
    }
    return out;
  }

  @Override
  public String describe() {
    return "Gaussian jitter (" + scale + " x each feature's std)";
  }
}
