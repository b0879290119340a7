package io.sparktrain.data;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataLimits;
import io.sparktrain.config.ImageOptions;
import io.sparktrain.config.ParquetOptions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Reads data to score with a trained model (predict, evaluate): any source format, through the same
 * Hadoop file systems and the same quarantine as training, with each record's identifying values kept
 * and its label when the input has one. Nothing is collected to the driver but IDX files, which are one
 * sequential stream each (as in training).
 */
public final class ScoringInput {
  private ScoringInput() {}

  /** The input formats; {@code key} is the word of {@code data.format} and {@code --format}. */
  public enum Format {
    IDX("idx"), CSV("csv"), PARQUET("parquet"), IMAGES("images");

    private final String key;

    Format(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    /** The format of {@code key}; null when it is none. */
    public static Format of(String key) {
      return Arrays.stream(values()).filter(f -> f.key.equals(key)).findFirst().orElse(null);
    }

    boolean image() {
      return this == IDX || this == IMAGES;
    }
  }

  /**
   * What the model takes and how its training data were read.
   *
   * @param features the feature column names of a table (empty for images and for one array column)
   * @param csv how the training CSV was read (delimiter, header, label column), or null
   * @param parquet the training Parquet's label and feature columns, or null
   * @param images how training images were decoded (resizing, channels), or null
   */
  public record Model(Shape shape, List<String> features, List<String> classNames, CsvOptions csv,
      ParquetOptions parquet, ImageOptions images, double maxRejectedFraction) {}

  /**
   * What to read.
   *
   * @param labels IDX only: the labels file, or null
   * @param ids id columns to keep (CSV, Parquet); empty: the file and a row id
   */
  public record Spec(Format format, String uri, String labels, List<String> ids) {}

  /**
   * The accepted records and what identifies them.
   *
   * @param keys the schema of {@link Keyed#keys()}
   * @param labelled whether the input has labels (per record: {@link Keyed#UNLABELLED} where it has none)
   */
  public record Read(JavaRDD<Keyed> rows, List<StructField> keys, boolean labelled) {}

  /** The records read, and the input's rejected records (written under {@code quarantine}/input). */
  public record Input(Read read, List<Rejected> rejected) {}

  public static Input read(SparkSession spark, Spec spec, Model model, String quarantine) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Rejected> rejected = new ArrayList<>();
    Quarantine q = new Quarantine(quarantine, model.maxRejectedFraction(), sc.hadoopConfiguration(), rejected);
    // IDX and CSV name both shapes once their header or first row is read; a folder of images or a
    // Parquet file is refused for a model of the other kind before anything is decoded.
    boolean shapeKnownEarly = spec.format() == Format.IDX || spec.format() == Format.CSV;
    if (!shapeKnownEarly && spec.format().image() != model.shape().image()) {
      throw new DataException(spec.uri() + ": " + spec.format().key() + " input holds " + (spec.format().image()
          ? "images" : "rows of features") + "; the model takes " + model.shape());
    }
    Read read = switch (spec.format()) {
      case IDX -> idx(sc, spec, model, q);
      case IMAGES -> ImageFolderSource.scoring(spark, spec.uri(), model.classNames(), imageOptions(model),
          model.shape(), q, DataLimits.reference().forWidth(model.shape().size()));
      case PARQUET -> ParquetSource.scoring(spark, spec.uri(), parquetOptions(model), model.features(),
          model.shape().size(), model.classNames().size(), spec.ids(), q);
      case CSV -> csv(spark, spec, model, q);
    };
    return new Input(read, List.copyOf(rejected));
  }

  /**
   * How to read a Parquet input: as the training Parquet was read, else with the training CSV's label
   * column (by name) or a column named {@code label}.
   */
  private static ParquetOptions parquetOptions(Model model) {
    if (model.parquet() != null) {
      return model.parquet();
    }
    boolean named = model.csv() != null && model.csv().labelIndex() == null;
    return new ParquetOptions(named ? model.csv().label() : "label", List.of(), List.of());
  }

  /** The model's own image decoding, or (a model trained on IDX) its size without resizing and its channels. */
  private static ImageOptions imageOptions(Model model) {
    return model.images() != null ? model.images() : new ImageOptions(0, 0, model.shape().channels() == 1);
  }

