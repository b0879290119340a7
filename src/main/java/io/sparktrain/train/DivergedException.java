package io.sparktrain.train;

/** Training diverged more often than train.guard.maxRecoveries allows (exit code 4). */
public final class DivergedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final transient TrainingHealth health;

  public DivergedException(String message, TrainingHealth health) {
    super(message);
    this.health = health;
  }

  /** What the trainer had found and done up to the failure. */
  public TrainingHealth health() {
    return health;
  }
}
