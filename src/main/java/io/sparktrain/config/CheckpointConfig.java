package io.sparktrain.config;

/**
 * Checkpoints ({@code checkpoint}): the training state is saved after every epoch and every
 * {@code everyRounds} averaging rounds within one (0: at epoch ends only); the newest {@code keep} are kept.
 */
public record CheckpointConfig(int everyRounds, int keep) {
  public CheckpointConfig {
    Check.range("checkpoint.everyRounds", everyRounds, 0, 1_000_000);
    Check.range("checkpoint.keep", keep, 1, 1_000);
  }
}
