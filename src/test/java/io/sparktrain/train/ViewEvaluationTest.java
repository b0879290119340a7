package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.augment.HorizontalFlip;
import io.sparktrain.augment.RandomShift;
import io.sparktrain.augment.TestTimeViews;
import io.sparktrain.config.AugmentSpec;
import io.sparktrain.data.Shape;
import io.sparktrain.testing.TestSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.LossFunctions.LossFunction;

class ViewEvaluationTest {
  static final Shape IMAGE = Shape.image(6, 5, 1);
  static final List<String> LABELS = List.of("a", "b", "c");

  static MultiLayerNetwork network() {
    MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7).list()
        .layer(new DenseLayer.Builder().nIn(IMAGE.size()).nOut(8).activation(Activation.TANH).build())
        .layer(new OutputLayer.Builder(LossFunction.MCXENT).nIn(8).nOut(3).activation(Activation.SOFTMAX).build())
        .build());
    net.init();
    return net;
  }

  /** Random images with labels that are not a function of them: many rows flip their prediction between views. */
  static List<DataSet> batches() {
    Random random = new Random(3);
    List<DataSet> out = new ArrayList<>();
    for (int b = 0; b < 6; b++) {
      int n = 7;
      float[][] x = new float[n][IMAGE.size()];
      float[][] y = new float[n][3];
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < IMAGE.size(); j++) {
          x[i][j] = random.nextFloat() * (j % 5 < 2 ? 3 : 1);
        }
        y[i][random.nextInt(3)] = 1;
      }
      out.add(new DataSet(Nd4j.create(x), Nd4j.create(y)));
    }
    return out;
  }

  static int[][] counts(Evaluation e) {
    int[][] out = new int[3][3];
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        out[i][j] = e.getConfusionMatrix().getCount(i, j);
      }
    }
    return out;
  }

  static AugmentSpec op(String type) {
    return new AugmentSpec("augment.ops[0]", type, 0.5, 2, 10, 0.02, 0.2, 0.05, 0.1, 0.1, 0.05, 0.2, 5, 0.9);
  }

  @Test
  void oneView_isThePlainEvaluation() {
    MultiLayerNetwork net = network();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    TestTimeViews plain = TestTimeViews.of(List.of(op("erase")), IMAGE, 1);
    // More partitions than minibatches: two are empty.
    ViewEvaluation.Result spark = ViewEvaluation.evaluate(sc, net, sc.parallelize(batches(), 8), LABELS, plain);
    Evaluation local = new Evaluation(LABELS);
    batches().forEach(ds -> local.eval(ds.getLabels(), net.output(ds.getFeatures())));
    assertThat(spark.averaged().getNumRowCounter()).isEqualTo(42);
    assertThat(counts(spark.averaged())).isEqualTo(counts(local));
    assertThat(counts(spark.plain())).isEqualTo(counts(local));
  }

  @Test
  void tenViews_scoreTheMeanOfTheImagesMirrorAndShiftsProbabilities() {
    MultiLayerNetwork net = network();
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(TestSpark.session().sparkContext());
    TestTimeViews views = TestTimeViews.of(List.of(op("flip"), op("shift")), IMAGE, 1);
    ViewEvaluation.Result spark = ViewEvaluation.evaluate(sc, net, sc.parallelize(batches(), 3), LABELS, views);

    Evaluation expected = new Evaluation(LABELS);
    Evaluation plain = new Evaluation(LABELS);
    int[][] moves = {{0, 0}, {1, 0}, {-1, 0}, {0, 1}, {0, -1}};
    for (DataSet ds : batches()) {
      int n = ds.numExamples();
      INDArray mean = Nd4j.zeros(n, 3);
      for (int i = 0; i < n; i++) {
        float[] x = ds.getFeatures().getRow(i).toFloatVector();
        for (float[] base : List.of(x, HorizontalFlip.mirror(x, IMAGE))) {
          for (int[] m : moves) {
            INDArray row = Nd4j.create(RandomShift.shift(base, IMAGE, m[0], m[1]), 1, IMAGE.size());
            mean.getRow(i).addi(net.output(row).getRow(0).div(10));
          }
        }
      }
      expected.eval(ds.getLabels(), mean);
      plain.eval(ds.getLabels(), net.output(ds.getFeatures()));
    }
    assertThat(counts(spark.averaged())).isEqualTo(counts(expected));
    assertThat(counts(spark.plain())).isEqualTo(counts(plain));
    assertThat(counts(spark.averaged())).as("the views change predictions here").isNotEqualTo(counts(plain));
  }
}
