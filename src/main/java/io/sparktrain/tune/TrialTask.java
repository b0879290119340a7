package io.sparktrain.tune;

import java.io.Serializable;

/**
 * One Spark task of a search: train trial {@code number} from {@code fromEpochs} (its checkpoint, or
 * nothing at 0) to {@code toEpochs}.
 *
 * @param job the trial's job as HOCON text (its values, seed and {@code train.epochs} = tune.maxEpochs,
 *     the horizon of its learning-rate schedule)
 * @param checkpoint the trial's checkpoint zip at {@code fromEpochs}; null when it starts
 */
public record TrialTask(int number, String job, int fromEpochs, int toEpochs, byte[] checkpoint)
    implements Serializable {
  /** The same task carrying {@code bytes} as its checkpoint (null: none). */
  public TrialTask withCheckpoint(byte[] bytes) {
    return new TrialTask(number, job, fromEpochs, toEpochs, bytes);
  }
}
