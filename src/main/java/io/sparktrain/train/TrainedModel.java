package io.sparktrain.train;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The outcome of training: the averaged network, its per-epoch metrics and its evaluation on the test set.
 *
 * @param test the test evaluation; with test-time augmentation, of the averaged views
 * @param testLoss the test loss of the plain images
 * @param testTime the test-time augmentation used, or null when it was off
 * @param state the training state training ended in
 */
public record TrainedModel(MultiLayerNetwork network, List<EpochMetrics> epochs, Evaluation test, double testLoss,
    double trainSeconds, double testSeconds, TrainingHealth health, TestTime testTime, TrainingState state) {

  /**
   * @param views what was averaged, in words
   * @param withoutViews the evaluation of the plain images (what model.zip predicts on its own)
   */
  public record TestTime(String views, Evaluation withoutViews) {}
}
