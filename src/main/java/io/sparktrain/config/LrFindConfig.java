package io.sparktrain.config;

/**
 * The learning-rate range test ({@code lrFind}): the rate grows exponentially from {@code minLearningRate}
 * to {@code maxLearningRate} over {@code iterations} minibatches; the loss is smoothed with an exponential
 * moving average of weight {@code smoothing}; the sweep stops once the smoothed loss exceeds
 * {@code divergeFactor} times the best.
 */
public record LrFindConfig(double minLearningRate, double maxLearningRate, int iterations, double smoothing,
    double divergeFactor) implements java.io.Serializable {
  public LrFindConfig {
    Check.range("lrFind.minLearningRate", minLearningRate, 0, true, 10);
    Check.range("lrFind.maxLearningRate", maxLearningRate, minLearningRate, true, 100);
    Check.range("lrFind.iterations", iterations, 10, 100_000);
    Check.range("lrFind.smoothing", smoothing, 0, false, 0.999);
    Check.range("lrFind.divergeFactor", divergeFactor, 1, true, 1e6);
  }
}
