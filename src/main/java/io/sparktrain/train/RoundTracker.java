package io.sparktrain.train;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Turns the end of each Spark job of an epoch's training into a {@link RoundMetrics}: a parameter
 * averaging round is one job, and the workers' {@link ProgressHook} counted its minibatches and loss in
 * accumulators. Jobs that fitted nothing (counting, exporting) are not rounds.
 */
final class RoundTracker extends SparkListener {
  private final LongAccumulator minibatches;
  private final LongAccumulator examples;
  private final DoubleAccumulator lossSum;
  private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();
  private volatile int epoch;
  private volatile int expectedRounds;
  private int round;
  private long seenMinibatches;
  private long seenExamples;
  private double seenLoss;
  private long lastEnd;
  private long epochStart;
  private long epochMinibatches;
  private long epochExamples;

  RoundTracker(JavaSparkContext sc) {
    minibatches = sc.sc().longAccumulator("sparktrain minibatches");
    examples = sc.sc().longAccumulator("sparktrain examples");
    lossSum = sc.sc().doubleAccumulator("sparktrain loss sum");
    sc.sc().addSparkListener(this);
  }

  ProgressHook hook() {
    return new ProgressHook(minibatches, examples, lossSum);
  }

  void addListener(RoundListener listener) {
    listeners.add(listener);
  }

  synchronized void startEpoch(int epoch, int expectedRounds) {
    this.epoch = epoch;
    this.expectedRounds = expectedRounds;
    this.round = 0;
    this.epochMinibatches = 0;
    this.epochExamples = 0;
    this.epochStart = System.nanoTime();
    this.lastEnd = epochStart;
  }

  @Override
  public synchronized void onJobEnd(SparkListenerJobEnd jobEnd) {
    long batches = minibatches.value() - seenMinibatches;
    if (batches <= 0 || epoch == 0) {
      return;
    }
    long n = examples.value() - seenExamples;
    double loss = (lossSum.value() - seenLoss) / batches;
    seenMinibatches = minibatches.value();
    seenExamples = examples.value();
    seenLoss = lossSum.value();
    long now = System.nanoTime();
    round++;
    epochMinibatches += batches;
    epochExamples += n;
    RoundMetrics m = new RoundMetrics(epoch, round, Math.max(expectedRounds, round), batches, n, loss,
        (now - lastEnd) / 1e9, (now - epochStart) / 1e9, epochMinibatches, epochExamples);
    lastEnd = now;
    for (RoundListener l : listeners) {
      l.roundDone(m);
    }
  }

  void close(JavaSparkContext sc) {
    sc.sc().removeSparkListener(this);
  }
}
