package io.sparktrain.cli;

import io.sparktrain.train.EpochListener;
import io.sparktrain.train.EpochMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The console: in a terminal, a progress bar through each epoch's averaging rounds (rounds done,
 * examples/s, the last round's loss, ETA); then, terminal or log, one line per epoch with the losses,
 * validation accuracy, the generalisation gap, speed and time.
 */
final class ConsoleProgress implements EpochListener, io.sparktrain.train.RoundListener {
  private static final int WIDTH = 24;
  private final PrintWriter out;
  private final boolean terminal;
  private final int totalEpochs;
  private boolean barShown;

  ConsoleProgress(PrintWriter out, boolean terminal, int totalEpochs) {
    this.out = out;
    this.terminal = terminal;
    this.totalEpochs = totalEpochs;
  }

  @Override
  public synchronized void roundDone(io.sparktrain.train.RoundMetrics r) {
    if (!terminal) {
      return;
    }
    int done = (int) Math.round(WIDTH * Math.min(1.0, r.round() / (double) r.roundsInEpoch()));
    double rate = r.epochExamples() / Math.max(r.epochSeconds(), 1e-9);
    double eta = r.epochSeconds() / r.round() * Math.max(0, r.roundsInEpoch() - r.round());
    out.printf(Locale.ROOT, "\repoch %d/%d [%s%s] round %d/%d, %d minibatches  %.0f ex/s  loss %.4f  ETA %.0f s   ",
        r.epoch(), totalEpochs, "#".repeat(done), ".".repeat(WIDTH - done), r.round(), r.roundsInEpoch(),
        r.epochMinibatches(), rate, r.meanLoss(), eta);
    out.flush();
    barShown = true;
  }

  @Override
  public synchronized void epochDone(EpochMetrics m, int totalEpochs) {
    if (barShown) {
      out.print("\r" + " ".repeat(100) + "\r");
      barShown = false;
    }
    out.printf(Locale.ROOT,
        "epoch %d/%d  train loss %.4f  val loss %.4f  val acc %.4f  gap %+.4f  %.0f ex/s  %.1f s%n",
        m.epoch(), totalEpochs, m.trainLoss(), m.validationLoss(), m.validationAccuracy(),
        m.validationLoss() - m.trainLoss(), m.examplesPerSecond(), m.seconds());
    out.flush();
  }
}
