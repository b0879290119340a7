package io.sparktrain.train;

/**
 * What one epoch measured.
 *
 * @param trainLoss the mean minibatch loss the workers reported over the epoch's kept rounds
 * @param examplesPerSecond training examples divided by the training time of the epoch
 * @param trainTime where the training seconds went, in wall-clock time; {@link TrainTime#UNKNOWN} where
 *     not measured
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double examplesPerSecond,
    double trainSeconds,
    double validationSeconds,
    TrainTime trainTime,
    double learningRate) {

  public double seconds() {
    return trainSeconds + validationSeconds;
  }
}
