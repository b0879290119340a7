package io.sparktrain.data;

import io.sparktrain.config.ParquetOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;

/**
 * Reads Parquet with Spark SQL, on the executors: a label column and either numeric feature columns or
 * one array column of numbers. Nulls, NaN/Inf, arrays of the wrong length and labels outside
 * [0, numClasses) become rejected {@link Parsed} records, located by file and row id.
 */
public final class ParquetSource {
  static final String SOURCE = "_source_file";
  static final String ROW = "_row_id";

  private ParquetSource() {}

  /** The parsed records, the feature count and names (for an array column: its name). */
  public record ParquetData(JavaRDD<Parsed> records, int featureCount, List<String> featureNames, boolean array) {}

  public static ParquetData read(SparkSession spark, String uri, ParquetOptions options, int numClasses) {
    return read(spark, uri, options, numClasses, io.sparktrain.config.DataLimits.reference());
  }

  public static ParquetData read(SparkSession spark, String uri, ParquetOptions options, int numClasses,
      io.sparktrain.config.DataLimits limits) {
    Dataset<Row> frame = open(spark, uri);
    List<String> columns = Arrays.asList(frame.columns());
    if (!columns.contains(options.label())) {
      throw new DataException(uri + ": no column named '" + options.label() + "' (data.parquet.label); the columns are "
          + String.join(", ", columns));
    }
    checkLabelType(uri, frame, options.label());
    List<String> features = featureColumns(uri, frame, options);
    boolean array = features.size() == 1 && frame.schema().apply(features.get(0)).dataType() instanceof ArrayType;
    int width;
    if (array) {
      width = options.imageShape().isEmpty() ? firstArrayLength(uri, frame, features.get(0), limits)
          : options.imageShape().get(0) * options.imageShape().get(1) * options.imageShape().get(2);
    } else {
      width = features.size();
    }
    if (array) {
      checkRowGroups(frame, features.get(0), width, spark.sparkContext().hadoopConfiguration());
    }
    Dataset<Row> rows = frame.select(columns(features, array, functions.col(options.label()), List.of()));
    RowParser parser = new RowParser(features.size(), array, width, numClasses, features, false);
    return new ParquetData(rows.javaRDD().map(parser::parse), width, List.copyOf(features), array);
  }

  /**
   * Scoring: the features a model takes ({@code features}: its columns, or its one array column of
   * {@code width} values), the label when the file has the column (an empty one is no label), and the
   * {@code ids} columns as they are.
   */
  static ScoringInput.Read scoring(SparkSession spark, String uri, ParquetOptions options, List<String> modelFeatures,
      int width, int numClasses, List<String> ids, Quarantine q) {
    Dataset<Row> frame = open(spark, uri);
    List<String> columns = Arrays.asList(frame.columns());
    String label = options.label();
    List<String> features = modelFeatures.isEmpty() ? featureColumns(uri, frame, options) : modelFeatures;
    boolean array = features.size() == 1 && columns.contains(features.get(0))
        && frame.schema().apply(features.get(0)).dataType() instanceof ArrayType;
    if (!array && features.size() != width) {
      throw new DataException(uri + ": " + features.size() + " feature columns (" + String.join(", ", features)
          + "); the model takes " + width);
    }
    List<String> missing = new ArrayList<>();
    features.stream().filter(f -> !columns.contains(f)).forEach(missing::add);
    ids.stream().filter(f -> !columns.contains(f)).forEach(missing::add);
    if (!missing.isEmpty()) {
      throw new DataException(uri + ": no column " + String.join(", ", missing) + "; the model takes " + width
          + " features (" + (array ? "array column " : "columns ") + String.join(", ", features) + "), the file has "
          + "columns " + String.join(", ", columns) + (ids.isEmpty() ? "" : " (--id " + String.join(", ", ids) + ")"));
    }
    if (array) {
      int found = firstArrayLength(uri, frame, features.get(0),
          io.sparktrain.config.DataLimits.reference().forWidth(width));
      if (found != width) {
        throw new DataException(uri + ": column '" + features.get(0) + "' holds " + found + " values per row; the model "
            + "takes " + width);
      }
    }
    boolean labelled = columns.contains(label);
    if (labelled) {
      checkLabelType(uri, frame, label);
    }
    List<org.apache.spark.sql.Column> keys = new ArrayList<>();
    List<StructField> keyFields = new ArrayList<>();
    for (String id : ids) {
      keys.add(functions.col(id));
      keyFields.add(frame.schema().apply(id));
    }
    if (ids.isEmpty()) {
      keyFields.add(DataTypes.createStructField("source", DataTypes.StringType, false));
      keyFields.add(DataTypes.createStructField("row", DataTypes.LongType, false));
    }
    Dataset<Row> rows = frame.select(columns(features, array,
        labelled ? functions.col(label) : functions.lit(null), keys));
    RowParser parser = new RowParser(features.size(), array, width, numClasses, features, true);
    int at = features.size() + 3;
    int n = ids.size();
    JavaRDD<Keyed> keyed = rows.javaRDD().map(r -> new Keyed(n == 0 ? new Object[] {r.getString(at - 2),
        r.getLong(at - 1)} : keyValues(r, at, n), parser.parse(r)));
    return new ScoringInput.Read(q.kept(uri, "input", keyed), keyFields, labelled);
  }

