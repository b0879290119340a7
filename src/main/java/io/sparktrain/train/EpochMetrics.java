package io.sparktrain.train;

/**
 * What one epoch measured.
 *
 * @param trainLoss the mean minibatch loss the workers reported in the epoch's last averaging round
 * @param examplesPerSecond training examples divided by the training time of the epoch
 */
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double examplesPerSecond,
    double trainSeconds,
    double validationSeconds) {

  public double seconds() {
    return trainSeconds + validationSeconds;
  }
}
