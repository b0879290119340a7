package io.sparktrain.data;

import io.sparktrain.config.CsvOptions;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import io.sparktrain.config.DataLimits;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Reads CSV files with Spark SQL: one example per line, numeric feature columns and an integer label
 * column chosen by name or index. Lines with the wrong number of fields, empty or non-numeric cells,
 * non-finite values or labels outside [0, numClasses) are returned as rejected {@link Parsed} records.
 */
public final class CsvSource {
  static final String CORRUPT = "_corrupt_record";
  static final String SOURCE = "_source_file";

  private CsvSource() {}

  /** The parsed records and the number of feature columns. */
  public record CsvData(JavaRDD<Parsed> records, int featureCount, List<String> featureNames) {}

  public static CsvData read(SparkSession spark, String uri, CsvOptions options, int numClasses) {
    return read(spark, uri, options, numClasses, DataLimits.reference());
  }

  public static CsvData read(SparkSession spark, String uri, CsvOptions options, int numClasses, DataLimits limits) {
    List<String> columns = columns(uri, options, spark.sparkContext().hadoopConfiguration(), limits);
    int labelIndex = labelIndex(uri, columns, options);
    List<String> names = new ArrayList<>(columns);
    names.remove(labelIndex);
    RowParser parser = new RowParser(columns.size(), labelIndex, numClasses, columns);
    JavaRDD<Parsed> rows = frame(spark, uri, options, columns.size(), limits).javaRDD().map(parser::parse);
    return new CsvData(rows.union(longLines(spark, uri, limits.maxLineBytes()).map(LongLine::parsed)),
        columns.size() - 1, List.copyOf(names));
  }

