package io.sparktrain.train;

import org.apache.spark.TaskContext;
import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Runs on the workers around every minibatch. Before it, it seeds the task thread's ND4J random
 * generator from the run seed, the network's iteration count and the task's partition, so dropout
 * draws the same masks for the same minibatch in every run (dl4j-spark's workers never reseed: the
 * generator would otherwise start from the clock on each thread and carry over between tasks). After
 * it, it adds the minibatch's size and loss to Spark accumulators, which the driver reads as each
 * averaging round ends ({@link RoundTracker}).
 */
final class ProgressHook implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private final LongAccumulator minibatches;
  private final LongAccumulator examples;
  private final DoubleAccumulator lossSum;
  private final LongAccumulator nonFinite;
  private final LongAccumulator fitNanos;
  private final long seed;
  /** When the current minibatch's fit began (each task has its own copy of the hook). */
  private transient long fitStart;

  /**
   * @param fitNanos the time spent fitting minibatches ({@link PhaseClock})
   * @param nonFinite counts minibatches whose loss was NaN or infinite, kept out of the sum so it stays usable */
  ProgressHook(LongAccumulator minibatches, LongAccumulator examples, DoubleAccumulator lossSum,
      LongAccumulator nonFinite, LongAccumulator fitNanos, long seed) {
    this.seed = seed;
    this.fitNanos = fitNanos;
    this.minibatches = minibatches;
    this.examples = examples;
    this.lossSum = lossSum;
    this.nonFinite = nonFinite;
  }

  private void addLoss(double loss) {
    if (Double.isFinite(loss)) {
      lossSum.add(loss);
    } else {
      nonFinite.add(1);
    }
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    reseed(model);
    fitStart = System.nanoTime();
  }

  /** The seed of a minibatch's random draws: a function of the run seed, the iteration and the worker. */
  static long minibatchSeed(long runSeed, long iteration, int partition) {
    long z = runSeed * 0x9E3779B97F4A7C15L + iteration * 0xC2B2AE3D27D4EB4FL + partition;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }

  private void reseed(Model model) {
    if (model instanceof MultiLayerNetwork net) {
      TaskContext task = TaskContext.get();
      int partition = task == null ? 0 : task.partitionId();
      Nd4j.getRandom().setSeed(minibatchSeed(seed, net.getLayerWiseConfigurations().getIterationCount(), partition));
    }
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
    fitted();
    minibatches.add(1);
    examples.add(minibatch.numExamples());
    addLoss(model.score());
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    reseed(model);
    fitStart = System.nanoTime();
  }

  private void fitted() {
    if (fitStart != 0) {
      fitNanos.add(System.nanoTime() - fitStart);
      fitStart = 0;
    }
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    fitted();
    minibatches.add(1);
    examples.add(minibatch.getFeatures(0).size(0));
    addLoss(model.score());
  }
}
