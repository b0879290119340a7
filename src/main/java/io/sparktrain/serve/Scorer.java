package io.sparktrain.serve;

import io.sparktrain.data.Example;
import io.sparktrain.data.FeatureScaler;
import io.sparktrain.data.Keyed;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Scores records on the executors: the model's bytes are broadcast once, each partition restores one
 * network from them and feeds it minibatches of raw records scaled as the model was trained. Nothing but
 * counts and evaluations comes back to the driver.
 */
public final class Scorer implements Serializable {
  private static final long serialVersionUID = 1L;
  /** Examples per forward pass. */
  public static final int BATCH = 256;

  private final Broadcast<byte[]> model;
  private final String uri;
  private final FeatureScaler scaler;
  private final int numClasses;
  private final LongAccumulator scored;
  private final LongAccumulator labelled;
  private final LongAccumulator correct;

  /**
   * One record's prediction.
   *
   * @param label its label, or {@link Keyed#UNLABELLED}
   * @param probabilities per class, in label order
   */
  public record Scored(Object[] keys, int label, int predicted, float[] probabilities) implements Serializable {
    private static final long serialVersionUID = 1L;
  }

  public Scorer(JavaSparkContext sc, ModelFile.Loaded loaded) {
    this.model = sc.broadcast(loaded.bytes());
    this.uri = loaded.uri();
    this.scaler = loaded.scaler();
    this.numClasses = loaded.classNames().size();
    this.scored = sc.sc().longAccumulator("records scored");
    this.labelled = sc.sc().longAccumulator("labelled records scored");
    this.correct = sc.sc().longAccumulator("labelled records predicted right");
  }

  /** Labelled records scored so far, and how many of them were predicted right (for the summary line). */
  public long[] labelledSoFar() {
    return new long[] {labelled.value(), correct.value()};
  }

  /** Records scored so far, over all tasks (for progress). */
  public long scoredSoFar() {
    return scored.value();
  }

  public JavaRDD<Scored> score(JavaRDD<Keyed> rows) {
    return rows.mapPartitions(this::score);
  }

  /** The evaluation of the labelled records (the unlabelled ones are left out), merged over the partitions. */
  public Evaluation evaluate(JavaRDD<Scored> scored, List<String> classNames) {
    int k = numClasses;
    return scored.filter(s -> s.label() != Keyed.UNLABELLED).mapPartitions(it -> {
      Evaluation e = new Evaluation(classNames);
      List<Scored> batch = new ArrayList<>(BATCH);
      while (it.hasNext()) {
        batch.add(it.next());
        if (batch.size() == BATCH || !it.hasNext()) {
          evalBatch(e, batch, k);
          batch.clear();
        }
      }
      return List.of(e).iterator();
    }).reduce((a, b) -> {
      a.merge(b);
      return a;
    });
  }

  private static void evalBatch(Evaluation e, List<Scored> batch, int k) {
    float[] labels = new float[batch.size() * k];
    float[] probabilities = new float[batch.size() * k];
    for (int i = 0; i < batch.size(); i++) {
      labels[i * k + batch.get(i).label()] = 1f;
      System.arraycopy(batch.get(i).probabilities(), 0, probabilities, i * k, k);
    }
    e.eval(Nd4j.create(labels, new long[] {batch.size(), k}, 'c'),
        Nd4j.create(probabilities, new long[] {batch.size(), k}, 'c'));
  }

  /** Mean cross-entropy of the labelled records' predicted probabilities. */
  public static double loss(JavaRDD<Scored> scored) {
    double[] sum = scored.filter(s -> s.label() != Keyed.UNLABELLED).aggregate(new double[2], (acc, s) -> {
      acc[0] += -Math.log(Math.max(1e-12, s.probabilities()[s.label()]));
      acc[1] += 1;
      return acc;
    }, (a, b) -> new double[] {a[0] + b[0], a[1] + b[1]});
    return sum[1] == 0 ? Double.NaN : sum[0] / sum[1];
  }

  /** One partition: one network, minibatches of {@link #BATCH}, lazily. */
  Iterator<Scored> score(Iterator<Keyed> rows) {
    if (!rows.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    MultiLayerNetwork net = ModelFile.restore(uri, model.value());
    return new Iterator<>() {
      private Iterator<Scored> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        return current.hasNext() || rows.hasNext();
      }

      @Override
      public Scored next() {
        if (!current.hasNext()) {
          if (!rows.hasNext()) {
            throw new NoSuchElementException();
          }
          current = batch(net, rows).iterator();
        }
        return current.next();
      }
    };
  }

  private List<Scored> batch(MultiLayerNetwork net, Iterator<Keyed> rows) {
    List<Keyed> batch = new ArrayList<>(BATCH);
    while (rows.hasNext() && batch.size() < BATCH) {
      batch.add(rows.next());
    }
    int width = batch.get(0).example().features().length;
    float[] x = new float[batch.size() * width];
    for (int i = 0; i < batch.size(); i++) {
      Example scaled = scaler.apply(batch.get(i).example());
      System.arraycopy(scaled.features(), 0, x, i * width, width);
    }
    INDArray out = net.output(Nd4j.create(x, new long[] {batch.size(), width}, 'c'), false);
    float[] p = out.castTo(org.nd4j.linalg.api.buffer.DataType.FLOAT).dup('c').data().asFloat();
    int k = (int) out.size(1);
    List<Scored> result = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      float[] probabilities = new float[k];
      System.arraycopy(p, i * k, probabilities, 0, k);
      int best = 0;
      for (int c = 1; c < k; c++) {
        if (probabilities[c] > probabilities[best]) {
          best = c;
        }
      }
      Keyed in = batch.get(i);
      if (in.example().label() != Keyed.UNLABELLED) {
        labelled.add(1);
        correct.add(in.example().label() == best ? 1 : 0);
      }
      result.add(new Scored(in.keys(), in.example().label(), best, probabilities));
    }
    scored.add(batch.size());
    return result;
  }
}
