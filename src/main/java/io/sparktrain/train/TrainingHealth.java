package io.sparktrain.train;

import io.sparktrain.health.Diagnosis;
import io.sparktrain.lrfind.LrCurve;
import java.util.List;
import java.util.Map;

/**
 * What the trainer noticed and did: findings, guard recoveries, why training stopped, and the
 * learning rate (its source, first and last value).
 *
 * @param stallEvents what the stall policy did or reported, in order
 * @param lrFind the range test's curve when train.learningRate = auto, else null
 * @param stoppedBy "epochs" (all epochs ran) or "early stopping"
 * @param bestEpoch the epoch whose parameters the model has (the last one unless early stopping restored the best)
 */
public record TrainingHealth(List<Diagnosis> diagnoses, Map<String, Integer> roundsFlagged, List<Recovery> recoveries,
    List<StallEvent> stallEvents, String stoppedBy, String stopReason, int bestEpoch, String learningRateSource, double initialLearningRate,
    double finalLearningRate, LrCurve lrFind, int healthSamples) {
  public TrainingHealth {
    diagnoses = List.copyOf(diagnoses);
    roundsFlagged = Map.copyOf(roundsFlagged);
    recoveries = List.copyOf(recoveries);
    stallEvents = List.copyOf(stallEvents);
  }
}