  /**
   * Every row group of every file holds at most {@code width} values of the array column per row, as its
   * footer says (read before any data): a row declaring more would make Spark's reader allocate it whole
   * before a row can be quarantined, so such a file stops the run (exit 3) naming the file, the row group
   * and the counts. A null or empty array counts one value, so well-formed and short rows always pass.
   */
  static void checkRowGroups(Dataset<Row> frame, String column, int width, Configuration conf) {
    checkRowGroups(frame, column, width, "the first row's width", conf);
  }

  /** As {@link #checkRowGroups(Dataset, String, int, Configuration)}, {@code basis} saying where the width is from. */
  static void checkRowGroups(Dataset<Row> frame, String column, long width, String basis, Configuration conf) {
    for (String file : frame.inputFiles()) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(file);
      org.apache.parquet.hadoop.metadata.ParquetMetadata footer;
      try {
        footer = org.apache.parquet.hadoop.ParquetFileReader.readFooter(conf, path,
            org.apache.parquet.format.converter.ParquetMetadataConverter.NO_FILTER);
      } catch (java.io.IOException | RuntimeException e) {
        throw new DataException(file + ": cannot read its Parquet footer: " + e.getMessage(), e);
      }
      List<org.apache.parquet.hadoop.metadata.BlockMetaData> blocks = footer.getBlocks();
      for (int b = 0; b < blocks.size(); b++) {
        org.apache.parquet.hadoop.metadata.BlockMetaData block = blocks.get(b);
        for (org.apache.parquet.hadoop.metadata.ColumnChunkMetaData chunk : block.getColumns()) {
          String[] parts = chunk.getPath().toArray();
          if (parts.length == 0 || !parts[0].equals(column)) {
            continue;
          }
          long allowed = block.getRowCount() * Math.max(1, width);
          if (chunk.getValueCount() > allowed) {
            throw new DataException(String.format(java.util.Locale.ROOT, "%s: row group %d declares %,d values of"
                + " column '%s' for %,d rows, more than %d per row (%s); a row that long would"
                + " be read whole before it could be quarantined", file, b, chunk.getValueCount(), column,
                block.getRowCount(), width, basis));
          }
        }
      }
    }
  }

  private static Object[] keyValues(Row r, int from, int n) {
    Object[] out = new Object[n];
    for (int i = 0; i < n; i++) {
      out[i] = r.get(from + i);
    }
    return out;
  }

  static Dataset<Row> open(SparkSession spark, String uri) {
    try {
      return spark.read().parquet(uri);
    } catch (Exception e) {
      if (e instanceof AnalysisException || e.getCause() instanceof java.io.FileNotFoundException) {
        throw new DataException(uri + ": cannot read as Parquet: " + e.getMessage(), e);
      }
      throw e;
    }
  }

  private static void checkLabelType(String uri, Dataset<Row> frame, String label) {
    DataType labelType = frame.schema().apply(label).dataType();
    if (!(labelType instanceof org.apache.spark.sql.types.IntegralType)) {
      throw new DataException(uri + ": label column '" + label + "' is " + labelType.simpleString()
          + "; expected integers");
    }
  }

  /**
   * The values in the first row's array cell, which sets every example's width: refused (naming the file
   * and the setting) above {@code data.limits.maxArrayLength}, since every row then allocates that many.
   */
  private static int firstArrayLength(String uri, Dataset<Row> frame, String column,
      io.sparktrain.config.DataLimits limits) {
    Row first = frame.select(functions.size(functions.col(column))).limit(1).collectAsList().stream()
        .findFirst().orElseThrow(() -> new DataException(uri + ": no rows"));
    int length = first.getInt(0);
    if (length > limits.maxArrayLength()) {
      throw new DataException(uri + ": column '" + column + "' holds " + length + " values in its first row, more"
          + " than data.limits.maxArrayLength = " + limits.maxArrayLength() + " (the first row sets every example's"
          + " width)");
    }
    if (length <= 0) {
      throw new DataException(uri + ": column '" + column + "' is " + (length < 0 ? "null" : "empty")
          + " in its first row, which sets every example's width");
    }
    return length;
  }

  /** The selected columns: the features, the label (as a long), the file, a row id, then {@code extra}. */
  private static org.apache.spark.sql.Column[] columns(List<String> features, boolean array,
      org.apache.spark.sql.Column label, List<org.apache.spark.sql.Column> extra) {
    List<org.apache.spark.sql.Column> select = new ArrayList<>();
    for (String f : features) {
      select.add(functions.col(f).cast(array ? DataTypes.createArrayType(DataTypes.DoubleType)
          : DataTypes.DoubleType));
    }
    select.add(label.cast(DataTypes.LongType));
    select.add(functions.input_file_name().as(SOURCE));
    select.add(functions.monotonically_increasing_id().as(ROW));
    select.addAll(extra);
    return select.toArray(new org.apache.spark.sql.Column[0]);
  }

  static List<String> featureColumns(String uri, Dataset<Row> frame, ParquetOptions options) {
    List<String> out = new ArrayList<>();
    if (!options.features().isEmpty()) {
      for (String f : options.features()) {
        if (!Arrays.asList(frame.columns()).contains(f)) {
          throw new DataException(uri + ": no column named '" + f + "' (data.parquet.features); the columns are "
              + String.join(", ", frame.columns()));
        }
        out.add(f);
      }
      return out;
    }
    List<String> arrays = new ArrayList<>();
    for (StructField f : frame.schema().fields()) {
      if (f.name().equals(options.label())) {
        continue;
      }
      if (f.dataType() instanceof ArrayType a && a.elementType() instanceof NumericType) {
        arrays.add(f.name());
      } else if (f.dataType() instanceof NumericType) {
        out.add(f.name());
      }
    }
    if (arrays.size() == 1) {
      return arrays;
    }
    if (out.isEmpty()) {
      throw new DataException(uri + ": no numeric feature columns and not exactly one array column; set "
          + "data.parquet.features");
    }
    return out;
  }

  /** One row to an Example or a rejection; runs on the executors. */
  record RowParser(int columns, boolean array, int width, int numClasses, List<String> names, boolean labelOptional)
      implements Serializable {
    Parsed parse(Row row) {
      String where = row.getString(columns + 1) + ": row id " + row.getLong(columns + 2);
      if (row.isNullAt(columns) && !labelOptional) {
        return Parsed.rejected("empty cell", where + ": the label is null");
      }
      boolean none = row.isNullAt(columns);
      long label = none ? Keyed.UNLABELLED : row.getLong(columns);
      if (!none && (label < 0 || label >= numClasses)) {
        return Parsed.rejected("label out of range", where + ": label " + label + " is not a class in [0, "
            + numClasses + ") (data.numClasses)");
      }
      float[] x;
      if (array) {
        if (row.isNullAt(0)) {
          return Parsed.rejected("empty cell", where + ": column '" + names.get(0) + "' is null");
        }
        List<Object> values = row.getList(0);
        if (values.size() != width) {
          return Parsed.rejected("wrong feature count", where + ": column '" + names.get(0) + "' holds "
              + values.size() + " values; expected " + width);
        }
        x = new float[width];
        for (int i = 0; i < width; i++) {
          Object v = values.get(i);
          if (v == null) {
            return Parsed.rejected("empty cell", where + ": value " + i + " of '" + names.get(0) + "' is null");
          }
          double d = (Double) v;
          if (!Double.isFinite(d)) {
            return Parsed.rejected("non-finite value", where + ": value " + i + " of '" + names.get(0) + "' is " + d);
          }
          x[i] = (float) d;
        }
      } else {
        x = new float[width];
        for (int i = 0; i < columns; i++) {
          if (row.isNullAt(i)) {
            return Parsed.rejected("empty cell", where + ": column '" + names.get(i) + "' is null");
          }
          double d = row.getDouble(i);
          if (!Double.isFinite(d)) {
            return Parsed.rejected("non-finite value", where + ": column '" + names.get(i) + "' is " + d);
          }
          x[i] = (float) d;
        }
      }
      return Parsed.ok(new Example(x, (int) label));
    }
  }
}
