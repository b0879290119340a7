package io.sparktrain.serve;

import io.sparktrain.data.DataException;
import io.sparktrain.data.Example;
import io.sparktrain.data.Keyed;
import io.sparktrain.data.Parsed;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * A trained sparktrain model as a Spark ML {@link Transformer}, for Spark users who write their own jobs.
 * {@code transform} reads the raw (unscaled) features of each row from {@link #inputCol()} — a
 * {@code Vector} or an array of numbers, in the model's input order (for images: rows of pixels, then
 * channels, as the training data held them) — scales them as the model was trained, and adds the
 * predicted class's name ({@link #outputCol()}), its index as a double ({@link #predictionCol()}, as
 * Spark ML's classifiers and {@code MulticlassClassificationEvaluator} expect) and each class's
 * probability ({@link #probabilityCol()}, a {@code Vector}). Scoring runs on the executors as
 * {@code sparktrain predict} does: the model broadcast once per {@code transform}, one network per
 * partition, minibatches of {@link Scorer#BATCH}.
 *
 * <pre>{@code
 * SparktrainModel model = SparktrainModel.load("registry://fashion", "s3a://models/registry")
 *     .setInputCol("pixels").setOutputCol("garment");
 * Dataset<Row> scored = new Pipeline().setStages(new PipelineStage[] {assembler, model}).fit(df).transform(df);
 * }</pre>
 *
 * <p>Rows whose features are missing, of the wrong length or not finite fail the job, naming the row and
 * what was expected; with {@code setHandleInvalid("keep")} they are kept with null predictions. The
 * transformer is not {@code MLWritable}: a pipeline holding it is saved by saving the rest and loading
 * the model again from its model.zip.
 */
public final class SparktrainModel extends Transformer {
  private static final long serialVersionUID = 1L;

  private final String uid;
  private final transient ModelFile.Loaded model;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> predictionCol;
  private final Param<String> probabilityCol;
  private final Param<String> handleInvalid;

  private SparktrainModel(String uid, ModelFile.Loaded model) {
    this.uid = uid;
    this.model = model;
    this.inputCol = new Param<>(uid, "inputCol", "the column of raw features: a Vector or an array of numbers");
    this.outputCol = new Param<>(uid, "outputCol", "the column for the predicted class's name");
    this.predictionCol = new Param<>(uid, "predictionCol", "the column for the predicted class's index (double)");
    this.probabilityCol = new Param<>(uid, "probabilityCol", "the column for the class probabilities (Vector)");
    this.handleInvalid = new Param<>(uid, "handleInvalid", "rows whose features cannot be scored: 'error' fails the "
        + "job, 'keep' keeps them with null predictions", ParamValidators.inArray(new String[] {"error", "keep"}));
    setDefault(inputCol, "features");
    setDefault(outputCol, "predicted");
    setDefault(predictionCol, "prediction");
    setDefault(probabilityCol, "probability");
    setDefault(handleInvalid, "error");
  }

  /** The model that {@code model} names (a model.zip, a run directory or {@code registry://NAME[@vN]}). */
  public static SparktrainModel load(String model) {
    return load(model, System.getenv("SPARKTRAIN_REGISTRY"));
  }

  /** As {@link #load(String)}, with the registry's root for {@code registry://} names. */
  public static SparktrainModel load(String model, String registry) {
    return load(model, registry, SparkSession.active().sparkContext().hadoopConfiguration());
  }

  /** As {@link #load(String, String)}, reading through the Hadoop file systems of {@code conf}. */
  public static SparktrainModel load(String model, String registry, Configuration conf) {
    return new SparktrainModel(Identifiable$.MODULE$.randomUID("sparktrain"),
        ModelSource.parse(model, registry).load(conf).checked());
  }

  /** The model's class names, in the order of the probabilities. */
  public List<String> classNames() {
    return model.classNames();
  }

  /** The SHA-256 of the model.zip this transformer scores with. */
  public String modelSha256() {
    return model.sha256();
  }

  @Override
  public String uid() {
    return uid;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> predictionCol() {
    return predictionCol;
  }

  public Param<String> probabilityCol() {
    return probabilityCol;
  }

  public Param<String> handleInvalid() {
    return handleInvalid;
  }

  public String getInputCol() {
    return getOrDefault(inputCol);
  }

  public String getOutputCol() {
    return getOrDefault(outputCol);
  }

  public String getPredictionCol() {
    return getOrDefault(predictionCol);
  }

  public String getProbabilityCol() {
    return getOrDefault(probabilityCol);
  }

  public String getHandleInvalid() {
    return getOrDefault(handleInvalid);
  }

  public SparktrainModel setInputCol(String value) {
    return with(inputCol, value);
  }

  public SparktrainModel setOutputCol(String value) {
    return with(outputCol, value);
  }

  public SparktrainModel setPredictionCol(String value) {
    return with(predictionCol, value);
  }

  public SparktrainModel setProbabilityCol(String value) {
    return with(probabilityCol, value);
  }

  public SparktrainModel setHandleInvalid(String value) {
    return with(handleInvalid, value);
  }

  private SparktrainModel with(Param<String> param, String value) {
    set(param, value);
    return this;
  }

  @Override
  public StructType transformSchema(StructType schema) {
    String in = getInputCol();
    if (!Arrays.asList(schema.fieldNames()).contains(in)) {
      throw new IllegalArgumentException("inputCol '" + in + "' is not a column; the columns are "
          + Arrays.toString(schema.fieldNames()));
    }
    DataType type = schema.apply(in).dataType();
    if (!(type instanceof VectorUDT)
        && !(type instanceof ArrayType a && a.elementType() instanceof NumericType)) {
      throw new IllegalArgumentException("inputCol '" + in + "' is " + type.simpleString()
          + "; expected a Vector or an array of numbers (the model takes " + model.shape() + ")");
    }
    StructType out = schema;
    for (String column : List.of(getOutputCol(), getPredictionCol(), getProbabilityCol())) {
      if (Arrays.asList(out.fieldNames()).contains(column)) {
        throw new IllegalArgumentException("output column '" + column + "' already exists; set another name");
      }
      out = out.add(column, column.equals(getOutputCol()) ? DataTypes.StringType
          : column.equals(getPredictionCol()) ? DataTypes.DoubleType : new VectorUDT(), true);
    }
    return out;
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    StructType schema = transformSchema(dataset.schema());
    SparkSession spark = dataset.sparkSession();
    Scorer scorer = new Scorer(JavaSparkContext.fromSparkContext(spark.sparkContext()), model);
    Features features = new Features(dataset.schema().fieldIndex(getInputCol()), getInputCol(),
        model.shape().size(), model.shape().toString(), getHandleInvalid().equals("keep"));
    List<String> names = List.copyOf(model.classNames());
    JavaRDD<Row> rows = dataset.toDF().javaRDD().mapPartitions(it -> features.score(scorer, names, it));
    return spark.createDataFrame(rows, schema);
  }

  @Override
  public SparktrainModel copy(ParamMap extra) {
    return copyValues(new SparktrainModel(uid, model), extra);
  }

  /** Reads a row's features for the scorer; what cannot be scored fails, or is kept when {@code keep}. */
  private record Features(int index, String column, int width, String shape, boolean keep)
      implements java.io.Serializable {
    Iterator<Row> score(Scorer scorer, List<String> names, Iterator<Row> rows) {
      List<Row> invalid = new ArrayList<>();
      Iterator<Keyed> valid = new Iterator<>() {
        private Keyed next = advance();

        private Keyed advance() {
          while (rows.hasNext()) {
            Row row = rows.next();
            Object read = read(row);
            if (read instanceof float[] x) {
              return new Keyed(new Object[] {row}, Parsed.ok(new Example(x, Keyed.UNLABELLED)));
            }
            if (!keep) {
              throw new DataException(read + " (row " + describe(row) + "); setHandleInvalid(\"keep\") keeps such "
                  + "rows with null predictions");
            }
            invalid.add(row);
          }
          return null;
        }

        @Override
        public boolean hasNext() {
          return next != null;
        }

        @Override
        public Keyed next() {
          Keyed k = next;
          next = advance();
          return k;
        }
      };
      Iterator<Scorer.Scored> scored = scorer.score(valid);
      return new Iterator<>() {
        private int kept;

        @Override
        public boolean hasNext() {
          return scored.hasNext() || kept < invalid.size();
        }

        @Override
        public Row next() {
          if (scored.hasNext()) {
            Scorer.Scored s = scored.next();
            double[] p = new double[s.probabilities().length];
            for (int c = 0; c < p.length; c++) {
              p[c] = s.probabilities()[c];
            }
            return append((Row) s.keys()[0], names.get(s.predicted()), (double) s.predicted(), Vectors.dense(p));
          }
          return append(invalid.get(kept++), null, null, null);
        }
      };
    }

    private static Row append(Row row, Object name, Object index, Object probabilities) {
      Object[] values = new Object[row.length() + 3];
      for (int i = 0; i < row.length(); i++) {
        values[i] = row.get(i);
      }
      values[row.length()] = name;
      values[row.length() + 1] = index;
      values[row.length() + 2] = probabilities;
      return RowFactory.create(values);
    }

    /** The row's features, or what is wrong with them. */
    private Object read(Row row) {
      if (row.isNullAt(index)) {
        return "column '" + column + "' is null";
      }
      Object cell = row.get(index);
      List<Object> values = cell instanceof Vector ? null : row.getList(index);
      int n = cell instanceof Vector v ? v.size() : values.size();
      if (n != width) {
        return String.format(Locale.ROOT, "column '%s' holds %d values; the model takes %s (%d values)", column, n,
            shape, width);
      }
      float[] x = new float[width];
      for (int i = 0; i < width; i++) {
        Object value = values == null ? (Object) ((Vector) cell).apply(i) : values.get(i);
        if (value == null) {
          return "column '" + column + "' has a null at position " + i;
        }
        x[i] = ((Number) value).floatValue();
        if (!Float.isFinite(x[i])) {
          return "column '" + column + "' has " + value + " at position " + i;
        }
      }
      return x;
    }

    private static String describe(Row row) {
      String text = row.toString();
      return text.length() <= 200 ? text : text.substring(0, 200) + "...";
    }
  }
}