  private static Read idx(JavaSparkContext sc, Spec spec, Model model, Quarantine q) {
    Configuration hadoop = sc.hadoopConfiguration();
    int numClasses = model.classNames().size();
    IdxReader.IdxImages images = spec.labels() == null ? IdxReader.images(spec.uri(), hadoop)
        : IdxReader.read(spec.uri(), spec.labels(), numClasses, hadoop);
    if (!images.shape().equals(model.shape())) {
      throw new DataException(spec.uri() + ": images are " + images.shape() + "; the model takes " + model.shape());
    }
    List<DataLoader.IdxRecord> records = new ArrayList<>(images.images().size());
    for (int i = 0; i < images.images().size(); i++) {
      int label = images.labels() == null ? Keyed.UNLABELLED : images.labels()[i] & 0xff;
      records.add(new DataLoader.IdxRecord(images.images().get(i), label, i));
    }
    long bytes = (long) records.size() * images.rows() * images.cols();
    // About 1 MB of pixels per partition, in whole waves of the task slots (a last partition alone would
    // leave the other slots idle).
    int slots = sc.defaultParallelism();
    int slices = (int) Math.max(slots, Math.min(10_000, bytes / 900_000 + 1));
    slices = (slices + slots - 1) / slots * slots;
    String labels = spec.labels();
    JavaRDD<Keyed> keyed = sc.parallelize(records, slices)
        .map(r -> new Keyed(new Object[] {(long) r.index()}, r.parse(labels, numClasses)));
    return new Read(q.kept(spec.uri(), "input", keyed),
        List.of(DataTypes.createStructField("index", DataTypes.LongType, false)), spec.labels() != null);
  }

  private static Read csv(SparkSession spark, Spec spec, Model model, Quarantine q) {
    CsvOptions options = model.csv() != null ? model.csv() : new CsvOptions(true, ',', "label");
    DataLimits limits = DataLimits.reference().forWidth(model.shape().size());
    List<String> columns = CsvSource.columns(spec.uri(), options, spark.sparkContext().hadoopConfiguration(), limits);
    int width = model.shape().size();
    int[] features = new int[width];
    int label;
    if (options.header() && !model.features().isEmpty()) {
      List<String> missing = new ArrayList<>();
      for (int f = 0; f < width; f++) {
        String name = model.features().get(f);
        features[f] = columns.indexOf(name);
        if (features[f] < 0) {
          missing.add(name);
        }
      }
      if (!missing.isEmpty()) {
        throw new DataException(String.format(Locale.ROOT, "%s: no column %s; the model takes %d features (%s), the "
            + "file has %d columns (%s)", spec.uri(), String.join(", ", missing), width,
            String.join(", ", model.features()), columns.size(), String.join(", ", columns)));
      }
      // A label given by position is the input's only when the file has a column besides the features.
      label = options.labelIndex() == null ? columns.indexOf(options.label())
          : columns.size() > width ? CsvSource.labelIndex(spec.uri(), columns, options) : -1;
    } else if (columns.size() == width || columns.size() == width + 1) {
      label = columns.size() == width ? -1 : CsvSource.labelIndex(spec.uri(), columns, options);
      for (int c = 0, f = 0; c < columns.size(); c++) {
        if (c != label) {
          features[f++] = c;
        }
      }
    } else {
      throw new DataException(String.format(Locale.ROOT, "%s: rows of %d fields; the model takes %s (%d values: "
          + "rows of %d fields, or %d with the label at column %s)", spec.uri(), columns.size(), model.shape(), width,
          width, width + 1, options.label()));
    }
    List<Integer> idColumns = new ArrayList<>();
    for (String id : spec.ids()) {
      int at = columns.indexOf(id);
      if (at < 0) {
        throw new DataException(spec.uri() + ": no column named '" + id + "' (--id); the header has "
            + String.join(", ", columns));
      }
      idColumns.add(at);
    }
    Dataset<Row> frame = CsvSource.frame(spark, spec.uri(), options, columns.size(), limits)
        .withColumn("_row", functions.monotonically_increasing_id());
    CsvSource.RowParser parser = new CsvSource.RowParser(columns.size(), label, model.classNames().size(), columns,
        features, true);
    int n = columns.size();
    List<StructField> keys = new ArrayList<>();
    idColumns.forEach(c -> keys.add(DataTypes.createStructField(columns.get(c), DataTypes.StringType, true)));
    if (idColumns.isEmpty()) {
      keys.add(DataTypes.createStructField("source", DataTypes.StringType, false));
      keys.add(DataTypes.createStructField("row", DataTypes.LongType, false));
    }
    int[] ids = idColumns.stream().mapToInt(Integer::intValue).toArray();
    JavaRDD<Keyed> keyed = frame.javaRDD().map(r -> {
      Object[] k;
      if (ids.length == 0) {
        k = new Object[] {r.getString(n + 1), r.getLong(n + 2)};
      } else {
        k = new Object[ids.length];
        for (int i = 0; i < ids.length; i++) {
          k[i] = r.getString(ids[i]);
        }
      }
      return new Keyed(k, parser.parse(r));
    });
    // Lines Spark's reader skipped as too long, quarantined with the rest (a rejected record's key is unused).
    int keyCount = keys.size();
    JavaRDD<Keyed> tooLong = CsvSource.longLines(spark, spec.uri(), limits.maxLineBytes())
        .map(l -> new Keyed(new Object[keyCount], l.parsed()));
    return new Read(q.kept(spec.uri(), "input", keyed.union(tooLong)), List.copyOf(keys), label >= 0);
  }
}
