package io.sparktrain.data;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataLimits;
import io.sparktrain.config.SequenceOptions;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import scala.Tuple2;

/**
 * Sequences in long form: CSV with a header, one row per time step, naming its sequence and step
 * ({@code data.format = sequence-csv}). Rows are grouped by file and sequence id on the executors and put
 * in file order; each sequence becomes one example, or one rejection with the reason and where it is.
 */
public final class SequenceCsvSource {
  private static final String ORDER = "_order";

  private SequenceCsvSource() {}

  public static SequenceData read(SparkSession spark, String uri, CsvOptions csv, SequenceOptions options,
      int numClasses, DataLimits limits) {
    CsvOptions header = new CsvOptions(true, csv.delimiter(), options.label());
    List<String> columns = CsvSource.columns(uri, header, spark.sparkContext().hadoopConfiguration(), limits);
    int id = column(uri, columns, options.id(), "data.sequence.id");
    int step = column(uri, columns, options.step(), "data.sequence.step");
    int label = column(uri, columns, options.label(), "data.sequence.label");
    List<String> names = new ArrayList<>();
    List<Integer> features = new ArrayList<>();
    if (options.features().isEmpty()) {
      for (int c = 0; c < columns.size(); c++) {
        if (c != id && c != step && c != label) {
          names.add(columns.get(c));
          features.add(c);
        }
      }
    } else {
      for (String f : options.features()) {
        features.add(column(uri, columns, f, "data.sequence.features"));
        names.add(f);
      }
    }
    if (features.isEmpty()) {
      throw new DataException(uri + ": no feature columns besides '" + options.id() + "', '" + options.step()
          + "' and '" + options.label() + "'; the header has " + String.join(", ", columns));
    }
    Grouper grouper = new Grouper(columns, id, step, label, features.stream().mapToInt(Integer::intValue).toArray(),
        numClasses, options);
    // Spark's ids rise with the position in each file (partitions of a file in order): the file order of rows.
    JavaRDD<Row> rows = CsvSource.frame(spark, uri, header, columns.size(), limits)
        .withColumn(ORDER, functions.monotonically_increasing_id()).javaRDD();
    JavaRDD<Parsed> corrupt = rows.filter(grouper::corrupt).map(grouper::rejectCorrupt);
    JavaRDD<Parsed> sequences = rows.filter(r -> !grouper.corrupt(r))
        .mapToPair(r -> new Tuple2<>(r.getString(columns.size() + 1) + "\u0000" + r.getString(id), grouper.row(r)))
        .groupByKey()
        .map(g -> grouper.sequence(g._2()));
    return new SequenceData(sequences.union(corrupt), List.copyOf(names));
  }

  private static int column(String uri, List<String> columns, String name, String key) {
    int c = columns.indexOf(name);
    if (c < 0) {
      throw new DataException(uri + ": no column named '" + name + "' (" + key + "); the header has "
          + String.join(", ", columns));
    }
    return c;
  }

  /** One row as it travels to its sequence: where it was, and its cells. */
  record Step(long order, String source, String id, String step, String label, String[] features)
      implements Serializable {}

