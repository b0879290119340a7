package io.sparktrain.data;

import io.sparktrain.config.DataConfig;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;

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
    return load(spark, config, seed, null);
  }

  /**
   * @param quarantine folder (any Hadoop URI) for the rejected records of each source, or null
   */
  public static Splits load(SparkSession spark, DataConfig config, long seed, String quarantine) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
    Configuration hadoop = sc.hadoopConfiguration();
    JavaRDD<Example> all;
    JavaRDD<Example> test = null;
    Shape shape;
    List<String> featureNames = List.of();
    List<Rejected> rejected = new ArrayList<>();
    List<String> classNames = new ArrayList<>();
    for (int c = 0; c < config.numClasses(); c++) {
      classNames.add(config.className(c));
    }
    Quarantine q = new Quarantine(quarantine, config.maxRejectedFraction(), hadoop, rejected);
    if (config.format().equals("idx")) {
      IdxReader.IdxImages train = IdxReader.read(config.train(), config.trainLabels(), config.numClasses(), hadoop);
      shape = train.shape();
      all = q.accepted(config.train(), "train", idxRecords(sc, train, partitions, config.trainLabels(),
          config.numClasses()));
      if (config.hasTestSet()) {
        IdxReader.IdxImages t = IdxReader.read(config.test(), config.testLabels(), config.numClasses(), hadoop);
        if (!t.shape().equals(shape)) {
          throw new DataException(config.test() + ": test images are " + t.shape() + " but training images ("
              + config.train() + ") are " + shape);
        }
        test = q.accepted(config.test(), "test", idxRecords(sc, t, partitions, config.testLabels(),
            config.numClasses()));
      }
    } else if (config.format().equals("images")) {
      List<String> classes = ImageFolderSource.classes(config.train(), hadoop);
      if (classes.size() != config.numClasses()) {
        throw new DataException(config.train() + ": " + classes.size() + " class folders " + classes
            + " but data.numClasses = " + config.numClasses() + "; set data.numClasses = " + classes.size());
      }
      if (!config.classNames().isEmpty() && !config.classNames().equals(classes)) {
        throw new DataException(config.train() + ": the class folders " + classes + " differ from data.classNames "
            + config.classNames() + "; leave data.classNames empty for image folders (the folder names are used)");
      }
      classNames = classes;
      ImageFolderSource.ImageData images = ImageFolderSource.read(spark, config.train(), classes, config.images(), null);
      shape = images.shape();
      all = q.accepted(config.train(), "train", images.records()).repartition(partitions);
      if (config.hasTestSet()) {
        ImageFolderSource.ImageData t = ImageFolderSource.read(spark, config.test(), classes, config.images(), shape);
        test = q.accepted(config.test(), "test", t.records()).repartition(partitions);
      }
    } else if (config.format().equals("parquet")) {
      ParquetSource.ParquetData p = ParquetSource.read(spark, config.train(), config.parquet(), config.numClasses());
      List<Integer> s = config.parquet().imageShape();
      shape = s.isEmpty() ? Shape.features(p.featureCount()) : Shape.image(s.get(0), s.get(1), s.get(2));
      featureNames = p.array() ? List.of() : p.featureNames();
      all = q.accepted(config.train(), "train", p.records()).repartition(partitions);
      if (config.hasTestSet()) {
        ParquetSource.ParquetData t = ParquetSource.read(spark, config.test(), config.parquet(), config.numClasses());
        if (t.featureCount() != p.featureCount()) {
          throw new DataException(config.test() + ": test rows have " + t.featureCount() + " features but training rows ("
              + config.train() + ") have " + p.featureCount());
        }
        test = q.accepted(config.test(), "test", t.records()).repartition(partitions);
      }
    } else {
      CsvSource.CsvData csv = CsvSource.read(spark, config.train(), config.csv(), config.numClasses());
      shape = Shape.features(csv.featureCount());
      featureNames = csv.featureNames();
      all = q.accepted(config.train(), "train", csv.records()).repartition(partitions);
      if (config.hasTestSet()) {
        CsvSource.CsvData t = CsvSource.read(spark, config.test(), config.csv(), config.numClasses());
        if (t.featureCount() != csv.featureCount()) {
          throw new DataException(config.test() + ": test rows have " + t.featureCount() + " features but training rows ("
              + config.train() + ") have " + csv.featureCount());
        }
        test = q.accepted(config.test(), "test", t.records()).repartition(partitions);
      }
    }
    all = all.persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Example> train;
    JavaRDD<Example> validation;
    double v = config.validationFraction();
    if (test == null) {
      double t = config.testFraction();
      JavaRDD<Example>[] parts = all.randomSplit(new double[] {(1 - t) * (1 - v), (1 - t) * v, t}, seed);
      train = parts[0];
      validation = parts[1];
      test = parts[2];
    } else {
      JavaRDD<Example>[] parts = all.randomSplit(new double[] {1 - v, v}, seed);
      train = parts[0];
      validation = parts[1];
    }
    if (config.trainPerClass() > 0) {
      train = perClass(train, config.trainPerClass(), seed);
    }
    FeatureScaler scaler = FeatureScaler.fit(config, train, shape.size());
    train = scaled(train, scaler);
    validation = scaled(validation, scaler);
    test = scaled(test, scaler);
    long trainCount = train.count();
    long validationCount = validation.count();
    long testCount = test.count();
    all.unpersist(false);
    check(config, trainCount, validationCount, testCount);
    Map<Integer, Long> perClass = train.map(Example::label).countByValue();
    List<Long> trainClassCounts = new ArrayList<>();
    for (int c = 0; c < config.numClasses(); c++) {
      trainClassCounts.add(perClass.getOrDefault(c, 0L));
    }
    for (int c = 0; c < config.numClasses(); c++) {
      if (trainClassCounts.get(c) == 0) {
        throw new DataException(config.train() + ": class " + c + " (" + classNames.get(c) + ") has no training"
            + " examples; check data.numClasses, the labels, or the split (data.validationFraction)");
      }
    }
    return new Splits(train, validation, test, trainCount, validationCount, testCount, shape, scaler, featureNames,
        List.copyOf(trainClassCounts), List.copyOf(rejected), List.copyOf(classNames));
  }

  /** At most {@code n} examples of each class: Spark's exact stratified sample, seeded. */
  static JavaRDD<Example> perClass(JavaRDD<Example> train, int n, long seed) {
    Map<Integer, Long> counts = train.map(Example::label).countByValue();
    Map<Integer, Double> fractions = new java.util.HashMap<>();
    counts.forEach((label, count) -> fractions.put(label, Math.min(1.0, n / (double) count)));
    return train.mapToPair(e -> new scala.Tuple2<>(e.label(), e))
        .sampleByKeyExact(false, fractions, seed)
        .values();
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

  private static void check(DataConfig config, long train, long validation, long test) {
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
