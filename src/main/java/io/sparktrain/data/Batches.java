package io.sparktrain.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Groups examples into DL4J minibatches on the executors: flat features and one-hot labels. */
public final class Batches {
  private Batches() {}

  /**
   * Changes a minibatch's flat arrays in place before they become a DataSet (mixup, cutmix):
   * {@code features} n x width, {@code labels} n x classes one-hot.
   */
  @FunctionalInterface
  public interface Mixer extends java.io.Serializable {
    void mix(float[] features, float[] labels, int n, int classes, int partition, long batch);
  }

  public static JavaRDD<DataSet> of(JavaRDD<Example> examples, int batchSize, int numClasses) {
    return examples.mapPartitions(it -> new BatchIterator(it, batchSize, numClasses, null, 0));
  }

  /** Minibatches whose arrays {@code mixer} changes first. */
  public static JavaRDD<DataSet> of(JavaRDD<Example> examples, int batchSize, int numClasses, Mixer mixer) {
    return examples.mapPartitionsWithIndex((p, it) -> new BatchIterator(it, batchSize, numClasses, mixer, p), false);
  }

  /** One minibatch from a list of examples, all with the same feature count. */
  public static DataSet toDataSet(List<Example> batch, int numClasses) {
    return toDataSet(batch, numClasses, null, 0, 0);
  }

  private static DataSet toDataSet(List<Example> batch, int numClasses, Mixer mixer, int partition, long number) {
    int n = batch.size();
    int width = batch.get(0).features().length;
    float[] features = new float[n * width];
    float[] labels = new float[n * numClasses];
    for (int i = 0; i < n; i++) {
      Example ex = batch.get(i);
      System.arraycopy(ex.features(), 0, features, i * width, width);
      labels[i * numClasses + ex.label()] = 1f;
    }
    if (mixer != null) {
      mixer.mix(features, labels, n, numClasses, partition, number);
    }
    INDArray x = Nd4j.create(features, new long[] {n, width}, 'c');
    INDArray y = Nd4j.create(labels, new long[] {n, numClasses}, 'c');
    return new DataSet(x, y);
  }

  private static final class BatchIterator implements Iterator<DataSet> {
    private final Iterator<Example> source;
    private final int batchSize;
    private final int numClasses;
    private final Mixer mixer;
    private final int partition;
    private long number;

    BatchIterator(Iterator<Example> source, int batchSize, int numClasses, Mixer mixer, int partition) {
      this.source = source;
      this.batchSize = batchSize;
      this.numClasses = numClasses;
      this.mixer = mixer;
      this.partition = partition;
    }

    @Override
    public boolean hasNext() {
      return source.hasNext();
    }

    @Override
    public DataSet next() {
      List<Example> batch = new ArrayList<>(batchSize);
      while (source.hasNext() && batch.size() < batchSize) {
        batch.add(source.next());
      }
      return toDataSet(batch, numClasses, mixer, partition, number++);
    }
  }
}
