package io.sparktrain.data;

import io.sparktrain.config.DataLimits;
import io.sparktrain.config.SequenceOptions;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import scala.Tuple2;

/**
 * One file per sequence, in DataVec's layout ({@code data.format = sequence-files}): {@code <root>/features/<name>}
 * holds one time step per line (numbers separated by {@code data.csv.delimiter}, no quoting), and
 * {@code <root>/labels/<name>} its label: one line for the sequence, or one line per step. Files are paired
 * by name; gzip is recognised by its first bytes. A file without its partner, a blank line between steps (a gap),
 * a line of another width, a bad number or label, a too-long sequence or a file above
 * {@code data.limits.maxSequenceFileBytes} (never read) are quarantined naming the file and line.
 */
public final class SequenceFilesSource {
  static final String FEATURES = "features";
  static final String LABELS = "labels";

  private SequenceFilesSource() {}

  public static SequenceData read(SparkSession spark, String root, char delimiter,
      SequenceOptions options, int numClasses, DataLimits limits) {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Path features = new Path(root, FEATURES);
    Path labels = new Path(root, LABELS);
    String first = firstFile(root, features, labels, conf, limits);
    int width = width(first, delimiter, options.skipLines(), conf, limits.maxSequenceFileBytes());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < width; i++) {
      names.add("c" + i);
    }
    Pairer pairer = new Pairer(delimiter, width, numClasses, options, limits.maxSequenceFileBytes());
    JavaPairRDD<String, Tuple2<String, byte[]>> x = files(spark, features.toString(), limits);
    JavaPairRDD<String, Tuple2<String, byte[]>> y = files(spark, labels.toString(), limits);
    JavaRDD<Parsed> records = x.fullOuterJoin(y).map(p -> pairer.sequence(p._1(), p._2()._1(), p._2()._2()));
    return new SequenceData(records, List.copyOf(names));
  }

  /** The folder's files by name: (path, content), content null for a file above the size limit (never read). */
  private static JavaPairRDD<String, Tuple2<String, byte[]>> files(SparkSession spark, String folder, DataLimits limits) {
    Dataset<Row> all = spark.read().format("binaryFile").load(folder);
    Column small = functions.col("length").leq(limits.maxSequenceFileBytes());
    Dataset<Row> read = all.filter(small).select(functions.col("path"), functions.col("content"));
    Dataset<Row> large = all.filter(functions.not(small))
        .select(functions.col("path"), functions.lit(null).cast(DataTypes.BinaryType).as("content"));
    return read.union(large).javaRDD().mapToPair(r -> {
      String path = r.getString(0);
      return new Tuple2<>(new Path(path).getName(), new Tuple2<>(path, r.isNullAt(1) ? null : (byte[]) r.get(1)));
    });
  }

  /** The first features file by name; the layout checked (both folders there, not empty). */
  private static String firstFile(String root, Path features, Path labels, Configuration conf, DataLimits limits) {
    try {
      FileSystem fs = features.getFileSystem(conf);
      for (Path p : List.of(features, labels)) {
        if (!fs.exists(p) || !fs.getFileStatus(p).isDirectory()) {
          throw new DataException(root + ": no folder '" + p.getName() + "'; data.format = sequence-files reads "
              + "DataVec's layout: " + root + "/features/<name> (one time step per line) and " + root
              + "/labels/<name> (its label: one line, or one per step)");
        }
      }
      FileStatus[] files = fs.listStatus(features, p -> !p.getName().startsWith(".") && !p.getName().startsWith("_"));
      Arrays.sort(files);
      for (FileStatus f : files) {
        if (f.isFile() && f.getLen() <= limits.maxSequenceFileBytes()) {
          return f.getPath().toString();
        }
      }
      throw new DataException(features + ": no sequence file (of at most data.limits.maxSequenceFileBytes = "
          + limits.maxSequenceFileBytes() + " bytes)");
    } catch (IOException e) {
      throw new StorageException(root + ": cannot list: " + e.getMessage(), e);
    }
  }

  /** The number of values on the first step line of {@code file}, which every step of every file must have. */
  private static int width(String file, char delimiter, int skip, Configuration conf, long maxBytes) {
    byte[] bytes;
    try (InputStream in = new Path(file).getFileSystem(conf).open(new Path(file))) {
      bytes = in.readAllBytes(); // at most data.limits.maxSequenceFileBytes: firstFile checked its length
    } catch (IOException e) {
      throw new StorageException(file + ": cannot read: " + e.getMessage(), e);
    }
    List<String> lines = Pairer.lines(file, bytes, skip, maxBytes);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      throw new DataException(file + ": no time step" + (skip > 0 ? " after the " + skip + " lines skipped "
          + "(data.sequence.skipLines)" : "") + "; the first features file gives every step's width");
    }
    return Pairer.split(lines.get(0), delimiter).length;
  }

  /** Reads a pair of files into a sequence or a rejection; runs on the executors. */
  record Pairer(char delimiter, int width, int numClasses, SequenceOptions options, long maxBytes)
      implements Serializable {

    Parsed sequence(String name, Optional<Tuple2<String, byte[]>> features, Optional<Tuple2<String, byte[]>> labels) {
      if (!features.isPresent()) {
        return Parsed.rejected("no features file", labels.get()._1() + ": no file '" + name + "' in the features "
            + "folder beside it");
      }
      String x = features.get()._1();
      if (!labels.isPresent()) {
        return Parsed.rejected("no labels file", x + ": no file '" + name + "' in the labels folder beside it");
      }
      String y = labels.get()._1();
      for (Tuple2<String, byte[]> f : List.of(features.get(), labels.get())) {
        if (f._2() == null) {
          return Parsed.rejected("sequence file too large", f._1() + ": larger than data.limits.maxSequenceFileBytes"
              + " = " + maxBytes + " bytes; not read");
        }
      }
      List<String> steps;
      List<String> labelLines;
      try {
        steps = lines(x, features.get()._2(), options.skipLines(), maxBytes);
        labelLines = lines(y, labels.get()._2(), options.skipLines(), maxBytes);
      } catch (TooLarge e) {
        return Parsed.rejected("sequence file too large", e.getMessage());
      } catch (DataException e) {
        return Parsed.rejected("unreadable file", e.getMessage());
      }
      int first = options.skipLines() + 1;
      float[] values = new float[steps.size() * width];
      for (int t = 0; t < steps.size(); t++) {
        String at = x + " line " + (first + t);
        if (steps.get(t).isBlank()) {
          return Parsed.rejected("gap in steps", at + ": a blank line between steps " + t + " and " + (t + 1));
        }
        String[] cells = split(steps.get(t), delimiter);
        if (cells.length != width) {
          return Parsed.rejected("wrong column count", at + ": " + cells.length + " values; every step has " + width
              + " (the first features file's first step)");
        }
        for (int f = 0; f < width; f++) {
          String problem = CsvSource.RowParser.problem(cells[f]);
          if (problem != null) {
            return Parsed.rejected(problem, at + ": value " + (f + 1) + " holds '" + SequenceRules.clip(cells[f]) + "'");
          }
          values[t * width + f] = (float) Double.parseDouble(cells[f].trim());
        }
      }
      long[] classes = new long[labelLines.size()];
      for (int i = 0; i < classes.length; i++) {
        Long c = SequenceRules.integer(labelLines.get(i));
        if (c == null) {
          return Parsed.rejected("bad label", y + " line " + (first + i) + ": '" + SequenceRules.clip(labelLines.get(i))
              + "' is not an integer class");
        }
        classes[i] = c;
      }
      if (classes.length == 0) {
        return Parsed.rejected("label count", y + ": no label");
      }
      return SequenceRules.example(x, values, width, classes, i -> y + " line " + (first + i), numClasses, options);
    }

    /**
     * The lines of a file after the first {@code skip}, without the blank ones at its end (gzip by its first
     * bytes, read up to {@code maxBytes}); a line break at the end of the last line is not a step.
     */
    static List<String> lines(String file, byte[] bytes, int skip, long maxBytes) {
      String text;
      boolean gzip = bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b;
      try (InputStream in = gzip ? new GZIPInputStream(new ByteArrayInputStream(bytes))
          : new ByteArrayInputStream(bytes)) {
        byte[] read = in.readNBytes((int) Math.min(maxBytes + 1, Integer.MAX_VALUE - 8));
        if (read.length > maxBytes) {
          throw new TooLarge(file + ": larger than data.limits.maxSequenceFileBytes = " + maxBytes
              + " bytes once decompressed; not read further");
        }
        text = new String(read, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new DataException(file + ": cannot read: " + e.getMessage(), e);
      }
      List<String> lines = new ArrayList<>(Arrays.asList(text.split("\r?\n", -1)));
      while (!lines.isEmpty() && lines.get(lines.size() - 1).isBlank()) {
        lines.remove(lines.size() - 1);
      }
      return lines.size() <= skip ? List.of() : lines.subList(skip, lines.size());
    }

    /** A file above the size limit once decompressed. */
    static final class TooLarge extends RuntimeException {
      TooLarge(String message) {
        super(message);
      }
    }

    static String[] split(String line, char delimiter) {
      return line.split(java.util.regex.Pattern.quote(String.valueOf(delimiter)), -1);
    }
  }
}
