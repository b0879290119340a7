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
  record IdxRecord(byte[] pixels, int label) implements Serializable {
    Example toExample() {
      float[] x = new float[pixels.length];
      for (int i = 0; i < x.length; i++) {
        x[i] = pixels[i] & 0xff;
      }
      return new Example(x, label);
    }
  }

  public static Splits load(SparkSession spark, DataConfig config, long seed) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int partitions = config.partitions() > 0 ? config.partitions() : sc.defaultParallelism();
    Configuration hadoop = sc.hadoopConfiguration();
    JavaRDD<Example> all;
    JavaRDD<Example> test = null;
    Shape shape;
    List<String> featureNames = List.of();
    if (config.isImage()) {
      IdxReader.IdxImages train = IdxReader.read(config.train(), config.trainLabels(), config.numClasses(), hadoop);
      shape = train.shape();
      all = idxExamples(sc, train, partitions);
      if (config.hasTestSet()) {
        IdxReader.IdxImages t = IdxReader.read(config.test(), config.testLabels(), config.numClasses(), hadoop);
        if (!t.shape().equals(shape)) {
          throw new DataException(config.test() + ": test images are " + t.shape() + " but training images ("
              + config.train() + ") are " + shape);
        }
        test = idxExamples(sc, t, partitions);
      }
    } else {
      CsvSource.CsvData csv = CsvSource.read(spark, config.train(), config.csv(), config.numClasses());
      shape = Shape.features(csv.featureCount());
      featureNames = csv.featureNames();
      all = accepted(config.train(), csv.records()).repartition(partitions);
      if (config.hasTestSet()) {
        CsvSource.CsvData t = CsvSource.read(spark, config.test(), config.csv(), config.numClasses());
        if (t.featureCount() != csv.featureCount()) {
          throw new DataException(config.test() + ": test rows have " + t.featureCount() + " features but training rows ("
              + config.train() + ") have " + csv.featureCount());
        }
        test = accepted(config.test(), t.records()).repartition(partitions);
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
        throw new DataException(config.train() + ": class " + c + " (" + config.className(c) + ") has no training"
            + " examples; check data.numClasses, the labels, or the split (data.validationFraction)");
      }
    }
    return new Splits(train, validation, test, trainCount, validationCount, testCount, shape, scaler, featureNames,
        List.copyOf(trainClassCounts));
  }

  private static JavaRDD<Example> idxExamples(JavaSparkContext sc, IdxReader.IdxImages images, int partitions) {
    List<IdxRecord> records = new ArrayList<>(images.images().size());
    for (int i = 0; i < images.images().size(); i++) {
      records.add(new IdxRecord(images.images().get(i), images.labels()[i] & 0xff));
    }
    // Keep each task under Spark's recommended 1 MB: the images travel inside the tasks.
    long bytes = (long) records.size() * images.rows() * images.cols();
    int slices = (int) Math.max(partitions, Math.min(10_000, bytes / 900_000 + 1));
    return sc.parallelize(records, slices).map(IdxRecord::toExample);
  }

  private static JavaRDD<Example> scaled(JavaRDD<Example> examples, FeatureScaler scaler) {
    return examples.map(scaler::apply).persist(StorageLevel.MEMORY_AND_DISK());
  }

  /** The parsed examples; fails naming the most common reason and an example when any record was rejected. */
  static JavaRDD<Example> accepted(String uri, JavaRDD<Parsed> records) {
    JavaRDD<Parsed> cached = records.persist(StorageLevel.MEMORY_AND_DISK());
    JavaRDD<Parsed> rejected = cached.filter(p -> !p.isOk());
    Map<String, Long> reasons = rejected.map(Parsed::reason).countByValue();
    if (!reasons.isEmpty()) {
      long total = cached.count();
      long bad = reasons.values().stream().mapToLong(Long::longValue).sum();
      String commonest = reasons.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
      String example = rejected.filter(p -> p.reason().equals(commonest)).first().location();
      String counts = reasons.entrySet().stream().sorted(Map.Entry.<String, Long>comparingByValue().reversed())
          .map(e -> e.getValue() + " " + e.getKey()).collect(Collectors.joining(", "));
      cached.unpersist(false);
      throw new DataException(uri + ": " + bad + " of " + total + " records are bad (" + counts + "); e.g. " + example);
    }
    return cached.map(Parsed::example);
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
