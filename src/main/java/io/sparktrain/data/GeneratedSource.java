package io.sparktrain.data;

import io.sparktrain.config.GeneratedOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Tasks made on the fly, on the executors: each sequence is drawn from its own seed (the data seed, the
 * split and the sequence's number), so the same configuration always gives the same sequences.
 */
public final class GeneratedSource {
  /** The seeds of the two sets are apart: no test sequence is drawn from a training sequence's seed. */
  private static final long TEST_STREAM = 0x5DEECE66DL;

  private GeneratedSource() {}

  /** The training sequences (validation is split from them). */
  public static JavaRDD<Example> train(JavaSparkContext sc, GeneratedOptions o, long seed, int partitions) {
    return draw(sc, o, seed, o.train(), partitions);
  }

  /** The test sequences. */
  public static JavaRDD<Example> test(JavaSparkContext sc, GeneratedOptions o, long seed, int partitions) {
    return draw(sc, o, seed ^ TEST_STREAM, o.test(), partitions);
  }

  /** The shape of the task's examples. */
  public static Shape shape(GeneratedOptions o) {
    return Shape.sequence(o.length(), o.symbols());
  }

  private static JavaRDD<Example> draw(JavaSparkContext sc, GeneratedOptions o, long seed, int count, int partitions) {
    int slices = Math.max(1, Math.min(partitions, count));
    List<int[]> ranges = new ArrayList<>();
    for (int s = 0; s < slices; s++) {
      ranges.add(new int[] {(int) ((long) count * s / slices), (int) ((long) count * (s + 1) / slices)});
    }
    return sc.parallelize(ranges, slices).flatMap(r -> {
      List<Example> out = new ArrayList<>(r[1] - r[0]);
      for (int i = r[0]; i < r[1]; i++) {
        out.add(example(o, seed, i));
      }
      return out.iterator();
    });
  }

  /** Sequence number {@code i} of the task. */
  static Example example(GeneratedOptions o, long seed, int i) {
    SplittableRandom random = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + i);
    return switch (o.task()) {
      case RECALL -> recall(random, o.length(), o.symbols());
    };
  }

  /** Random symbols, one-hot per step; the label is the first one. */
  static Example recall(SplittableRandom random, int length, int symbols) {
    float[] x = new float[length * symbols];
    int first = random.nextInt(symbols);
    x[first] = 1f;
    for (int t = 1; t < length; t++) {
      x[t * symbols + random.nextInt(symbols)] = 1f;
    }
    return new Example(x, first);
  }
}