  /**
   * The files as Spark SQL reads them: {@code count} string columns {@code c0..} (by position), then
   * {@link #CORRUPT} (a line with the wrong number of fields) and {@link #SOURCE} (its file), read with
   * univocity's limits on cells per row and characters per cell (a file that breaks one fails the read,
   * and {@link #limitBroken} names it) and Hadoop's on a line's bytes (the line is skipped; see
   * {@link #longLines}).
   */
  static Dataset<Row> frame(SparkSession spark, String uri, CsvOptions options, int count, DataLimits limits) {
    List<StructField> fields = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      fields.add(DataTypes.createStructField("c" + i, DataTypes.StringType, true));
    }
    fields.add(DataTypes.createStructField(CORRUPT, DataTypes.StringType, true));
    return spark.read()
        .schema(DataTypes.createStructType(fields))
        .option("header", options.header())
        .option("sep", String.valueOf(options.delimiter()))
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT)
        .option("enforceSchema", true)
        .option("maxColumns", Math.max(limits.maxColumns(), count + 1))
        // Hadoop's line reader then keeps at most this much of a line and skips the rest of it; the
        // skipped line is quarantined by longLines (the reader itself only logs it).
        .option("mapreduce.input.linerecordreader.line.maxlength", limits.maxLineBytes())
        .option("maxCharsPerColumn", limits.maxCellChars())
        .csv(uri)
        .withColumn(SOURCE, functions.input_file_name());
  }

  /** Column names from the header of the first file (or c0..cN-1 without a header). */
  static List<String> columns(String uri, CsvOptions options, Configuration conf, DataLimits limits) {
    String first = firstFile(uri, conf);
    try (BufferedReader in = new BufferedReader(
        new InputStreamReader(HadoopFiles.open(first, conf), StandardCharsets.UTF_8))) {
      String line = firstLine(in, first, limits.maxLineBytes());
      while (line != null && line.isBlank()) {
        line = firstLine(in, first, limits.maxLineBytes());
      }
      if (line == null) {
        throw new DataException(first + ": empty file; expected " + (options.header() ? "a header line and " : "")
            + "at least one row of comma-separated values");
      }
      String[] cells = line.split(java.util.regex.Pattern.quote(String.valueOf(options.delimiter())), -1);
      if (cells.length > limits.maxColumns()) {
        throw new DataException(first + ": the first line has " + cells.length + " columns, more than"
            + " data.limits.maxColumns = " + limits.maxColumns());
      }
      if (cells.length < 2) {
        throw new DataException(first + ": the first line has " + cells.length + " field; expected at least a "
            + "feature and a label separated by '" + options.delimiter() + "' (data.csv.delimiter)");
      }
      List<String> names = new ArrayList<>();
      for (int i = 0; i < cells.length; i++) {
        names.add(options.header() ? cells[i].trim().replace("\"", "") : "c" + i);
      }
      if (options.header() && in.read() == -1) {
        throw new DataException(first + ": has a header but no rows");
      }
      return names;
    } catch (IOException e) {
      throw new DataException(first + ": cannot read: " + e.getMessage(), e);
    }
  }

  /** A line too long for {@code data.limits.maxLineBytes}: where it is and its bytes with its line end. */
  public record LongLine(String file, long line, long offset, long bytes, int max) implements Serializable {
    public Parsed parsed() {
      return Parsed.rejected("line too long", location());
    }

    public String location() {
      return file + ":" + line + ": " + bytes + " bytes with its line end (from byte " + offset + "), reaching"
          + " data.limits.maxLineBytes = " + max;
    }
  }

  /**
   * The lines of the CSV files at {@code uri} longer than {@code max} bytes, found by streaming each file
   * once on the executors (one task per file, no line held in memory): Spark's reader skips them with
   * only a log line, so they are quarantined from here.
   */
  public static JavaRDD<LongLine> longLines(SparkSession spark, String uri, int max) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    List<String> files = csvFiles(uri, conf);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<SerializableHadoopConfig> hadoop = sc.broadcast(new SerializableHadoopConfig(conf));
    return sc.parallelize(files, Math.max(1, Math.min(files.size(), sc.defaultParallelism())))
        .flatMap(f -> scan(f, max, hadoop.getValue().getConfiguration()).iterator());
  }

  /** The files Spark's CSV reader reads for {@code uri}: a file, a folder's files, or a glob's. */
  static List<String> csvFiles(String uri, Configuration conf) {
    Path path = new Path(uri);
    List<String> out = new ArrayList<>();
    try {
      FileSystem fs = path.getFileSystem(conf);
      // Globbing splits a path into names, which fails on a folder whose name holds ':'; only a pattern needs it.
      boolean pattern = path.toUri().getPath().matches(".*[*?\\[{].*");
      FileStatus[] matched = pattern ? fs.globStatus(path)
          : fs.exists(path) ? new FileStatus[] {fs.getFileStatus(path)} : null;
      if (matched == null) {
        return out;
      }
      for (FileStatus s : matched) {
        FileStatus[] inside = s.isDirectory() ? fs.listStatus(s.getPath()) : new FileStatus[] {s};
        for (FileStatus f : inside) {
          String name = f.getPath().getName();
          if (f.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
            out.add(f.getPath().toString());
          }
        }
      }
      out.sort(null);
      return out;
    } catch (IOException e) {
      throw new DataException(uri + ": cannot list: " + e.getMessage(), e);
    }
  }

  /** One pass over {@code file} (decompressed as Spark would, by its extension). */
  static List<LongLine> scan(String file, int max, Configuration conf) throws IOException {
    Path path = new Path(file);
    org.apache.hadoop.io.compress.CompressionCodec codec =
        new org.apache.hadoop.io.compress.CompressionCodecFactory(conf).getCodec(path);
    List<LongLine> out = new ArrayList<>();
    try (java.io.InputStream raw = path.getFileSystem(conf).open(path);
        java.io.InputStream in = codec == null ? raw : codec.createInputStream(raw)) {
      // Lines end as Hadoop's reader ends them (LF, CR or CRLF), and a line is too long as it judges one:
      // when the bytes it consumes, the line's end included, reach the limit.
      Lines lines = new Lines(file, max, out);
      byte[] buffer = new byte[1 << 16];
      long offset = 0;
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        for (int i = 0; i < n; i++) {
          lines.next(buffer[i], offset + i);
        }
        offset += n;
      }
      lines.finish();
    }
    return out;
  }

  /** The line-end state of {@link #scan}. */
  private static final class Lines {
    private final String file;
    private final int max;
    private final List<LongLine> out;
    private long line = 1;
    private long start;
    private long length;
    private boolean afterCr;

    Lines(String file, int max, List<LongLine> out) {
      this.file = file;
      this.max = max;
      this.out = out;
    }

    void next(byte c, long position) {
      if (afterCr) {
        afterCr = false;
        if (c == '\n') {
          end(2, position + 1);
          return;
        }
        end(1, position);
      }
      if (c == '\n') {
        end(1, position + 1);
      } else if (c == '\r') {
        afterCr = true;
      } else {
        length++;
      }
    }

    void finish() {
      if (afterCr) {
        end(1, -1);
      } else if (length > 0) {
        end(0, -1);
      }
    }

    private void end(int terminator, long nextStart) {
      if (length + terminator >= max) {
        out.add(new LongLine(file, line, start, length + terminator, max));
      }
      line++;
      length = 0;
      start = nextStart;
    }
  }

  /** The next line, refused (naming the file and the setting) once it is longer than {@code max} characters. */
  private static String firstLine(BufferedReader in, String file, int max) throws IOException {
    StringBuilder line = new StringBuilder();
    for (int c = in.read(); c != -1; c = in.read()) {
      if (c == '\n') {
        return line.toString();
      }
      if (c == '\r') {
        // CR alone ends a line too (as BufferedReader.readLine and Hadoop's reader take it); CRLF is one end.
        in.mark(1);
        if (in.read() != '\n') {
          in.reset();
        }
        return line.toString();
      }
      line.append((char) c);
      if (line.length() > max) {
        throw new DataException(file + ": the first line is longer than data.limits.maxLineBytes = " + max
            + " characters; is it a CSV file?");
      }
    }
    return line.length() == 0 ? null : line.toString();
  }

  /**
   * A CSV read that failed on univocity's limits, as a {@link DataException} naming the file (from Spark's
   * "while reading file" message) and the setting to raise; null for any other failure.
   */
  public static DataException limitBroken(Throwable failure) {
    return limitBroken(failure, null);
  }

  /** As {@link #limitBroken(Throwable)}, naming {@code source} (the file or folder read) when Spark does not. */
  private static final String UNIVOCITY = "com.univocity.parsers.common.TextParsingException";
  private static final java.util.regex.Pattern READING_FILE =
      java.util.regex.Pattern.compile("while reading file (\\S+?)\\.?\\s");

  static DataException limitBroken(Throwable failure, String source) {
    String file = null;
    for (Throwable t = failure; t != null; t = t.getCause()) {
      java.util.regex.Matcher m = READING_FILE.matcher(String.valueOf(t.getMessage()));
      if (file == null && m.find()) {
        file = m.group(1);
      }
      String text = String.valueOf(t.getMessage());
      int at = text.indexOf(UNIVOCITY + ": ");
      boolean univocity = t.getClass().getName().equals(UNIVOCITY);
      if (univocity || at >= 0) {
        // A task's failure reaches the driver as text when the executor is another JVM.
        String m2 = univocity ? text : text.substring(at + UNIVOCITY.length() + 2);
        String what = m2.contains("maxCharsPerColumn") || m2.contains("exceeds the maximum number of characters")
            ? "a cell longer than data.limits.maxCellChars" : m2.contains("maxColumns") || m2.contains("columns")
            ? "a row with more cells than data.limits.maxColumns" : "a row univocity cannot parse";
        return new DataException((file != null ? file : source != null ? source : "a CSV file") + ": " + what + " ("
            + m2.lines().findFirst().orElse("").trim() + "); raise the setting if the data is right", failure);
      }
    }
    return null;
  }

  private static String firstFile(String uri, Configuration conf) {
    Path path = new Path(uri);
    try {
      FileSystem fs = path.getFileSystem(conf);
      if (!fs.exists(path)) {
        throw new DataException(uri + ": no such file or folder");
      }
      if (!fs.getFileStatus(path).isDirectory()) {
        return uri;
      }
      FileStatus[] files = fs.listStatus(path, p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"));
      Arrays.sort(files);
      for (FileStatus f : files) {
        if (f.isFile()) {
          return f.getPath().toString();
        }
      }
      throw new DataException(uri + ": folder holds no CSV files");
    } catch (IOException e) {
      throw new DataException(uri + ": cannot list: " + e.getMessage(), e);
    }
  }

  static int labelIndex(String uri, List<String> columns, CsvOptions options) {
    Integer index = options.labelIndex();
    if (index == null) {
      int found = columns.indexOf(options.label());
      if (found < 0) {
        throw new DataException(uri + ": no column named '" + options.label() + "' (data.csv.label); the header has "
            + String.join(", ", columns));
      }
      return found;
    }
    int resolved = index == -1 ? columns.size() - 1 : index;
    if (resolved >= columns.size()) {
      throw new DataException(uri + ": data.csv.label = " + index + " but the file has " + columns.size()
          + " columns (0-based indexes 0.." + (columns.size() - 1) + ")");
    }
    return resolved;
  }

  /**
   * Turns one Spark row into an Example or a rejection; runs on the executors.
   *
   * @param columnCount the file's columns
   * @param labelIndex the label's column, or -1 when the file has none (scoring)
   * @param featureColumns the feature columns in the order the model takes them
   * @param labelOptional an empty label cell gives the label {@link Keyed#UNLABELLED} (scoring), not a rejection
   */
  record RowParser(int columnCount, int labelIndex, int numClasses, List<String> names, int[] featureColumns,
      boolean labelOptional) implements java.io.Serializable {

    /** Training: every column but the label is a feature, in file order; the label is required. */
    RowParser(int columnCount, int labelIndex, int numClasses, List<String> names) {
      this(columnCount, labelIndex, numClasses, names, allBut(columnCount, labelIndex), false);
    }

    private static int[] allBut(int count, int skip) {
      return java.util.stream.IntStream.range(0, count).filter(c -> c != skip).toArray();
    }

    Parsed parse(Row row) {
      String corrupt = row.getString(columnCount);
      String source = row.getString(columnCount + 1);
      if (corrupt != null) {
        int fields = corrupt.isEmpty() ? 0 : corrupt.split(",", -1).length;
        return Parsed.rejected("wrong column count",
            source + ": expected " + columnCount + " fields, found " + fields + ": " + clip(corrupt));
      }
      float[] features = new float[featureColumns.length];
      for (int f = 0; f < featureColumns.length; f++) {
        int c = featureColumns[f];
        String cell = row.getString(c);
        String problem = problem(cell);
        if (problem != null) {
          return Parsed.rejected(problem, source + ": column '" + names.get(c) + "' " + describe(problem, cell)
              + ": " + clip(row));
        }
        features[f] = (float) Double.parseDouble(cell.trim());
      }
      int label = Keyed.UNLABELLED;
      if (labelIndex >= 0) {
        String cell = row.getString(labelIndex);
        boolean empty = cell == null || cell.isBlank();
        if (!(empty && labelOptional)) {
          String problem = problem(cell);
          if (problem != null) {
            return Parsed.rejected(problem, source + ": column '" + names.get(labelIndex) + "' "
                + describe(problem, cell) + ": " + clip(row));
          }
          double value = Double.parseDouble(cell.trim());
          if (value != Math.rint(value) || value < 0 || value >= numClasses) {
            return Parsed.rejected("label out of range", source + ": label " + cell.trim() + " is not a class in [0, "
                + numClasses + "): " + clip(row));
          }
          label = (int) value;
        }
      }
      return Parsed.ok(new Example(features, label));
    }

    /** The reason a cell is not a finite number, or null when it is one. */
    static String problem(String cell) {
      if (cell == null || cell.isBlank()) {
        return "empty cell";
      }
      try {
        return Double.isFinite(Double.parseDouble(cell.trim())) ? null : "non-finite value";
      } catch (NumberFormatException e) {
        return "non-numeric cell";
      }
    }

    private static String describe(String problem, String cell) {
      return switch (problem) {
        case "empty cell" -> "is empty";
        case "non-numeric cell" -> "holds '" + clip(cell) + "', not a number";
        default -> "holds " + cell.trim();
      };
    }

    private String clip(Row row) {
      StringBuilder line = new StringBuilder();
      for (int c = 0; c < columnCount; c++) {
        line.append(c == 0 ? "" : ",").append(row.getString(c) == null ? "" : row.getString(c));
      }
      return clip(line.toString());
    }

    private static String clip(String s) {
      return s.length() <= 120 ? s : s.substring(0, 117) + "...";
    }
  }
}
