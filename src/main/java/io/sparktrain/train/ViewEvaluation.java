package io.sparktrain.train;

import io.sparktrain.augment.TestTimeViews;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Evaluation with test-time augmentation, on the executors: each minibatch is predicted once per view
 * and the class probabilities are averaged before they are scored. The network travels as its
 * configuration and parameters (broadcast), as dl4j-spark's own evaluation does. One pass gives the
 * evaluation of the plain images too.
 */
final class ViewEvaluation {
  private ViewEvaluation() {}

  /**
   * @param plain the evaluation of the plain images (view 0 alone: what the network predicts on its own)
   * @param averaged the evaluation of the class probabilities averaged over all views
   */
  record Result(Evaluation plain, Evaluation averaged) implements java.io.Serializable {
    Result merge(Result other) {
      plain.merge(other.plain);
      averaged.merge(other.averaged);
      return this;
    }
  }

  /** Both evaluations in one pass over {@code data}: view 0, the image itself, serves both. */
  static Result evaluate(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<DataSet> data, List<String> labels,
      TestTimeViews views) {
    Broadcast<String> conf = sc.broadcast(net.getLayerWiseConfigurations().toJson());
    Broadcast<INDArray> params = sc.broadcast(net.params().dup());
    try {
      return data.mapPartitions((Iterator<DataSet> it) -> {
        Result result = new Result(new Evaluation(labels), new Evaluation(labels));
        if (!it.hasNext()) {
          return List.of(result).iterator();
        }
        MultiLayerNetwork local = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
        local.init(params.value().dup(), false);
        while (it.hasNext()) {
          DataSet batch = it.next();
          INDArray plain = local.output(batch.getFeatures(), false);
          result.plain().eval(batch.getLabels(), plain);
          INDArray sum = plain.dup();
          for (int k = 1; k < views.size(); k++) {
            sum.addi(local.output(views.view(k, batch.getFeatures()), false));
          }
          result.averaged().eval(batch.getLabels(), sum.divi(views.size()));
        }
        return List.of(result).iterator();
      }).reduce(Result::merge);
    } finally {
      conf.unpersist(false);
      params.unpersist(false);
    }
  }
}
