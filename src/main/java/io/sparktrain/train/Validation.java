package io.sparktrain.train;

import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/** Scores the averaged network on the validation split after every epoch (loss and accuracy). */
record Validation(JavaRDD<DataSet> minibatches, List<String> labels, long trainCount) {
  /** An epoch's validation. */
  record Result(double loss, double accuracy, double seconds) {}

  Result run(SparkNetwork net) {
    long t0 = System.nanoTime();
    double loss = net.score(minibatches);
    Evaluation eval = net.evaluate(minibatches, labels);
    return new Result(loss, eval.accuracy(), (System.nanoTime() - t0) / 1e9);
  }
}
