package io.sparktrain.tune;

import java.io.Serializable;
import java.util.List;

/**
 * What a trial's task returns to the driver.
 *
 * @param epochs the epochs trained when it returned (fewer than asked when its early stopping ended it)
 * @param curve one entry per epoch trained by this task
 * @param checkpoint the trial's checkpoint zip after {@code epochs}; null when it failed
 * @param failure why it failed (diverged, out of memory, an exception), empty when it did not
 * @param earlyStopped the early-stopping reason when the job's early stopping ended it, else empty
 * @param executor the executor it ran on: "id@host/pid"
 * @param attempts the Spark task attempts it took (2 when Spark ran it again after losing its executor)
 */
public record TrialResult(int number, int epochs, List<TrialsCsv.Epoch> curve, byte[] checkpoint, String failure,
    String earlyStopped, String executor, double seconds, int attempts) implements Serializable {
  public TrialResult {
    curve = List.copyOf(curve);
  }

  /** The same result, counting {@code n} Spark jobs (a lost executor's job is run again). */
  public TrialResult withAttempts(int n) {
    return new TrialResult(number, epochs, curve, checkpoint, failure, earlyStopped, executor, seconds, n);
  }

  public boolean failed() {
    return !failure.isEmpty();
  }
}
