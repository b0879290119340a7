package io.sparktrain.config;

import java.util.List;

/**
 * Where the examples come from and how they are split and scaled.
 *
 * @param format {@code idx}, {@code csv}, {@code parquet} or {@code images} (class folders)
 * @param train training data URI (idx: the images file)
 * @param trainLabels idx only: the labels file for {@code train}
 * @param test test data URI, or empty to hold out {@code testFraction} of {@code train}
 * @param testLabels idx only: the labels file for {@code test}
 * @param seed the seed of the splits ({@code data.seed}: the job's seed unless set, so that a search's
 *     trials, each with its own seed, share one split)
 * @param limits what a file may declare before memory is allocated for it ({@code data.limits})
 * @param sequence how sequences are read ({@code data.sequence}; sequence-csv, sequence-files, sequence-parquet)
 * @param generated the task made on the fly ({@code data.generated}; generated)
 */
public record DataConfig(
    String format,
    String train,
    String trainLabels,
    String test,
    String testLabels,
    double validationFraction,
    double testFraction,
    int numClasses,
    List<String> classNames,
    String normalization,
    double scaleMax,
    int partitions,
    int trainPerClass,
    double maxRejectedFraction,
    CsvOptions csv,
    ParquetOptions parquet,
    ImageOptions images,
    long seed,
    DataLimits limits,
    SequenceOptions sequence,
    GeneratedOptions generated) {

  public static final List<String> FORMATS = List.of("idx", "csv", "parquet", "images", "sequence-csv",
      "sequence-files", "sequence-parquet", "generated");
  /** The formats whose examples are sequences. */
  public static final List<String> SEQUENCE_FORMATS = List.of("sequence-csv", "sequence-files", "sequence-parquet",
      "generated");

  /** Sources of rows or images (the sequence and generated options at values that do not apply to them). */
  public DataConfig(String format, String train, String trainLabels, String test, String testLabels,
      double validationFraction, double testFraction, int numClasses, List<String> classNames, String normalization,
      double scaleMax, int partitions, int trainPerClass, double maxRejectedFraction, CsvOptions csv,
      ParquetOptions parquet, ImageOptions images, long seed, DataLimits limits) {
    this(format, train, trainLabels, test, testLabels, validationFraction, testFraction, numClasses, classNames,
        normalization, scaleMax, partitions, trainPerClass, maxRejectedFraction, csv, parquet, images, seed, limits,
        new SequenceOptions("sequence", "step", "label", List.of(), SequenceOptions.Labels.SEQUENCE, 0,
            SequenceOptions.TooLong.QUARANTINE),
        new GeneratedOptions(GeneratedOptions.Task.RECALL, 10, 4, 1000, 100));
  }
  public static final List<String> NORMALIZATIONS = List.of("scale", "standardize", "none");

  public DataConfig {
    Check.oneOf("data.format", format, FORMATS);
    if (!format.equals("generated")) {
      Check.notBlank("data.train", train, "the URI or path of the training data");
    }
    if (format.equals("idx")) {
      Check.notBlank("data.trainLabels", trainLabels, "the labels file that goes with data.train (idx format)");
      Check.that(test.isBlank() == testLabels.isBlank(), test.isBlank() ? "data.test" : "data.testLabels",
          "data.test and data.testLabels go together: set both or neither (idx format)");
    }
    Check.range("data.validationFraction", validationFraction, 0, true, 0.5);
    Check.range("data.testFraction", testFraction, 0, true, 0.5);
    Check.range("data.numClasses", numClasses, 2, 100_000);
    classNames = List.copyOf(classNames);
    Check.that(classNames.isEmpty() || classNames.size() == numClasses, "data.classNames",
        "has " + classNames.size() + " names but data.numClasses = " + numClasses + "; give one name per class or none");
    Check.oneOf("data.normalization", normalization, NORMALIZATIONS);
    Check.range("data.scaleMax", scaleMax, 0, true, Double.MAX_VALUE);
    Check.range("data.partitions", partitions, 0, 100_000);
    Check.range("data.trainPerClass", trainPerClass, 0, Integer.MAX_VALUE);
    Check.range("data.maxRejectedFraction", maxRejectedFraction, 0, false, 1);
  }

  /** Whether examples are images (height x width x channels) rather than flat feature rows. */
  public boolean isImage() {
    return format.equals("idx") || format.equals("images") || format.equals("parquet") && !parquet.imageShape().isEmpty();
  }

  /** Whether examples are sequences (time steps of features). */
  public boolean isSequence() {
    return SEQUENCE_FORMATS.contains(format);
  }

  /** Whether examples are sequences read from files, whose labels data.sequence.labels describes. */
  public boolean isSequenceFile() {
    return isSequence() && !format.equals("generated");
  }

  /** Whether the test set is separate from data.train (a test source, or drawn separately by a generated task). */
  public boolean separateTestSet() {
    return hasTestSet() || format.equals("generated");
  }

  /** This config with the class names found in the data (image folders name their classes). */
  public DataConfig withClassNames(List<String> names) {
    return new DataConfig(format, train, trainLabels, test, testLabels, validationFraction, testFraction, numClasses,
        names, normalization, scaleMax, partitions, trainPerClass, maxRejectedFraction, csv, parquet, images, seed,
        limits, sequence, generated);
  }

  public boolean hasTestSet() {
    return !test.isBlank();
  }

  /** The name of class {@code label}: its configured name or the number. */
  public String className(int label) {
    return classNames.isEmpty() ? Integer.toString(label) : classNames.get(label);
  }
}
