package io.sparktrain.config;

import java.util.List;

/**
 * How the learning rate changes during training ({@code train.schedule}). The trainer sets the rate on
 * the driver's network before every averaging round, so every schedule acts per round.
 */
public record ScheduleConfig(
    String type,
    double gamma,
    int stepEpochs,
    double warmupEpochs,
    double minFactor,
    double pctStart,
    double divFactor,
    double finalDivFactor,
    double factor,
    int patience,
    double minDelta,
    double minLearningRate,
    double restartEpochs,
    double restartMultiplier) {

  public static final List<String> TYPES = List.of("none", "step", "exponential", "cosine", "onecycle", "plateau", "sgdr");

  public ScheduleConfig {
    Check.oneOf("train.schedule.type", type, TYPES);
    Check.range("train.schedule.gamma", gamma, 0, true, 1);
    Check.range("train.schedule.stepEpochs", stepEpochs, 1, 100_000);
    Check.range("train.schedule.warmupEpochs", warmupEpochs, 0, false, 100_000);
    Check.range("train.schedule.minFactor", minFactor, 0, false, 1);
    Check.range("train.schedule.pctStart", pctStart, 0, true, 0.99);
    Check.range("train.schedule.divFactor", divFactor, 1, false, 1e6);
    Check.range("train.schedule.finalDivFactor", finalDivFactor, 1, false, 1e9);
    Check.range("train.schedule.factor", factor, 0, true, 0.99);
    Check.range("train.schedule.patience", patience, 0, 100_000);
    Check.range("train.schedule.minDelta", minDelta, 0, false, 1e9);
    Check.range("train.schedule.minLearningRate", minLearningRate, 0, false, 10);
    Check.range("train.schedule.restartEpochs", restartEpochs, 0, true, 100_000);
    Check.range("train.schedule.restartMultiplier", restartMultiplier, 1, false, 100);
  }
}
