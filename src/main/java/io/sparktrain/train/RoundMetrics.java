package io.sparktrain.train;

/**
 * One averaging round as the driver saw it end: the minibatches and examples the workers fitted in it
 * and their mean minibatch loss, and the learning rate it ran with.
 */
public record RoundMetrics(int epoch, int round, int roundsInEpoch, long minibatches, long examples, double meanLoss,
    double seconds, double epochSeconds, long epochMinibatches, long epochExamples, double learningRate) {}
