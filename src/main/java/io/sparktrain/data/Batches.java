package io.sparktrain.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import scala.Tuple2;

/** Groups examples into DL4J minibatches on the executors: flat features and one-hot labels. */
public final class Batches {
  private Batches() {}

  public static JavaRDD<DataSet> of(JavaRDD<Example> examples, int batchSize, int numClasses) {
    return examples.mapPartitions(it -> new BatchIterator(it, batchSize, numClasses));
  }

  /**
   * Minibatches of consecutive examples of an indexed split (zipWithIndex: indices are consecutive
   * within a partition), each with the index of its first example: row i of the minibatch is example
   * {@code first + i}. Augmentation seeds every row from that index ({@link BatchFiles} names files by it).
   */
  public static JavaRDD<Tuple2<Long, DataSet>> indexed(JavaPairRDD<Example, Long> indexed, int batchSize,
      int numClasses) {
    return indexed.mapPartitions(it -> new Iterator<Tuple2<Long, DataSet>>() {
      @Override
      public boolean hasNext() {
        return it.hasNext();
      }

      @Override
      public Tuple2<Long, DataSet> next() {
        if (!it.hasNext()) {
          throw new NoSuchElementException();
        }
        List<Example> batch = new ArrayList<>(batchSize);
        long first = -1;
        while (it.hasNext() && batch.size() < batchSize) {
          Tuple2<Example, Long> t = it.next();
          first = batch.isEmpty() ? t._2() : first;
          batch.add(t._1());
        }
        return new Tuple2<>(first, toDataSet(batch, numClasses));
      }
    });
  }

  /** One minibatch from a list of examples, all with the same feature count. */
  public static DataSet toDataSet(List<Example> batch, int numClasses) {
    int n = batch.size();
    int width = batch.get(0).features().length;
    float[] features = new float[n * width];
    float[] labels = new float[n * numClasses];
    for (int i = 0; i < n; i++) {
      Example ex = batch.get(i);
      System.arraycopy(ex.features(), 0, features, i * width, width);
      labels[i * numClasses + ex.label()] = 1f;
    }
    INDArray x = Nd4j.create(features, new long[] {n, width}, 'c');
    INDArray y = Nd4j.create(labels, new long[] {n, numClasses}, 'c');
    return new DataSet(x, y);
  }

  private static final class BatchIterator implements Iterator<DataSet> {
    private final Iterator<Example> source;
    private final int batchSize;
    private final int numClasses;

    BatchIterator(Iterator<Example> source, int batchSize, int numClasses) {
      this.source = source;
      this.batchSize = batchSize;
      this.numClasses = numClasses;
    }

    @Override
    public boolean hasNext() {
      return source.hasNext();
    }

    @Override
    public DataSet next() {
      if (!source.hasNext()) {
        throw new NoSuchElementException();
      }
      List<Example> batch = new ArrayList<>(batchSize);
      while (source.hasNext() && batch.size() < batchSize) {
        batch.add(source.next());
      }
      return toDataSet(batch, numClasses);
    }
  }
}
