package io.sparktrain.train;

import org.apache.spark.util.DoubleAccumulator;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Runs on the workers after every minibatch and adds its size and loss to Spark accumulators, which
 * the driver reads as each averaging round ends ({@link RoundTracker}).
 */
final class ProgressHook implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private final LongAccumulator minibatches;
  private final LongAccumulator examples;
  private final DoubleAccumulator lossSum;
  private final LongAccumulator nonFinite;

  /** @param nonFinite counts minibatches whose loss was NaN or infinite, kept out of the sum so it stays usable */
  ProgressHook(LongAccumulator minibatches, LongAccumulator examples, DoubleAccumulator lossSum,
      LongAccumulator nonFinite) {
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
    // Counted after the update, when the minibatch's loss is known.
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
    minibatches.add(1);
    examples.add(minibatch.numExamples());
    addLoss(model.score());
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    // Not used: sparktrain trains MultiLayerNetworks on DataSets.
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    minibatches.add(1);
    examples.add(minibatch.getFeatures(0).size(0));
    addLoss(model.score());
  }
}
