package io.sparktrain.data;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.function.Function;
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
    return examples.mapPartitions(it -> map(groups(it, batchSize), batch -> toDataSet(batch, numClasses)));
  }

  /**
   * Minibatches of consecutive examples of an indexed split (zipWithIndex: indices are consecutive
   * within a partition), each with the index of its first example: row i of the minibatch is example
   * {@code first + i}. Augmentation seeds every row from that index ({@link BatchFiles} names files by it).
   */
  public static JavaRDD<Tuple2<Long, DataSet>> indexed(JavaPairRDD<Example, Long> indexed, int batchSize,
      int numClasses) {
    return indexed.mapPartitions(it -> map(groups(it, batchSize), batch -> {
      List<Example> examples = new ArrayList<>(batch.size());
      batch.forEach(t -> examples.add(t._1()));
      return new Tuple2<>(batch.get(0)._2(), toDataSet(examples, numClasses));
    }));
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

  /** Consecutive groups of {@code size} items (the last may be smaller), lazily. */
  private static <T> Iterator<List<T>> groups(Iterator<T> source, int size) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public List<T> next() {
        if (!source.hasNext()) {
          throw new NoSuchElementException();
        }
        List<T> group = new ArrayList<>(size);
        while (source.hasNext() && group.size() < size) {
          group.add(source.next());
        }
        return group;
      }
    };
  }

  private static <A, B> Iterator<B> map(Iterator<A> source, Function<A, B> f) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return source.hasNext();
      }

      @Override
      public B next() {
        return f.apply(source.next());
      }
    };
  }
}
