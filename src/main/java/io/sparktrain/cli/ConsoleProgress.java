package io.sparktrain.cli;

import io.sparktrain.train.EpochListener;
import io.sparktrain.train.EpochMetrics;
import java.io.PrintWriter;
import java.util.Locale;

/** One plain line per epoch on the console: losses, validation accuracy, the generalisation gap, speed, time. */
final class ConsoleProgress implements EpochListener {
  private final PrintWriter out;

  ConsoleProgress(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void epochDone(EpochMetrics m, int totalEpochs) {
    out.printf(Locale.ROOT,
        "epoch %d/%d  train loss %.4f  val loss %.4f  val acc %.4f  gap %+.4f  %.0f ex/s  %.1f s%n",
        m.epoch(), totalEpochs, m.trainLoss(), m.validationLoss(), m.validationAccuracy(),
        m.validationLoss() - m.trainLoss(), m.examplesPerSecond(), m.seconds());
    out.flush();
  }
}
