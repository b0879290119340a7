package io.sparktrain.train;

import java.util.Locale;

/**
 * Something the stall policy did (or, with {@code train.stall.action = none}, only noticed): a line of
 * metrics.jsonl, an entry of summary.json's {@code health.stall}, a marker on the report's charts.
 *
 * @param epoch the epoch of the round after which it happened
 * @param round that round, 0-based
 * @param finding the diagnosis kind that caused it (stall, rate-too-small)
 * @param learningRateBefore the rate of the round it happened after
 * @param learningRateAfter the rate training goes on with
 * @param loss the plateau's mean training loss (for kept and rollback: the boosted rounds' mean)
 * @param detail in words
 */
public record StallEvent(int epoch, int round, Type type, String finding, double learningRateBefore,
    double learningRateAfter, double loss, String detail) {

  /** What happened. */
  public enum Type {
    /** A stall was found and left alone (train.stall.action = none, or maxActions reached). */
    REPORTED,
    /** A boost began. */
    BOOST,
    /** A boost ended, and what it did is kept: the loss fell. */
    KEPT,
    /** A boost ended without the loss falling, or diverged: the parameters from before it are restored. */
    ROLLBACK,
    /** The sgdr schedule's cycle restarted at its peak rate. */
    RESTART;

    public String key() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
