package io.sparktrain.cli;

import io.sparktrain.train.EpochMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/**
 * The console: in a terminal, a progress bar through each epoch's averaging rounds (rounds done,
 * examples/s, the last round's loss, ETA); then, terminal or log, one line per epoch with the losses,
 * validation accuracy, the generalisation gap, speed and time.
 */
final class ConsoleProgress implements io.sparktrain.train.TrainingEvents {
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
  public synchronized void diagnosis(io.sparktrain.health.Diagnosis d) {
    clearBar();
    out.println((d.kind().equals("plateau") ? "schedule: " : "health: ") + d.message());
    out.flush();
  }

  @Override
  public synchronized void recovery(io.sparktrain.train.Recovery r) {
    clearBar();
    String rate = r.learningRateAfter() < r.learningRateBefore()
        ? String.format(Locale.ROOT, "learning rate %.3g -> %.3g", r.learningRateBefore(), r.learningRateAfter())
        : String.format(Locale.ROOT, "learning rate kept at %.3g (a lone spike; a second one within the guard's "
            + "window lowers it)", r.learningRateBefore());
    out.printf(Locale.ROOT, "guard: epoch %d, round %d diverged (%s): restored the last good parameters, %s%n",
        r.epoch(), r.round(), r.reason(), rate);
    out.flush();
  }

  @Override
  public synchronized void stall(io.sparktrain.train.StallEvent e) {
    clearBar();
    String what = switch (e.type()) {
      case KEPT, ROLLBACK -> e.detail();
      case BOOST, RESTART -> String.format(Locale.ROOT, "%s on a %s: learning rate %.3g -> %.3g", e.type().key(),
          e.finding(), e.learningRateBefore(), e.learningRateAfter());
      case REPORTED -> e.finding() + " reported; " + e.detail();
    };
    out.printf(Locale.ROOT, "stall: epoch %d, round %d: %s%n", e.epoch(), e.round(), what);
    out.flush();
  }

  private void clearBar() {
    if (barShown) {
      out.print("\r" + " ".repeat(100) + "\r");
      barShown = false;
    }
  }

  @Override
  public synchronized void epochDone(EpochMetrics m, int totalEpochs) {
    clearBar();
    out.printf(Locale.ROOT,
        "epoch %d/%d  train loss %.4f  val loss %.4f  val acc %.4f  gap %+.4f  lr %.3g  %.0f ex/s  %.1f s%n",
        m.epoch(), totalEpochs, m.trainLoss(), m.validationLoss(), m.validationAccuracy(),
        m.validationLoss() - m.trainLoss(), m.learningRate(), m.examplesPerSecond(), m.seconds());
    out.flush();
  }
}
