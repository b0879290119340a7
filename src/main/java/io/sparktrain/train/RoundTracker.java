package io.sparktrain.train;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Turns each averaging round into a {@link RoundMetrics}: the workers' {@link ProgressHook} counts
 * minibatches and loss in accumulators. When the loop runs every round itself (exported minibatches)
 * it calls {@link #roundEnded} after each, and the accumulators are reset, so a round's loss is the
 * sum of its own tasks' losses alone (the same sum whatever the run did before). When dl4j-spark runs a
 * whole epoch's rounds (the direct approach) the tracker listens for the end of each Spark job instead.
 * Jobs that fitted nothing (counting, exporting) are not rounds. Accumulator updates of failed or
 * retried tasks never count: a round's figures are those of the attempts that succeeded.
 */
final class RoundTracker extends SparkListener {
  private final LongAccumulator minibatches;
  private final LongAccumulator examples;
  private final DoubleAccumulator lossSum;
  private final LongAccumulator nonFinite;
  private final PhaseClock phases;
  private final List<RoundListener> listeners = new CopyOnWriteArrayList<>();
  private final List<RoundMetrics> pending = new ArrayList<>();
  private final boolean listening;
  private final long seed;
  private volatile int epoch;
  private volatile double learningRate = Double.NaN;
  private volatile int expectedRounds;
  private int round;
  private long seenMinibatches;
  private long seenExamples;
  private double seenLoss;
  private long seenNonFinite;
  private long lastEnd;
  private long epochStart;
  private long epochMinibatches;
  private long epochExamples;

  /**
   * @param listening whether rounds are Spark jobs that end while dl4j-spark runs the epoch
   * @param seed the run seed, for the workers' random draws ({@link ProgressHook})
   */
  RoundTracker(JavaSparkContext sc, boolean listening, long seed) {
    this.listening = listening;
    this.seed = seed;
    minibatches = sc.sc().longAccumulator("sparktrain minibatches");
    examples = sc.sc().longAccumulator("sparktrain examples");
    lossSum = sc.sc().doubleAccumulator("sparktrain loss sum");
    nonFinite = sc.sc().longAccumulator("sparktrain non-finite losses");
    phases = new PhaseClock(sc);
    sc.sc().addSparkListener(this);
  }

  ProgressHook hook() {
    return new ProgressHook(minibatches, examples, lossSum, nonFinite, phases.fitNanos(), seed);
  }

  /** Where the training time goes. */
  PhaseClock phases() {
    return phases;
  }

  /** Minibatches fitted, their summed finite loss, and minibatches with a NaN/Inf loss, so far (direct approach). */
  double[] totals() {
    return new double[] {minibatches.value(), lossSum.value(), nonFinite.value()};
  }

  /** The learning rate the next rounds run with, for their records. */
  void learningRate(double lr) {
    this.learningRate = lr;
  }

  /** The epoch the tracker counts rounds of (0 before the first). */
  int epoch() {
    return epoch;
  }

  void addListener(RoundListener listener) {
    listeners.add(listener);
  }

  /**
   * @param doneRounds rounds of this epoch already done (a run resumed in the middle of an epoch)
   */
  synchronized void startEpoch(int epoch, int expectedRounds, int doneRounds) {
    this.epoch = epoch;
    this.expectedRounds = expectedRounds;
    this.round = doneRounds;
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
    // A NaN or infinite minibatch loss makes the round's loss NaN: the divergence guard must see it.
    double loss = bad > 0 ? Double.NaN : (lossSum.value() - seenLoss) / batches;
    if (listening) {
      seenMinibatches = minibatches.value();
      seenExamples = examples.value();
      seenLoss = lossSum.value();
      seenNonFinite = nonFinite.value();
    } else {
      minibatches.reset();
      examples.reset();
      lossSum.reset();
      nonFinite.reset();
    }
    long now = System.nanoTime();
    round++;
    epochMinibatches += batches;
    epochExamples += n;
    RoundMetrics m = new RoundMetrics(epoch, round, Math.max(expectedRounds, round), batches, n, loss,
        (now - lastEnd) / 1e9, (now - epochStart) / 1e9, epochMinibatches, epochExamples, learningRate);
    lastEnd = now;
    pending.add(m);
    for (RoundListener l : listeners) {
      l.roundDone(m);
    }
    return m;
  }

  /** The rounds that ended since the last call. */
  synchronized List<RoundMetrics> drain() {
    List<RoundMetrics> out = List.copyOf(pending);
    pending.clear();
    return out;
  }

  void close(JavaSparkContext sc) {
    sc.sc().removeSparkListener(this);
  }
}
