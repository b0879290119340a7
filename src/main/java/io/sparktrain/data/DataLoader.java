package io.sparktrain.data;

import io.sparktrain.config.DataConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import scala.Tuple2;

/** Loads the configured source, splits it with the run seed and scales it: the data side of a run. */
public final class DataLoader {
  private DataLoader() {}

  /** An IDX image as it travels to the executors: raw unsigned bytes, converted there. */
  record IdxRecord(byte[] pixels, int label, int index) implements Serializable {
    Parsed parse(String labelsUri, int numClasses) {
      if (label >= numClasses) {
        return Parsed.rejected("label out of range", labelsUri + ": record " + index + ": label " + label
            + " is not a class in [0, " + numClasses + ") (data.numClasses)");
      }
      float[] x = new float[pixels.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = pixels[i] & 0xff;
      }
      return Parsed.ok(new Example(x, label));
    }
  }

  /** Loads without writing rejected records anywhere (they are still counted and judged). */
  public static Splits load(SparkSession spark, DataConfig config, long seed) {
    return load(spark, config, seed, null, Fixed.NONE);
  }

  /** Loads a new run's data; rejected records go under {@code quarantine} (a Hadoop URI), or nowhere when null. */
  public static Splits load(SparkSession spark, DataConfig config, long seed, String quarantine) {
    return load(spark, config, seed, quarantine, Fixed.NONE);
  }

  /**
   * What a resumed run takes from the run it continues instead of working it out again: the number of
   * partitions (they set each example's index in the split, so which examples share a minibatch) and the
   * fitted scaler (statistics summed in a different order would differ in the last bits).
   *
   * @param partitions the partitions to use; 0: data.partitions, else Spark's default parallelism
   * @param scaler the scaler to apply; null: fit one on the training split
   */
  public record Fixed(int partitions, FeatureScaler scaler) {
    public static final Fixed NONE = new Fixed(0, null);
  }

  /** The parsed sources of a job, before the split: all labelled examples, and the test set if separate. */
  private record Read(JavaRDD<Example> all, JavaRDD<Example> test, Shape shape, List<String> featureNames,
      List<String> classNames) {}

