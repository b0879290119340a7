package io.sparktrain.train;

import java.util.List;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;

/** The outcome of training: the averaged network, its per-epoch metrics and its evaluation on the test set. */
public record TrainedModel(MultiLayerNetwork network, List<EpochMetrics> epochs, Evaluation test, double testLoss,
    double trainSeconds, double testSeconds, TrainingHealth health) {}
