package io.sparktrain.tune;

import java.util.Map;

/**
 * One trial as trials.csv holds it: its values, where it got to and how it ended.
 *
 * @param values the values of the dimensions active in this trial, in the space's order
 * @param seed the trial's seed, derived from the search seed and its number
 * @param rung the highest rung it reported at (0-based; -1 before the first)
 * @param epochs the epochs trained so far (its checkpoint holds them)
 * @param targetEpochs the epochs it is training towards while running
 * @param metric the search metric at its last epoch (NaN before the first or when it failed)
 * @param seconds the training and validation time of all its attempts, on their executors
 * @param attempts the Spark task attempts it took: one per rung, and one more each time it was run again
 *     because its executor was lost
 * @param executor the executor (id and host) its last epochs ran on
 * @param reason why it stopped or failed, in plain words; empty while it runs
 */
public record TrialRecord(int number, Map<String, Object> values, long seed, Status status, int rung, int epochs,
    int targetEpochs, double metric, double validationAccuracy, double validationLoss, double trainLoss,
    double seconds, int attempts, String executor, String reason) {

  public TrialRecord {
    values = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(values));
  }

  /** Where a trial is. */
  public enum Status {
    /** A task is training it now. */
    RUNNING,
    /** It reported at a rung and may still be promoted. */
    PAUSED,
    /** ASHA did not promote it (or its early stopping ended it) before the search ended. */
    STOPPED,
    /** It trained to the top rung. */
    COMPLETED,
    /** It diverged, ran out of memory or threw; the reason says which. */
    FAILED;

    public String key() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }

    static Status of(String text) {
      return valueOf(text.toUpperCase(java.util.Locale.ROOT));
    }
  }

  /** A new trial, about to train to its first rung. */
  static TrialRecord started(int number, Map<String, Object> values, long seed, int targetEpochs) {
    return new TrialRecord(number, values, seed, Status.RUNNING, -1, 0, targetEpochs, Double.NaN, Double.NaN,
        Double.NaN, Double.NaN, 0, 0, "", "");
  }

  TrialRecord running(int target) {
    return new TrialRecord(number, values, seed, Status.RUNNING, rung, epochs, target, metric, validationAccuracy,
        validationLoss, trainLoss, seconds, attempts, executor, "");
  }

  TrialRecord with(Status s, String why) {
    return new TrialRecord(number, values, seed, s, rung, epochs, targetEpochs, metric, validationAccuracy,
        validationLoss, trainLoss, seconds, attempts, executor, why);
  }

  TrialRecord reported(int rungReached, int epochsTrained, double metricValue, double accuracy, double loss,
      double train, double moreSeconds, int moreAttempts, String where, Status s, String why) {
    return new TrialRecord(number, values, seed, s, rungReached, epochsTrained, targetEpochs, metricValue, accuracy,
        loss, train, seconds + moreSeconds, attempts + moreAttempts, where, why);
  }

  boolean finished() {
    return status == Status.COMPLETED || status == Status.STOPPED || status == Status.FAILED;
  }
}
