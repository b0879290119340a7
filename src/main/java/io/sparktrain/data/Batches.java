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

/**
 * Groups examples into DL4J minibatches on the executors: flat features and one-hot labels, or for
 * sequences features of shape [minibatch, features, steps] (NCW) with a mask where lengths differ.
 */
public final class Batches {
  private Batches() {}

  public static JavaRDD<DataSet> of(JavaRDD<Example> examples, int batchSize, int numClasses) {
    return examples.mapPartitions(it -> map(groups(it, batchSize), batch -> toDataSet(batch, numClasses)));
  }

  /** Minibatches of examples of {@code shape}: sequences become 3-d minibatches. */
  public static JavaRDD<DataSet> of(JavaRDD<Example> examples, int batchSize, int numClasses, Shape shape) {
    if (!shape.sequence()) {
      return of(examples, batchSize, numClasses);
    }
    int width = shape.width();
    return examples.mapPartitions(it -> map(groups(it, batchSize), batch -> sequences(batch, numClasses, width)));
  }

  /**
   * Minibatches of consecutive examples of an indexed split (zipWithIndex: indices are consecutive
   * within a partition), each with the index of its first example: minibatch k holds examples
   * {@code [k * batchSize, (k + 1) * batchSize)} wherever the partition boundaries fall, so only the split's
   * last minibatch is short (dl4j-spark's workers re-cut what they load to their batch size, and a short one
   * in the middle would shift the rest of a round). A minibatch that straddles partitions is put together
   * from its pieces (found by a first pass that brings less than a minibatch per boundary to the driver) in
   * the partition of its first example, so the order stays that of the indices. Row i of a minibatch is
   * example {@code first + i}; augmentation seeds every row from that index ({@link BatchFiles} names files by it).
   */
  public static JavaRDD<Tuple2<Long, DataSet>> indexed(JavaPairRDD<Example, Long> indexed, int batchSize,
      int numClasses) {
    return indexed(indexed, batchSize, numClasses, null);
  }

  /** As {@link #indexed(JavaPairRDD, int, int)}, for examples of {@code shape} (null: flat rows or images). */
  public static JavaRDD<Tuple2<Long, DataSet>> indexed(JavaPairRDD<Example, Long> indexed, int batchSize,
      int numClasses, Shape shape) {
    int stepWidth = shape != null && shape.sequence() ? shape.width() : 0;
    java.util.Map<Long, List<Example>> straddling = straddling(indexed, batchSize);
    return indexed.mapPartitions(it -> {
      List<Tuple2<Long, DataSet>> out = new ArrayList<>();
      Iterator<List<Tuple2<Example, Long>>> runs = runs(it, batchSize);
      while (runs.hasNext()) {
        List<Tuple2<Example, Long>> run = runs.next();
        long first = run.get(0)._2();
        List<Example> examples;
        if (run.size() == batchSize) {
          examples = new ArrayList<>(batchSize);
          for (Tuple2<Example, Long> t : run) {
            examples.add(t._1());
          }
        } else if (first % batchSize == 0) {
          examples = straddling.get(first / batchSize);
        } else {
          continue; // the rest of a minibatch that began in an earlier partition, which makes it whole
        }
        out.add(new Tuple2<>(first, stepWidth > 0 ? sequences(examples, numClasses, stepWidth)
            : toDataSet(examples, numClasses)));
      }
      return out.iterator();
    });
  }

  /** The minibatches not whole within one partition, by number, their examples in index order. */
  private static java.util.Map<Long, List<Example>> straddling(JavaPairRDD<Example, Long> indexed, int batchSize) {
    List<List<Tuple2<Example, Long>>> pieces = indexed.mapPartitions(it -> {
      List<List<Tuple2<Example, Long>>> out = new ArrayList<>();
      Iterator<List<Tuple2<Example, Long>>> runs = runs(it, batchSize);
      while (runs.hasNext()) {
        List<Tuple2<Example, Long>> run = runs.next();
        if (run.size() < batchSize) {
          out.add(run);
        }
      }
      return out.iterator();
    }).collect();
    java.util.Map<Long, List<Tuple2<Example, Long>>> byNumber = new java.util.HashMap<>();
    for (List<Tuple2<Example, Long>> piece : pieces) {
      byNumber.computeIfAbsent(piece.get(0)._2() / batchSize, k -> new ArrayList<>()).addAll(piece);
    }
    java.util.Map<Long, List<Example>> out = new java.util.HashMap<>();
    byNumber.forEach((k, rows) -> {
      rows.sort(java.util.Comparator.comparingLong(Tuple2::_2));
      out.put(k, rows.stream().map(Tuple2::_1).toList());
    });
    return out;
  }

