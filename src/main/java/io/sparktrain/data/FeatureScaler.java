package io.sparktrain.data;

import io.sparktrain.config.DataConfig;
import java.io.Serializable;
import java.util.Map;
import org.apache.spark.api.java.JavaRDD;

/**
 * Scales features: divide by a constant, standardise per feature with statistics from the training
 * split only (so validation and test data never leak into them), or leave as they are. A value: the
 * training state keeps the fitted scaler, so a resumed run scales exactly as the run it continues.
 *
 * @param kind scale, standardize or none
 * @param offset per-feature mean for standardize, else null
 * @param scale the factor for scale, per-feature inverse standard deviation for standardize, else null
 */
public record FeatureScaler(String kind, float[] offset, float[] scale) implements Serializable {
  private static final long serialVersionUID = 1L;

  /**
   * Fits the scaler that {@code config.normalization()} names on the training examples: per feature of a
   * row or an image, or per feature of a time step over all steps of every sequence.
   *
   * @param featureCount features per row, or per time step of a sequence ({@link Shape#featureCount()})
   */
  public static FeatureScaler fit(DataConfig config, JavaRDD<Example> train, int featureCount) {
    switch (config.normalization()) {
      case "scale":
        return new FeatureScaler("scale", null, new float[] {(float) (1.0 / config.scaleMax())});
      case "standardize":
        return standardize(train, featureCount);
      default:
        return new FeatureScaler("none", null, null);
    }
  }

  private static FeatureScaler standardize(JavaRDD<Example> train, int n) {
    // count, then n sums, then n sums of squares; summed on the executors, only 2n+1 numbers come back.
    // A row is counted once; a sequence once per time step (its features are n per step).
    double[] zero = new double[2 * n + 1];
    double[] totals = train.treeAggregate(zero, (acc, ex) -> {
      float[] x = ex.features();
      for (int start = 0; start + n <= x.length; start += n) {
        acc[0] += 1;
        for (int i = 0; i < n; i++) {
          acc[1 + i] += x[start + i];
          acc[1 + n + i] += (double) x[start + i] * x[start + i];
        }
      }
      return acc;
    }, (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
    float[] mean = new float[n];
    float[] inverseStd = new float[n];
    double count = Math.max(1, totals[0]);
    for (int i = 0; i < n; i++) {
      double m = totals[1 + i] / count;
      double variance = Math.max(0, totals[1 + n + i] / count - m * m);
      mean[i] = (float) m;
      // A constant feature carries no information; leave it centred rather than divide by zero.
      inverseStd[i] = variance > 1e-12 ? (float) (1.0 / Math.sqrt(variance)) : 1f;
    }
    return new FeatureScaler("standardize", mean, inverseStd);
  }

  /** Scales {@code ex}'s features in a new array. */
  public Example apply(Example ex) {
    float[] x = ex.features();
    float[] y = new float[x.length];
    switch (kind) {
      case "scale" -> {
        for (int i = 0; i < x.length; i++) {
          y[i] = x[i] * scale[0];
        }
      }
      case "standardize" -> {
        int n = offset.length;
        for (int i = 0; i < x.length; i++) {
          y[i] = (x[i] - offset[i % n]) * scale[i % n];
        }
      }
      default -> System.arraycopy(x, 0, y, 0, x.length);
    }
    return ex.withFeatures(y);
  }

  /** What was fitted, for summary.json. */
  public Map<String, Object> describe() {
    return switch (kind) {
      case "scale" -> Map.of("kind", kind, "factor", scale[0]);
      case "standardize" -> Map.of("kind", kind, "features", offset.length);
      default -> Map.of("kind", kind);
    };
  }
}
