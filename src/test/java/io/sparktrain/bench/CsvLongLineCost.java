package io.sparktrain.bench;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataLimits;
import io.sparktrain.data.CsvSource;
import io.sparktrain.data.Parsed;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * What the CSV long-line pass costs: reading a CSV file as training does (Spark's reader, every row
 * parsed into an example), beside the pass that finds lines longer than data.limits.maxLineBytes, on
 * local[1], three rounds (the first includes JIT warm-up). Arguments: FILE COLUMNS.
 */
public final class CsvLongLineCost {
  private CsvLongLineCost() {}

  public static void main(String[] args) {
    String file = args[0];
    int columns = Integer.parseInt(args[1]);
    SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate();
    CsvOptions options = new CsvOptions(true, ',', "-1");
    DataLimits limits = DataLimits.reference();
    for (int round = 1; round <= 3; round++) {
      long t = System.nanoTime();
      long rows = CsvSource.read(spark, file, options, 2, limits).records().filter(Parsed::isOk).count();
      double read = (System.nanoTime() - t) / 1e9;
      t = System.nanoTime();
      long found = CsvSource.longLines(spark, file, limits.maxLineBytes()).count();
      double pass = (System.nanoTime() - t) / 1e9;
      System.out.printf(Locale.ROOT, "round %d rows %d columns %d read %.2f pass %.2f found %d%n", round, rows, columns,
          read, pass, found);
    }
    spark.stop();
  }
}
