package io.sparktrain.train;

/**
 * What one epoch measured.
 *
 * @param trainLoss the mean minibatch loss the workers reported over the epoch's kept rounds
 * @param examplesPerSecond training examples divided by the training time of the epoch
 * @param trainTime where the training seconds went (workerFit, broadcast, averaging, data), from
 *     dl4j-spark's training statistics; empty when they were not available
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double examplesPerSecond,
    double trainSeconds,
    double validationSeconds,
    java.util.Map<String, Double> trainTime,
    double learningRate) {

  public EpochMetrics {
    trainTime = java.util.Map.copyOf(trainTime);
  }

  public double seconds() {
    return trainSeconds + validationSeconds;
  }
}
