package io.sparktrain.train;

import io.sparktrain.config.ScheduleConfig;

/**
 * The learning rate for each averaging round from {@code train.schedule}, a policy the loop asks before
 * every round (and, for reduce-on-plateau, after every epoch). Progress is counted in epochs, at the
 * middle of the round, so a warm-up never asks for a rate of exactly 0. What it remembers between
 * epochs is a {@link State}, part of the {@link TrainingState}.
 */
public final class LrSchedule {
  private final ScheduleConfig c;
  private final double base;
  private final int epochs;

  /**
   * What the schedule remembers (the other schedules are functions of progress alone).
   *
   * @param plateauFactor reduce-on-plateau: the product of the cuts so far
   * @param bestLoss reduce-on-plateau: the best validation loss so far
   * @param sinceBest reduce-on-plateau: epochs since it improved
   * @param cycleStart sgdr: the progress (in epochs) where the cycles started, 0 unless a stall restarted them
   */
  public record State(double plateauFactor, double bestLoss, int sinceBest, double cycleStart) {
    public static State initial() {
      return new State(1.0, Double.POSITIVE_INFINITY, 0, 0.0);
    }
  }

  /** After an epoch: the schedule's next state, and whether it lowered the rate. */
  public record EpochEnd(State next, boolean lowered) {}

  public LrSchedule(ScheduleConfig c, double base, int epochs) {
    this.c = c;
    this.base = base;
    this.epochs = epochs;
  }

  /** The rate for round {@code round} (0-based) of {@code rounds} in epoch {@code epoch} (1-based). */
  public double rate(State s, int epoch, int round, int rounds) {
    double p = (epoch - 1) + (round + 0.5) / Math.max(1, rounds);
    return rateAt(s, p);
  }

  /** The rate at {@code p} epochs of progress, in [0, epochs]. */
  public double rateAt(State s, double p) {
    return switch (c.type()) {
      case "step" -> base * Math.pow(c.gamma(), Math.floor(Math.floor(p) / c.stepEpochs()));
      case "exponential" -> base * Math.pow(c.gamma(), Math.floor(p));
      case "cosine" -> cosine(p);
      case "onecycle" -> oneCycle(p / epochs);
      case "plateau" -> Math.max(c.minLearningRate(), base * s.plateauFactor());
      case "sgdr" -> warmRestarts(p - s.cycleStart());
      default -> base;
    };
  }

  /** The rate training starts with. */
  public double startRate() {
    return rate(State.initial(), 1, 0, 1);
  }

  private double cosine(double p) {
    double warm = Math.min(c.warmupEpochs(), epochs);
    if (p < warm) {
      return base * p / warm;
    }
    double t = epochs > warm ? (p - warm) / (epochs - warm) : 1.0;
    return base * (c.minFactor() + (1 - c.minFactor()) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
  }

  /**
   * SGDR (Loshchilov and Hutter 2017): cosine from the rate to rate x minFactor over a cycle of
   * restartEpochs, then a restart at the rate, each cycle restartMultiplier times as long as the last.
   */
  private double warmRestarts(double p) {
    double length = c.restartEpochs();
    double t = Math.max(0, p);
    while (t >= length) {
      t -= length;
      length *= c.restartMultiplier();
    }
    return base * (c.minFactor() + (1 - c.minFactor()) * 0.5 * (1 + Math.cos(Math.PI * t / length)));
  }

  /**
   * The schedule restarted at {@code p} epochs of progress: sgdr's cycles begin again there, at the peak
   * rate (train.stall.action = restart). The other schedules have no cycle to restart.
   */
  public State restart(State s, double p) {
    return c.type().equals("sgdr") ? new State(s.plateauFactor(), s.bestLoss(), s.sinceBest(), p) : s;
  }

  /** The progress, in epochs, at the start of round {@code round} (0-based) of {@code rounds} in {@code epoch}. */
  public static double progress(int epoch, int round, int rounds) {
    return (epoch - 1) + round / (double) Math.max(1, rounds);
  }

  private double oneCycle(double x) {
    double start = base / c.divFactor();
    double end = start / c.finalDivFactor();
    if (x < c.pctStart()) {
      return start + (base - start) * (1 - Math.cos(Math.PI * x / c.pctStart())) / 2;
    }
    double t = Math.min(1, (x - c.pctStart()) / (1 - c.pctStart()));
    return end + (base - end) * (1 + Math.cos(Math.PI * t)) / 2;
  }

  /** Reduce-on-plateau: told the validation loss after every epoch. */
  public EpochEnd epochEnd(State s, double validationLoss) {
    if (!c.type().equals("plateau")) {
      return new EpochEnd(s, false);
    }
    if (validationLoss < s.bestLoss() - c.minDelta()) {
      return new EpochEnd(new State(s.plateauFactor(), validationLoss, 0, s.cycleStart()), false);
    }
    int since = s.sinceBest() + 1;
    if (since > c.patience() && base * s.plateauFactor() > c.minLearningRate()) {
      return new EpochEnd(new State(s.plateauFactor() * c.factor(), s.bestLoss(), 0, s.cycleStart()), true);
    }
    return new EpochEnd(new State(s.plateauFactor(), s.bestLoss(), since, s.cycleStart()), false);
  }
}
