package io.sparktrain.train;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Turns each averaging round into a {@link RoundMetrics}: the workers' {@link ProgressHook} counts
 * minibatches and loss in accumulators. The trainer calls {@link #roundEnded} after every round it runs
 * itself; when dl4j-spark runs a whole epoch's rounds (the direct approach) the tracker listens for the
 * end of each Spark job instead. Jobs that fitted nothing (counting, exporting) are not rounds.
 */
final class RoundTracker extends SparkListener {
  private final LongAccumulator minibatches;
  private final LongAccumulator examples;
  private final DoubleAccumulator lossSum;
  private final LongAccumulator nonFinite;
  private long seenNonFinite;
  private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();
  private final boolean listening;
  private volatile int epoch;
  private volatile double learningRate = Double.NaN;
  private volatile int expectedRounds;
  private int round;
  private long seenMinibatches;
  private long seenExamples;
  private double seenLoss;
  private long lastEnd;
  private long epochStart;
  private long epochMinibatches;
  private long epochExamples;

  /** @param listening whether rounds are Spark jobs that end while dl4j-spark runs the epoch */
  RoundTracker(JavaSparkContext sc, boolean listening) {
    this.listening = listening;
    minibatches = sc.sc().longAccumulator("sparktrain minibatches");
    examples = sc.sc().longAccumulator("sparktrain examples");
    lossSum = sc.sc().doubleAccumulator("sparktrain loss sum");
    nonFinite = sc.sc().longAccumulator("sparktrain non-finite losses");
    sc.sc().addSparkListener(this);
  }

  ProgressHook hook() {
    return new ProgressHook(minibatches, examples, lossSum, nonFinite);
  }

  /** Minibatches fitted, their summed finite loss, and minibatches with a NaN/Inf loss, so far. */
  double[] totals() {
    return new double[] {minibatches.value(), lossSum.value(), nonFinite.value()};
  }

  /** The learning rate the next rounds run with, for their records. */
  void learningRate(double lr) {
    this.learningRate = lr;
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
  public void onJobEnd(SparkListenerJobEnd jobEnd) {
    if (listening) {
      roundEnded();
    }
  }

  /** The round that ended since the last call (null if nothing was fitted), told to the listeners. */
  synchronized RoundMetrics roundEnded() {
    long batches = minibatches.value() - seenMinibatches;
    if (batches <= 0 || epoch == 0) {
      return null;
    }
    long n = examples.value() - seenExamples;
    long bad = nonFinite.value() - seenNonFinite;
    seenNonFinite = nonFinite.value();
    // A NaN or infinite minibatch loss makes the round's loss NaN: the divergence guard must see it.
    double loss = bad > 0 ? Double.NaN : (lossSum.value() - seenLoss) / batches;
    seenMinibatches = minibatches.value();
    seenExamples = examples.value();
    seenLoss = lossSum.value();
    long now = System.nanoTime();
    round++;
    epochMinibatches += batches;
    epochExamples += n;
    RoundMetrics m = new RoundMetrics(epoch, round, Math.max(expectedRounds, round), batches, n, loss,
        (now - lastEnd) / 1e9, (now - epochStart) / 1e9, epochMinibatches, epochExamples, learningRate);
    lastEnd = now;
    for (RoundListener l : listeners) {
      l.roundDone(m);
    }
    return m;
  }

  void close(JavaSparkContext sc) {
    sc.sc().removeSparkListener(this);
  }
}
