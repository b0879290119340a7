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
 * configuration and parameters (broadcast), as dl4j-spark's own evaluation does.
 */
final class ViewEvaluation {
  private ViewEvaluation() {}

  static Evaluation evaluate(JavaSparkContext sc, MultiLayerNetwork net, JavaRDD<DataSet> data, List<String> labels,
      TestTimeViews views) {
    Broadcast<String> conf = sc.broadcast(net.getLayerWiseConfigurations().toJson());
    Broadcast<INDArray> params = sc.broadcast(net.params().dup());
    try {
      return data.mapPartitions((Iterator<DataSet> it) -> {
        Evaluation eval = new Evaluation(labels);
        if (!it.hasNext()) {
          return List.of(eval).iterator();
        }
        MultiLayerNetwork local = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
        local.init(params.value().dup(), false);
        while (it.hasNext()) {
          DataSet batch = it.next();
          eval.eval(batch.getLabels(), averaged(local, batch.getFeatures(), views));
        }
        return List.of(eval).iterator();
      }).reduce((a, b) -> {
        a.merge(b);
        return a;
      });
    } finally {
      conf.unpersist(false);
      params.unpersist(false);
    }
  }

  /** The class probabilities averaged over the views of every row. */
  static INDArray averaged(MultiLayerNetwork net, INDArray features, TestTimeViews views) {
    INDArray sum = net.output(features, false).dup();
    for (int k = 1; k < views.size(); k++) {
      sum.addi(net.output(views.view(k, features), false));
    }
    return sum.divi(views.size());
  }
}
