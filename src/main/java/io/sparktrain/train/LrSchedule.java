package io.sparktrain.train;

import io.sparktrain.config.ScheduleConfig;

/**
 * The learning rate for each averaging round from {@code train.schedule}. Progress is counted in
 * epochs, at the middle of the round, so a warm-up never asks for a rate of exactly 0.
 */
final class LrSchedule {
  private final ScheduleConfig c;
  private final double base;
  private final int epochs;
  private double plateauFactor = 1.0;
  private double bestLoss = Double.POSITIVE_INFINITY;
  private int sinceBest;

  LrSchedule(ScheduleConfig c, double base, int epochs) {
    this.c = c;
    this.base = base;
    this.epochs = epochs;
  }

  /** The rate for round {@code round} (0-based) of {@code rounds} in epoch {@code epoch} (1-based). */
  double rate(int epoch, int round, int rounds) {
    double p = (epoch - 1) + (round + 0.5) / Math.max(1, rounds);
    return rateAt(p);
  }

  /** The rate at {@code p} epochs of progress, in [0, epochs]. */
  double rateAt(double p) {
    return switch (c.type()) {
      case "step" -> base * Math.pow(c.gamma(), Math.floor(Math.floor(p) / c.stepEpochs()));
      case "exponential" -> base * Math.pow(c.gamma(), Math.floor(p));
      case "cosine" -> cosine(p);
      case "onecycle" -> oneCycle(p / epochs);
      case "plateau" -> Math.max(c.minLearningRate(), base * plateauFactor);
      default -> base;
    };
  }

  private double cosine(double p) {
    double warm = Math.min(c.warmupEpochs(), epochs);
    if (p < warm) {
      return base * p / warm;
    }
    double t = epochs > warm ? (p - warm) / (epochs - warm) : 1.0;
    return base * (c.minFactor() + (1 - c.minFactor()) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, t))));
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

  /** Reduce-on-plateau: told the validation loss after every epoch; true if it lowered the rate. */
  boolean epochEnd(double validationLoss) {
    if (!c.type().equals("plateau")) {
      return false;
    }
    if (validationLoss < bestLoss - c.minDelta()) {
      bestLoss = validationLoss;
      sinceBest = 0;
      return false;
    }
    sinceBest++;
    if (sinceBest > c.patience() && base * plateauFactor > c.minLearningRate()) {
      plateauFactor *= c.factor();
      sinceBest = 0;
      return true;
    }
    return false;
  }
}