  /** Consecutive rows of the same minibatch number (index / batchSize), lazily. */
  private static Iterator<List<Tuple2<Example, Long>>> runs(Iterator<Tuple2<Example, Long>> source, int batchSize) {
    return new Iterator<>() {
      private Tuple2<Example, Long> next = source.hasNext() ? source.next() : null;

      @Override
      public boolean hasNext() {
        return next != null;
      }

      @Override
      public List<Tuple2<Example, Long>> next() {
        if (next == null) {
          throw new NoSuchElementException();
        }
        long number = next._2() / batchSize;
        List<Tuple2<Example, Long>> run = new ArrayList<>(batchSize);
        while (next != null && next._2() / batchSize == number) {
          run.add(next);
          next = source.hasNext() ? source.next() : null;
        }
        return run;
      }
    };
  }

  /** One minibatch of examples of {@code shape}. */
  public static DataSet toDataSet(List<Example> batch, int numClasses, Shape shape) {
    return shape.sequence() ? sequences(batch, numClasses, shape.width()) : toDataSet(batch, numClasses);
  }

  /**
   * One minibatch of sequences of {@code width} features per step, padded to the longest: features
   * [n, width, steps]; labels [n, classes] for sequence labels or [n, classes, steps] for per-step labels.
   * Where lengths differ, a mask [n, steps] marks the real steps (of the labels too, when per step), and
   * a padded step is all zeros.
   */
  public static DataSet sequences(List<Example> batch, int numClasses, int width) {
    int n = batch.size();
    int steps = 0;
    boolean ragged = false;
    for (Example ex : batch) {
      int length = ex.features().length / width;
      ragged |= steps != 0 && length != steps;
      steps = Math.max(steps, length);
    }
    boolean perStep = batch.get(0).labelledPerStep();
    float[] features = new float[n * width * steps];
    float[] labels = new float[n * numClasses * (perStep ? steps : 1)];
    float[] mask = ragged ? new float[n * steps] : null;
    for (int i = 0; i < n; i++) {
      Example ex = batch.get(i);
      float[] x = ex.features();
      int length = x.length / width;
      for (int t = 0; t < length; t++) {
        for (int f = 0; f < width; f++) {
          features[(i * width + f) * steps + t] = x[t * width + f];
        }
        if (mask != null) {
          mask[i * steps + t] = 1f;
        }
        if (perStep) {
          labels[(i * numClasses + ex.stepLabels()[t]) * steps + t] = 1f;
        }
      }
      if (!perStep) {
        labels[i * numClasses + ex.label()] = 1f;
      }
    }
    INDArray x = Nd4j.create(features, new long[] {n, width, steps}, 'c');
    INDArray y = perStep ? Nd4j.create(labels, new long[] {n, numClasses, steps}, 'c')
        : Nd4j.create(labels, new long[] {n, numClasses}, 'c');
    INDArray m = mask == null ? null : Nd4j.create(mask, new long[] {n, steps}, 'c');
    return new DataSet(x, y, m, perStep ? m : null);
  }

  /**
   * The sequences of a minibatch made by {@link #sequences}: each as long as its mask says (all its steps
   * without a mask), with its sequence label or its per-step labels.
   */
  public static List<Example> unpack(DataSet batch, int width) {
    INDArray x = batch.getFeatures();
    INDArray y = batch.getLabels();
    int n = (int) x.size(0);
    int steps = (int) x.size(2);
    int classes = (int) y.size(1);
    boolean perStep = y.rank() == 3;
    float[] features = x.dup('c').data().asFloat();
    float[] labels = y.dup('c').data().asFloat();
    float[] mask = batch.getFeaturesMaskArray() == null ? null : batch.getFeaturesMaskArray().dup('c').data().asFloat();
    List<Example> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int length = steps;
      if (mask != null) {
        length = 0;
        while (length < steps && mask[i * steps + length] != 0f) {
          length++;
        }
      }
      float[] row = new float[length * width];
      for (int t = 0; t < length; t++) {
        for (int f = 0; f < width; f++) {
          row[t * width + f] = features[(i * width + f) * steps + t];
        }
      }
      if (perStep) {
        int[] stepLabels = new int[length];
        for (int t = 0; t < length; t++) {
          stepLabels[t] = argmax(labels, i * classes * steps + t, classes, steps);
        }
        out.add(Example.perStep(row, stepLabels));
      } else {
        out.add(new Example(row, argmax(labels, i * classes, classes, 1)));
      }
    }
    return out;
  }

  private static int argmax(float[] values, int from, int count, int stride) {
    int best = 0;
    for (int c = 1; c < count; c++) {
      if (values[from + c * stride] > values[from + best * stride]) {
        best = c;
      }
    }
    return best;
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