  /**
   * @param quarantine folder (any Hadoop URI) for the rejected records of each source, or null
   */
  public static Splits load(SparkSession spark, DataConfig config, long seed, String quarantine, Fixed fixed) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (String uri : java.util.Arrays.asList(config.train(), config.trainLabels(), config.test(), config.testLabels())) {
      if (uri != null && !uri.isBlank()) {
        HadoopFiles.checkLocation(uri, sc.hadoopConfiguration());
      }
    }
    int partitions = fixed.partitions() > 0 ? fixed.partitions()
        : config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
    List<Rejected> rejected = new ArrayList<>();
    Quarantine q = new Quarantine(quarantine, config.maxRejectedFraction(), sc.hadoopConfiguration(), rejected);
    Read read = switch (config.format()) {
      case "idx" -> idx(sc, config, partitions, q);
      case "images" -> images(spark, config, partitions, q);
      case "parquet" -> parquet(spark, config, partitions, q);
      case "generated" -> new Read(GeneratedSource.train(sc, config.generated(), config.seed(), partitions),
          GeneratedSource.test(sc, config.generated(), config.seed(), partitions),
          GeneratedSource.shape(config.generated()), List.of(), classNames(config));
      case "sequence-csv" -> sequences(config, partitions, q, uri -> SequenceCsvSource.read(spark, uri, config.csv(),
          config.sequence(), config.numClasses(), config.limits()));
      case "sequence-files" -> sequences(config, partitions, q, uri -> SequenceFilesSource.read(spark, uri,
          config.csv().delimiter(), config.sequence(), config.numClasses(), config.limits()));
      case "sequence-parquet" -> sequences(config, partitions, q, uri -> SequenceParquetSource.read(spark, uri,
          config.sequence(), config.numClasses(), config.limits()));
      default -> csv(spark, config, partitions, q);
    };
    JavaRDD<Example> all = read.all().persist(StorageLevel.MEMORY_AND_DISK());
    StableSplit split = new StableSplit(seed, config.validationFraction(),
        read.test() == null ? config.testFraction() : 0.0);
    JavaRDD<Example> train = part(all, split, StableSplit.Part.TRAIN);
    JavaRDD<Example> validation = part(all, split, StableSplit.Part.VALIDATION);
    JavaRDD<Example> test = read.test() == null ? part(all, split, StableSplit.Part.TEST) : read.test();
    if (config.trainPerClass() > 0) {
      train = perClass(train, config.trainPerClass(), split);
    }
    SplitIdentity identity = SplitIdentity.of(identity(train), identity(validation), identity(test));
    FeatureScaler scaler = fixed.scaler() != null ? fixed.scaler() : FeatureScaler.fit(config, train, read.shape().featureCount());
    train = scaled(train, scaler);
    validation = scaled(validation, scaler);
    test = scaled(test, scaler);
    all.unpersist(false);
    check(config, identity);
    List<Long> trainClassCounts = classCounts(config, train, read.classNames());
    return new Splits(train, validation, test, identity.train(), identity.validation(), identity.test(), read.shape(),
        scaler, read.featureNames(), List.copyOf(trainClassCounts), List.copyOf(rejected),
        List.copyOf(read.classNames()), identity, partitions);
  }

  private static Read idx(JavaSparkContext sc, DataConfig config, int partitions, Quarantine q) {
    Configuration hadoop = sc.hadoopConfiguration();
    IdxReader.IdxImages train = IdxReader.read(config.train(), config.trainLabels(), config.numClasses(), hadoop);
    Shape shape = train.shape();
    // Parallelized from the driver in file order: partitions hold the same examples in the same order
    // whenever they are computed.
    JavaRDD<Example> all = q.accepted(config.train(), "train", idxRecords(sc, train, partitions, config.trainLabels(),
        config.numClasses()));
    JavaRDD<Example> test = null;
    if (config.hasTestSet()) {
      IdxReader.IdxImages t = IdxReader.read(config.test(), config.testLabels(), config.numClasses(), hadoop);
      if (!t.shape().equals(shape)) {
        throw new DataException(config.test() + ": test images are " + t.shape() + " but training images ("
            + config.train() + ") are " + shape);
      }
      test = q.accepted(config.test(), "test", idxRecords(sc, t, partitions, config.testLabels(), config.numClasses()));
    }
    return new Read(all, test, shape, List.of(), classNames(config));
  }

  private static Read images(SparkSession spark, DataConfig config, int partitions, Quarantine q) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    List<String> classes = ImageFolderSource.classes(config.train(), hadoop);
    if (classes.size() != config.numClasses()) {
      throw new DataException(config.train() + ": " + classes.size() + " class folders " + classes
          + " but data.numClasses = " + config.numClasses() + "; set data.numClasses = " + classes.size());
    }
    if (!config.classNames().isEmpty() && !config.classNames().equals(classes)) {
      throw new DataException(config.train() + ": the class folders " + classes + " differ from data.classNames "
          + config.classNames() + "; leave data.classNames empty for image folders (the folder names are used)");
    }
    ImageFolderSource.ImageData images = ImageFolderSource.read(spark, config.train(), classes, config.images(), null,
        config.limits());
    Shape shape = images.shape();
    JavaRDD<Example> all = byIdentity(q.accepted(config.train(), "train", images.records()), partitions);
    JavaRDD<Example> test = null;
    if (config.hasTestSet()) {
      ImageFolderSource.ImageData t = ImageFolderSource.read(spark, config.test(), classes, config.images(), shape,
          config.limits());
      test = byIdentity(q.accepted(config.test(), "test", t.records()), partitions);
    }
    return new Read(all, test, shape, List.of(), classes);
  }

  private static Read parquet(SparkSession spark, DataConfig config, int partitions, Quarantine q) {
    ParquetSource.ParquetData p = ParquetSource.read(spark, config.train(), config.parquet(), config.numClasses(),
        config.limits());
    List<Integer> s = config.parquet().imageShape();
    Shape shape = s.isEmpty() ? Shape.features(p.featureCount()) : Shape.image(s.get(0), s.get(1), s.get(2));
    JavaRDD<Example> all = byIdentity(q.accepted(config.train(), "train", p.records()), partitions);
    JavaRDD<Example> test = null;
    if (config.hasTestSet()) {
      ParquetSource.ParquetData t = ParquetSource.read(spark, config.test(), config.parquet(), config.numClasses(),
          config.limits());
      sameWidth(config, t.featureCount(), p.featureCount());
      test = byIdentity(q.accepted(config.test(), "test", t.records()), partitions);
    }
    return new Read(all, test, shape, p.array() ? List.of() : p.featureNames(), classNames(config));
  }

  private static Read csv(SparkSession spark, DataConfig config, int partitions, Quarantine q) {
    CsvSource.CsvData csv = CsvSource.read(spark, config.train(), config.csv(), config.numClasses(), config.limits());
    JavaRDD<Example> all = byIdentity(q.accepted(config.train(), "train", csv.records()), partitions);
    JavaRDD<Example> test = null;
    if (config.hasTestSet()) {
      CsvSource.CsvData t = CsvSource.read(spark, config.test(), config.csv(), config.numClasses(), config.limits());
      sameWidth(config, t.featureCount(), csv.featureCount());
      test = byIdentity(q.accepted(config.test(), "test", t.records()), partitions);
    }
    return new Read(all, test, Shape.features(csv.featureCount()), csv.featureNames(), classNames(config));
  }

  /** Sequences from one of the sequence sources, read from a URI. */
  private static Read sequences(DataConfig config, int partitions, Quarantine q,
      java.util.function.Function<String, SequenceData> source) {
    SequenceData d = source.apply(config.train());
    JavaRDD<Example> all = byIdentity(q.accepted(config.train(), "train", d.records()), partitions);
    JavaRDD<Example> test = null;
    if (config.hasTestSet()) {
      SequenceData t = source.apply(config.test());
      sameWidth(config, t.featureNames().size(), d.featureNames().size());
      test = byIdentity(q.accepted(config.test(), "test", t.records()), partitions);
    }
    return new Read(all, test, Shape.sequence(config.sequence().maxLength(), d.featureNames().size()),
        d.featureNames(), classNames(config));
  }

  private static void sameWidth(DataConfig config, int test, int train) {
    if (test != train) {
      throw new DataException(config.test() + ": test rows have " + test + " features but training rows ("
          + config.train() + ") have " + train);
    }
  }

  private static List<String> classNames(DataConfig config) {
    List<String> names = new ArrayList<>();
    for (int c = 0; c < config.numClasses(); c++) {
      names.add(config.className(c));
    }
    return names;
  }

  /**
   * The examples spread over {@code partitions} by identity and ordered by it within each partition.
   * A plain repartition would do for training, but the order in which a shuffle's blocks arrive
   * differs between computations; this order does not, so minibatches are the same whenever they are
   * made (a resumed run exports exactly the minibatches the interrupted one trained on).
   */
  static JavaRDD<Example> byIdentity(JavaRDD<Example> examples, int partitions) {
    return examples.mapToPair(e -> new Tuple2<>(StableSplit.id(e), e))
        .repartitionAndSortWithinPartitions(new HashPartitioner(partitions))
        .values();
  }

  private static JavaRDD<Example> part(JavaRDD<Example> all, StableSplit split, StableSplit.Part part) {
    return all.filter(e -> split.of(StableSplit.id(e)) == part);
  }

  private static SplitIdentity.Part identity(JavaRDD<Example> examples) {
    long[] totals = examples.map(StableSplit::id).aggregate(new long[2], (acc, id) -> {
      acc[0]++;
      acc[1] += id;
      return acc;
    }, (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
    return new SplitIdentity.Part(totals[0], totals[1]);
  }

  private static List<Long> classCounts(DataConfig config, JavaRDD<Example> train, List<String> classNames) {
    Map<Integer, Long> perClass = train.map(Example::label).countByValue();
    List<Long> counts = new ArrayList<>();
    for (int c = 0; c < config.numClasses(); c++) {
      long n = perClass.getOrDefault(c, 0L);
      if (n == 0) {
        throw new DataException(config.train() + ": class " + c + " (" + classNames.get(c) + ") has no training"
            + " examples; check data.numClasses, the labels, or the split (data.validationFraction)");
      }
      counts.add(n);
    }
    return counts;
  }

  /**
   * At most {@code n} examples of each class: per class, those with the smallest seeded sample keys
   * ({@link StableSplit#sampleKey}), so the sample depends on the seed and the examples, not on their order.
   */
  static JavaRDD<Example> perClass(JavaRDD<Example> train, int n, StableSplit split) {
    Map<Integer, Long> threshold = train.mapToPair(e -> new Tuple2<>(e.label(), split.sampleKey(StableSplit.id(e))))
        .aggregateByKey(new java.util.TreeSet<Long>(), (set, key) -> smallest(set, key, n), (a, b) -> {
          b.forEach(key -> smallest(a, key, n));
          return a;
        })
        .mapValues(java.util.TreeSet::last)
        .collectAsMap();
    Map<Integer, Long> limits = new java.util.HashMap<>(threshold);
    return train.filter(e -> split.sampleKey(StableSplit.id(e)) <= limits.get(e.label()));
  }

  private static java.util.TreeSet<Long> smallest(java.util.TreeSet<Long> set, long key, int n) {
    set.add(key);
    if (set.size() > n) {
      set.pollLast();
    }
    return set;
  }

  private static JavaRDD<Parsed> idxRecords(JavaSparkContext sc, IdxReader.IdxImages images, int partitions,
      String labelsUri, int numClasses) {
    List<IdxRecord> records = new ArrayList<>(images.images().size());
    for (int i = 0; i < images.images().size(); i++) {
      records.add(new IdxRecord(images.images().get(i), images.labels()[i] & 0xff, i));
    }
    // Keep each task under Spark's recommended 1 MB: the images travel inside the tasks.
    long bytes = (long) records.size() * images.rows() * images.cols();
    int slices = (int) Math.max(partitions, Math.min(10_000, bytes / 900_000 + 1));
    return sc.parallelize(records, slices).map(r -> r.parse(labelsUri, numClasses));
  }

  private static JavaRDD<Example> scaled(JavaRDD<Example> examples, FeatureScaler scaler) {
    return examples.map(scaler::apply).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** The parsed examples of a source when it holds no bad record; fails naming the commonest reason otherwise. */
  static JavaRDD<Example> accepted(String uri, JavaRDD<Parsed> records) {
    return new Quarantine(null, 0.0, null, new ArrayList<>()).accepted(uri, "records", records);
  }

  private static void check(DataConfig config, SplitIdentity split) {
    long train = split.train();
    long validation = split.validation();
    long test = split.test();
    if (train == 0) {
      throw new DataException(config.train() + ": no training examples left after the split");
    }
    if (validation == 0) {
      throw new DataException(config.train() + ": the validation split is empty (" + train + " training examples, "
          + "data.validationFraction = " + config.validationFraction() + "); add data or raise the fraction");
    }
    if (test == 0) {
      throw new DataException((config.hasTestSet() ? config.test() : config.train()) + ": the test set is empty");
    }
  }
}