  /** Checks and assembles sequences; runs on the executors. */
  record Grouper(List<String> columns, int id, int step, int label, int[] features, int numClasses,
      SequenceOptions options) implements Serializable {

    boolean corrupt(Row r) {
      return r.getString(columns.size()) != null;
    }

    Parsed rejectCorrupt(Row r) {
      String line = r.getString(columns.size());
      return Parsed.rejected("wrong column count", r.getString(columns.size() + 1) + ": expected " + columns.size()
          + " fields: " + clip(line));
    }

    Step row(Row r) {
      String[] cells = new String[features.length];
      for (int f = 0; f < features.length; f++) {
        cells[f] = r.getString(features[f]);
      }
      return new Step(r.getLong(columns.size() + 2), r.getString(columns.size() + 1), r.getString(id),
          r.getString(step), r.getString(label), cells);
    }

    Parsed sequence(Iterable<Step> group) {
      List<Step> steps = new ArrayList<>();
      group.forEach(steps::add);
      steps.sort(Comparator.comparingLong(Step::order));
      Step head = steps.get(0);
      String where = head.source() + ": sequence '" + head.id() + "'";
      int length = steps.size();
      if (options.maxLength() > 0 && length > options.maxLength()) {
        if (options.tooLong() == SequenceOptions.TooLong.QUARANTINE) {
          return Parsed.rejected("sequence too long", where + " has " + length + " steps, more than "
              + "data.sequence.maxLength = " + options.maxLength() + " (or set data.sequence.tooLong = truncate)");
        }
        length = options.maxLength();
      }
      float[] x = new float[length * features.length];
      int[] labels = new int[length];
      long[] numbers = new long[steps.size()];
      for (int t = 0; t < steps.size(); t++) {
        Long n = integer(steps.get(t).step());
        if (n == null) {
          return Parsed.rejected("bad step", where + ": column '" + options.step() + "' holds '"
              + clip(steps.get(t).step() == null ? "" : steps.get(t).step()) + "', not an integer step");
        }
        numbers[t] = n;
      }
      String order = order(numbers, where);
      if (order != null) {
        return Parsed.rejected(order.startsWith("gap") ? "gap in steps" : "step out of order",
            order.substring(order.indexOf(':') + 1).trim());
      }
      for (int t = 0; t < length; t++) {
        Step s = steps.get(t);
        String at = where + " step " + s.step();
        for (int f = 0; f < features.length; f++) {
          String cell = s.features()[f];
          String problem = problem(cell);
          if (problem != null) {
            return Parsed.rejected(problem, at + ": column '" + columns.get(features[f]) + "' holds '"
                + clip(cell == null ? "" : cell) + "'");
          }
          x[t * features.length + f] = (float) Double.parseDouble(cell.trim());
        }
        Long value = integer(s.label());
        if (value == null || value < 0 || value >= numClasses) {
          return Parsed.rejected("label out of range", at + ": label '" + clip(s.label() == null ? "" : s.label())
              + "' is not a class in [0, " + numClasses + ")");
        }
        labels[t] = (int) (long) value;
        if (options.labels() == SequenceOptions.Labels.SEQUENCE && labels[t] != labels[0]) {
          return Parsed.rejected("label changes within sequence", at + ": label " + labels[t] + " where the sequence"
              + " began with " + labels[0] + "; data.sequence.labels = sequence needs one label per sequence (or set"
              + " it to step)");
        }
      }
      return Parsed.ok(options.labels() == SequenceOptions.Labels.STEP ? Example.perStep(x, labels)
          : new Example(x, labels[0]));
    }

    /**
     * Null when the steps run first, first + 1, ... from 0 or 1; else "gap: ..." or "order: ..." saying
     * where. Steps that would run without a gap once sorted are out of order (or repeated); others have a gap.
     */
    static String order(long[] steps, String where) {
      long first = java.util.Arrays.stream(steps).min().orElse(0);
      long[] sorted = steps.clone();
      java.util.Arrays.sort(sorted);
      boolean consecutive = true;
      for (int k = 1; k < sorted.length; k++) {
        consecutive &= sorted[k] == sorted[k - 1] + 1;
      }
      if (first != 0 && first != 1) {
        return "gap: " + where + " starts at step " + first + "; expected 0 or 1";
      }
      if (consecutive) {
        for (int k = 0; k < steps.length; k++) {
          if (steps[k] != first + k) {
            return "order: " + where + ": step " + steps[k] + " follows step " + (k == 0 ? "none" : steps[k - 1])
                + "; steps must rise by one in the order of the file";
          }
        }
        return null;
      }
      for (int k = 1; k < sorted.length; k++) {
        if (sorted[k] == sorted[k - 1]) {
          return "order: " + where + ": step " + sorted[k] + " appears twice";
        }
        if (sorted[k] != sorted[k - 1] + 1) {
          return "gap: " + where + ": step " + sorted[k] + " follows step " + sorted[k - 1] + " (steps "
              + (sorted[k - 1] + 1) + ".." + (sorted[k] - 1) + " missing)";
        }
      }
      return null;
    }

    private static Long integer(String cell) {
      return SequenceRules.integer(cell);
    }

    private static String problem(String cell) {
      return CsvSource.RowParser.problem(cell);
    }

    private static String clip(String s) {
      return SequenceRules.clip(s);
    }
  }
}
