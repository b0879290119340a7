package io.sparktrain.config;

import java.util.Locale;

/**
 * What training does when the loss stalls on a plateau ({@code train.stall}); the diagnosis itself and
 * its thresholds are {@code health.stall} ({@link HealthConfig.Stall}).
 *
 * @param boostFactor the boost multiplies the learning rate by this
 * @param boostRounds averaging rounds the boost lasts before it is judged
 * @param maxActions boosts or restarts at most, per run; later stalls are only reported
 */
public record StallConfig(Action action, double boostFactor, int boostRounds, int maxActions) {

  /** The remedy ({@code train.stall.action}). */
  public enum Action {
    /** Report the stall, change nothing. */
    NONE,
    /** Raise the rate by boostFactor for boostRounds rounds; keep what they did if the loss fell, else roll back. */
    BOOST,
    /** Restart the warm-restart schedule's cycle (train.schedule.type = sgdr): back to its peak rate. */
    RESTART;

    /** The value as the config writes it. */
    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }

    /** The action a config value names; fails naming the key and the values allowed. */
    public static Action of(String value) {
      return Check.named(Action.class, "train.stall.action", value);
    }
  }

  public StallConfig {
    Check.range("train.stall.boostFactor", boostFactor, 1, true, 1000);
    Check.range("train.stall.boostRounds", boostRounds, 1, 100_000);
    Check.range("train.stall.maxActions", maxActions, 0, 1_000);
  }
}
