package io.sparktrain.augment;

import io.sparktrain.config.AugmentSpec;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Shape;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The configured augmentations ({@code augment.ops}), in order: per-example operations, then the
 * minibatch ones (mixup, cutmix). Applied on the executors every epoch. The randomness of an example
 * is a function of (run seed, epoch, the example's index in the training split), and of a minibatch of
 * (run seed, epoch, the index of its first example): the same seed gives the same augmented epoch, and
 * every epoch differs.
 */
public final class AugmentPipeline implements Serializable {
  private static final long serialVersionUID = 1L;
  private final List<ExampleOp> exampleOps;
  private final List<SequenceOp> sequenceOps;
  private final List<BatchOp> batchOps;
  private final Shape shape;
  private final long seed;
  private final double[] featureStd;

  AugmentPipeline(List<ExampleOp> exampleOps, List<BatchOp> batchOps, Shape shape, long seed, double[] featureStd) {
    this(exampleOps, List.of(), batchOps, shape, seed, featureStd);
  }

  private AugmentPipeline(List<ExampleOp> exampleOps, List<SequenceOp> sequenceOps, List<BatchOp> batchOps,
      Shape shape, long seed, double[] featureStd) {
    this.exampleOps = List.copyOf(exampleOps);
    this.sequenceOps = List.copyOf(sequenceOps);
    this.batchOps = List.copyOf(batchOps);
    this.shape = shape;
    this.seed = seed;
    this.featureStd = featureStd;
  }

  AugmentPipeline(List<ExampleOp> exampleOps, List<BatchOp> batchOps, Shape shape, long seed) {
    this(exampleOps, batchOps, shape, seed, null);
  }

  /** The per-feature deviations jitter scales by, or null when the pipeline has no jitter. */
  public double[] featureStd() {
    return featureStd;
  }

  /**
   * @param featureStd per-feature standard deviation of the training split, for jitter; null if not needed
   */
  public static AugmentPipeline of(List<AugmentSpec> specs, Shape shape, long seed, double[] featureStd) {
    if (shape.sequence()) {
      return new AugmentPipeline(List.of(), sequenceOps(specs, shape, featureStd), List.of(), shape, seed, featureStd);
    }
    List<ExampleOp> examples = new ArrayList<>();
    List<BatchOp> batches = new ArrayList<>();
    for (AugmentSpec s : specs) {
      switch (s.type()) {
        case "flip" -> examples.add(new HorizontalFlip(s.p()));
        case "shift" -> examples.add(new RandomShift(s.pixels()));
        case "rotate" -> examples.add(new RandomRotation(s.degrees()));
        case "erase" -> examples.add(new RandomErasing(s.p(), s.minArea(), s.maxArea()));
        case "noise" -> examples.add(new GaussianNoise(s.std()));
        case "brightness-contrast" -> examples.add(new BrightnessContrast(s.brightness(), s.contrast()));
        case "jitter" -> examples.add(new FeatureJitter(s.scale(), featureStd));
        case "mixup" -> batches.add(new Mixup(s.alpha()));
        case "cutmix" -> batches.add(new CutMix(s.alpha(), s.p()));
        default -> throw new IllegalArgumentException(s.key() + ": unknown augmentation " + s.type());
      }
    }
    return new AugmentPipeline(examples, batches, shape, seed, featureStd);
  }

  /** The operations on sequences; the config check leaves only types that take sequences. */
  private static List<SequenceOp> sequenceOps(List<AugmentSpec> specs, Shape shape, double[] featureStd) {
    List<SequenceOp> ops = new ArrayList<>();
    for (AugmentSpec s : specs) {
      ops.add(switch (s.type()) {
        case "noise" -> SequenceOp.everyStep(new GaussianNoise(s.std()), shape);
        case "jitter" -> SequenceOp.everyStep(new FeatureJitter(s.scale(), featureStd), shape);
        case "scaling" -> new MagnitudeScaling(s.std());
        case "timeshift" -> new TimeShift(s.steps());
        case "window" -> new WindowSlice(s.fraction());
        default -> throw new IllegalArgumentException(s.key() + ": " + s.type() + " does not take sequences");
      });
    }
    return ops;
  }

  /** Whether any augmentation op is jitter, which needs the training split's per-feature deviation. */
  public static boolean needsFeatureStd(List<AugmentSpec> specs) {
    return specs.stream().anyMatch(s -> s.type().equals("jitter"));
  }

  /**
   * Per-feature standard deviation over the examples (one pass on the executors); examples of more than
   * {@code width} values (sequences) count each step of {@code width} as one observation.
   */
  public static double[] featureStd(JavaRDD<Example> examples, int width) {
    double[] zero = new double[2 * width + 1];
    double[] sums = examples.treeAggregate(zero, (acc, e) -> {
      float[] x = e.features();
      for (int i = 0; i < x.length; i++) {
        acc[i % width] += x[i];
        acc[width + i % width] += (double) x[i] * x[i];
      }
      acc[2 * width] += x.length / width;
      return acc;
    }, (a, b) -> {
      for (int i = 0; i < a.length; i++) {
        a[i] += b[i];
      }
      return a;
    });
    double n = Math.max(1, sums[2 * width]);
    double[] std = new double[width];
    for (int i = 0; i < width; i++) {
      double mean = sums[i] / n;
      std[i] = Math.sqrt(Math.max(0, sums[width + i] / n - mean * mean));
    }
    return std;
  }

  public boolean isEmpty() {
    return exampleOps.isEmpty() && sequenceOps.isEmpty() && batchOps.isEmpty();
  }

  public boolean hasBatchOps() {
    return !batchOps.isEmpty();
  }

  /** The augmented copy of the example with index {@code index} in epoch {@code epoch}. */
  public Example apply(Example e, int epoch, long index) {
    if (!sequenceOps.isEmpty()) {
      SplittableRandom random = random(seed, epoch, index, 0x5eed);
      for (SequenceOp op : sequenceOps) {
        e = op.apply(e, shape.width(), random);
      }
      return e;
    }
    if (exampleOps.isEmpty()) {
      return e;
    }
    return e.withFeatures(row(e.features(), epoch, index));
  }

  /** The per-example operations on one row, with the randomness of (seed, epoch, index); a new array. */
  private float[] row(float[] x, int epoch, long index) {
    SplittableRandom random = random(seed, epoch, index, 0x5eed);
    for (ExampleOp op : exampleOps) {
      x = op.apply(x, shape, random);
    }
    return x;
  }

  /**
   * A minibatch of consecutive examples, the first with index {@code firstIndex} in the training
   * split, augmented for {@code epoch}: every row with its own randomness (as {@link #apply}), then the
   * minibatch operations with the randomness of (seed, epoch, first index). Returns a new DataSet.
   */
  public DataSet augment(DataSet batch, int epoch, long firstIndex) {
    if (isEmpty()) {
      return batch;
    }
    if (shape.sequence()) {
      List<Example> rows = Batches.unpack(batch, shape.width());
      for (int i = 0; i < rows.size(); i++) {
        rows.set(i, apply(rows.get(i), epoch, firstIndex + i));
      }
      return Batches.sequences(rows, (int) batch.getLabels().size(1), shape.width());
    }
    INDArray x = batch.getFeatures();
    INDArray y = batch.getLabels();
    int n = (int) x.size(0);
    int width = (int) (x.length() / n);
    int classes = (int) y.size(1);
    float[] features = flat(x, n, width);
    float[] labels = flat(y, n, classes);
    if (!exampleOps.isEmpty()) {
      float[] original = new float[width];
      for (int i = 0; i < n; i++) {
        System.arraycopy(features, i * width, original, 0, width);
        System.arraycopy(row(original, epoch, firstIndex + i), 0, features, i * width, width);
      }
    }
    if (!batchOps.isEmpty() && n >= 2) {
      SplittableRandom random = random(seed, epoch, firstIndex, 0xba7c);
      for (BatchOp op : batchOps) {
        op.apply(features, labels, n, shape, classes, random);
      }
    }
    return new DataSet(Nd4j.create(features, x.shape(), 'c'), Nd4j.create(labels, new long[] {n, classes}, 'c'));
  }

  /** The array's values in row-major order, as an n x width block. */
  static float[] flat(INDArray a, int n, int width) {
    return a.dup('c').reshape('c', n, width).data().asFloat();
  }

  /**
   * One epoch's training minibatches for the direct approach, made on the executors: the same
   * minibatches, augmented the same way, as the export approach's {@link AugmentingLoader} gives.
   *
   * @param indexed the training split with each example's index (from zipWithIndex, cached)
   */
  public JavaRDD<DataSet> epoch(JavaPairRDD<Example, Long> indexed, int epoch, int batchSize, int numClasses) {
    AugmentPipeline self = this;
    return Batches.indexed(indexed, batchSize, numClasses, shape).map(t -> self.augment(t._2(), epoch, t._1()));
  }

  /** What runs, in order, for summary.json and the report. */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    exampleOps.forEach(op -> out.add(op.describe()));
    sequenceOps.forEach(op -> out.add(op.describe()));
    batchOps.forEach(op -> out.add(op.describe() + ", per minibatch"));
    return out;
  }

  /** A generator for one (seed, epoch, item, stream): a 64-bit mix of the four, as SplittableRandom's seed. */
  static SplittableRandom random(long seed, long epoch, long item, long stream) {
    long h = mix(seed ^ 0x9E3779B97F4A7C15L);
    h = mix(h ^ epoch);
    h = mix(h ^ item);
    h = mix(h ^ stream);
    return new SplittableRandom(h);
  }

  private static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
