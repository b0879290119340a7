package io.sparktrain.config;

import java.util.List;

/** The epoch loop and how dl4j-spark's parameter averaging runs it. */
public record TrainConfig(
    int epochs,
    int batchSizePerWorker,
    int averagingFrequency,
    int workers,
    boolean saveUpdater,
    int workerPrefetchBatches,
    Approach approach,
    String exportDirectory,
    String learningRate,
    ScheduleConfig schedule,
    GuardConfig guard,
    EarlyStoppingConfig earlyStopping,
    StallConfig stall) {

  /** How minibatches reach the workers ({@code train.approach}). */
  public enum Approach {
    /** Written once to files; the trainer runs every averaging round itself. */
    EXPORT,
    /** Kept in Spark's memory; dl4j-spark runs an epoch's rounds. */
    DIRECT;

    /** The value as the config writes it. */
    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    /** The approach a config value names; fails naming the key and the values allowed. */
    public static Approach of(String value) {
      return Check.named(Approach.class, "train.approach", value);
    }
  }

  public TrainConfig {
    Check.range("train.epochs", epochs, 1, 100_000);
    Check.range("train.batchSizePerWorker", batchSizePerWorker, 1, 1_000_000);
    Check.range("train.averagingFrequency", averagingFrequency, 1, 100_000);
    Check.range("train.workers", workers, 0, 100_000);
    Check.range("train.workerPrefetchBatches", workerPrefetchBatches, 0, 1_000);
    if (!learningRate.isEmpty() && !learningRate.equals(AUTO)) {
      double lr;
      try {
        lr = Double.parseDouble(learningRate);
      } catch (NumberFormatException e) {
        throw new ConfigException("train.learningRate",
            "must be empty (model.updater.learningRate applies), a number or auto, found '" + learningRate + "'");
      }
      Check.range("train.learningRate", lr, 0, true, 10);
    }
    Check.that(stall.action() != StallConfig.Action.RESTART || schedule.type().equals("sgdr"), "train.stall.action",
        "is restart, which restarts the cycle of warm restarts: it needs train.schedule.type = sgdr, found '"
            + schedule.type() + "' (use boost with any other schedule)");
  }

  /** {@code train.learningRate = auto}: the LR range test picks the rate before training. */
  public static final String AUTO = "auto";

  public boolean autoLearningRate() {
    return learningRate.equals(AUTO);
  }

  /** The learning rate to train with when it is not {@code auto}. */
  public double learningRate(UpdaterSpec updater) {
    return learningRate.isEmpty() || autoLearningRate() ? updater.learningRate() : Double.parseDouble(learningRate);
  }
}
