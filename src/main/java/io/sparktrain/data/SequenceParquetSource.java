package io.sparktrain.data;

import io.sparktrain.config.DataLimits;
import io.sparktrain.config.SequenceOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.IntegralType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Sequences in Parquet, one row per sequence ({@code data.format = sequence-parquet}): one array column per
 * feature (a value per time step; a row's arrays all of one length), or one column of arrays of arrays
 * (steps x features). The label column holds an integer ({@code data.sequence.labels = sequence}) or an
 * array of integers, one per step ({@code step}). Nulls, NaN/Inf, arrays of different lengths, a step of the
 * wrong width, labels out of range or of the wrong count and too-long sequences become rejected records,
 * located by file and row id (and the {@code data.sequence.id} column's value when the file has it).
 */
public final class SequenceParquetSource {
  private SequenceParquetSource() {}

  /** How the features are laid out: a column per feature, or one column of steps. */
  enum Layout { COLUMNS, NESTED }

  public static SequenceData read(SparkSession spark, String uri, SequenceOptions options,
      int numClasses, DataLimits limits) {
    Dataset<Row> frame = ParquetSource.open(spark, uri);
    List<String> columns = Arrays.asList(frame.columns());
    String label = options.label();
    if (!columns.contains(label)) {
      throw new DataException(uri + ": no column named '" + label + "' (data.sequence.label); the columns are "
          + String.join(", ", columns));
    }
    checkLabel(uri, frame.schema().apply(label).dataType(), label, options.labels());
    List<String> features = features(uri, frame, options);
    Layout layout = features.size() == 1 && depth(frame.schema().apply(features.get(0)).dataType()) == 2
        ? Layout.NESTED : Layout.COLUMNS;
    int width = layout == Layout.NESTED ? stepWidth(uri, frame, features.get(0), limits) : features.size();
    for (String f : features) {
      ParquetSource.checkRowGroups(frame, f, limits.maxArrayLength(), "data.limits.maxArrayLength",
          spark.sparkContext().hadoopConfiguration());
    }
    List<Column> select = new ArrayList<>();
    DataType steps = DataTypes.createArrayType(DataTypes.DoubleType);
    for (String f : features) {
      select.add(functions.col(f).cast(layout == Layout.NESTED ? DataTypes.createArrayType(steps) : steps));
    }
    select.add(functions.col(label).cast(options.labels() == SequenceOptions.Labels.STEP
        ? DataTypes.createArrayType(DataTypes.LongType) : DataTypes.LongType));
    select.add(functions.input_file_name());
    select.add(functions.monotonically_increasing_id());
    select.add(columns.contains(options.id()) ? functions.col(options.id()).cast(DataTypes.StringType)
        : functions.lit(null).cast(DataTypes.StringType));
    RowParser parser = new RowParser(List.copyOf(features), layout, width, numClasses, options);
    List<String> names = new ArrayList<>();
    if (layout == Layout.NESTED) {
      for (int i = 0; i < width; i++) {
        names.add(features.get(0) + "[" + i + "]");
      }
    } else {
      names.addAll(features);
    }
    JavaRDD<Parsed> records = frame.select(select.toArray(new Column[0])).javaRDD().map(parser::parse);
    return new SequenceData(records, List.copyOf(names));
  }

  private static void checkLabel(String uri, DataType type, String label, SequenceOptions.Labels labels) {
    boolean perStep = type instanceof ArrayType a && a.elementType() instanceof IntegralType;
    if (!(type instanceof IntegralType) && !perStep) {
      throw new DataException(uri + ": label column '" + label + "' is " + type.simpleString() + "; expected integers"
          + " (one label per sequence) or an array of integers (one per step)");
    }
    if (perStep != (labels == SequenceOptions.Labels.STEP)) {
      throw new DataException(uri + ": label column '" + label + "' holds " + (perStep ? "an array per row (a label "
          + "per step) but data.sequence.labels = sequence; set it to step" : "one integer per row (a label per "
          + "sequence) but data.sequence.labels = step; set it to sequence"));
    }
  }

  /** 1 for an array of numbers, 2 for an array of arrays of numbers, 0 otherwise. */
  private static int depth(DataType type) {
    if (type instanceof ArrayType a) {
      if (a.elementType() instanceof NumericType) {
        return 1;
      }
      if (a.elementType() instanceof ArrayType inner && inner.elementType() instanceof NumericType) {
        return 2;
      }
    }
    return 0;
  }

  private static List<String> features(String uri, Dataset<Row> frame, SequenceOptions options) {
    List<String> columns = Arrays.asList(frame.columns());
    List<String> out = new ArrayList<>();
    if (!options.features().isEmpty()) {
      for (String f : options.features()) {
        if (!columns.contains(f)) {
          throw new DataException(uri + ": no column named '" + f + "' (data.sequence.features); the columns are "
              + String.join(", ", columns));
        }
        int d = depth(frame.schema().apply(f).dataType());
        if (d == 0 || d == 2 && options.features().size() > 1) {
          throw new DataException(uri + ": column '" + f + "' (data.sequence.features) is "
              + frame.schema().apply(f).dataType().simpleString() + "; expected an array of numbers (a value per "
              + "step), or as the only feature column an array of arrays (steps x features)");
        }
        out.add(f);
      }
      return out;
    }
    List<String> nested = new ArrayList<>();
    for (StructField f : frame.schema().fields()) {
      if (f.name().equals(options.label()) || f.name().equals(options.id())) {
        continue;
      }
      int d = depth(f.dataType());
      if (d == 1) {
        out.add(f.name());
      } else if (d == 2) {
        nested.add(f.name());
      }
    }
    if (out.isEmpty() && nested.size() == 1) {
      return nested;
    }
    if (out.isEmpty()) {
      throw new DataException(uri + ": no array column of numbers besides the label '" + options.label() + "'"
          + (nested.isEmpty() ? "" : ", and " + nested.size() + " array-of-arrays columns " + nested + " (one is "
          + "read as steps x features)") + "; set data.sequence.features");
    }
    return out;
  }

  /** The values of the first step of the first row, which every step of every row must have. */
  private static int stepWidth(String uri, Dataset<Row> frame, String column, DataLimits limits) {
    Row first = frame.select(functions.size(functions.element_at(functions.col(column), 1))).limit(1)
        .collectAsList().stream().findFirst().orElseThrow(() -> new DataException(uri + ": no rows"));
    if (first.isNullAt(0) || first.getInt(0) <= 0) {
      throw new DataException(uri + ": the first step of column '" + column + "' in the first row is null or empty;"
          + " it gives every step's width");
    }
    int width = first.getInt(0);
    if (width > limits.maxArrayLength()) {
      throw new DataException(uri + ": the first step of column '" + column + "' holds " + width + " values, more "
          + "than data.limits.maxArrayLength = " + limits.maxArrayLength());
    }
    return width;
  }

  /** One row to a sequence or a rejection; runs on the executors. */
  record RowParser(List<String> features, Layout layout, int width, int numClasses, SequenceOptions options)
      implements Serializable {

    Parsed parse(Row row) {
      int n = features.size();
      String where = row.getString(n + 1) + ": row id " + row.getLong(n + 2)
          + (row.isNullAt(n + 3) ? "" : " (" + options.id() + " '" + SequenceRules.clip(row.getString(n + 3)) + "')");
      for (int c = 0; c < n; c++) {
        if (row.isNullAt(c)) {
          return Parsed.rejected("empty cell", where + ": column '" + features.get(c) + "' is null");
        }
      }
      if (row.isNullAt(n)) {
        return Parsed.rejected("empty cell", where + ": the label '" + options.label() + "' is null");
      }
      Object values = layout == Layout.NESTED ? nested(row.getList(0), where) : columns(row, where);
      if (values instanceof Parsed rejected) {
        return rejected;
      }
      float[] x = (float[]) values;
      long[] labels;
      if (options.labels() == SequenceOptions.Labels.STEP) {
        List<Object> list = row.getList(n);
        labels = new long[list.size()];
        for (int i = 0; i < labels.length; i++) {
          if (list.get(i) == null) {
            return Parsed.rejected("empty cell", where + ": label " + i + " of '" + options.label() + "' is null");
          }
          labels[i] = (Long) list.get(i);
        }
      } else {
        labels = new long[] {row.getLong(n)};
      }
      String label = options.label();
      return SequenceRules.example(where, x, width, labels,
          i -> where + (labels.length > 1 ? ": step " + i + " of '" + label + "'" : ""), numClasses, options);
    }

    /** Time-major values from one array per feature, or the rejection. */
    private Object columns(Row row, String where) {
      int length = row.getList(0).size();
      for (int f = 1; f < features.size(); f++) {
        int other = row.getList(f).size();
        if (other != length) {
          return Parsed.rejected("feature lengths differ", where + ": column '" + features.get(f) + "' holds " + other
              + " steps where '" + features.get(0) + "' holds " + length);
        }
      }
      float[] x = new float[length * width];
      for (int f = 0; f < width; f++) {
        List<Object> steps = row.getList(f);
        for (int t = 0; t < length; t++) {
          Parsed bad = value(steps.get(t), where, features.get(f), t);
          if (bad != null) {
            return bad;
          }
          x[t * width + f] = (float) (double) (Double) steps.get(t);
        }
      }
      return x;
    }

    /** Time-major values from an array of steps, or the rejection. */
    private Object nested(List<Object> steps, String where) {
      float[] x = new float[steps.size() * width];
      for (int t = 0; t < steps.size(); t++) {
        if (steps.get(t) == null) {
          return Parsed.rejected("empty cell", where + ": step " + t + " of '" + features.get(0) + "' is null");
        }
        @SuppressWarnings("unchecked")
        List<Object> step = scala.collection.JavaConverters.seqAsJavaList((scala.collection.Seq<Object>) steps.get(t));
        if (step.size() != width) {
          return Parsed.rejected("wrong feature count", where + ": step " + t + " of '" + features.get(0) + "' holds "
              + step.size() + " values; every step has " + width + " (the first row's first step)");
        }
        for (int f = 0; f < width; f++) {
          Parsed bad = value(step.get(f), where, features.get(0) + "[" + f + "]", t);
          if (bad != null) {
            return bad;
          }
          x[t * width + f] = (float) (double) (Double) step.get(f);
        }
      }
      return x;
    }

    private static Parsed value(Object v, String where, String column, int step) {
      if (v == null) {
        return Parsed.rejected("empty cell", where + ": step " + step + " of '" + column + "' is null");
      }
      if (!Double.isFinite((Double) v)) {
        return Parsed.rejected("non-finite value", where + ": step " + step + " of '" + column + "' is " + v);
      }
      return null;
    }
  }
}
