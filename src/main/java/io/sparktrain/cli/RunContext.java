package io.sparktrain.cli;

import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Rejected;
import io.sparktrain.data.Splits;
import io.sparktrain.train.SparkSessions;
import java.io.PrintWriter;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * What every command that runs a job on Spark shares (train, lr-find, augment): the job, the Spark
 * session, where the output goes, the console, and loading the data with its quarantine.
 */
final class RunContext {
  /** Folder of the run directory that holds each source's rejected records. */
  static final String REJECTED = "rejected";

  private final JobConfig job;
  private final String output;
  private final PrintWriter out;
  private final SparkSession spark;
  private final JavaSparkContext sc;

  private RunContext(JobConfig job, String output, PrintWriter out, SparkSession spark) {
    this.job = job;
    this.output = output;
    this.out = out;
    this.spark = spark;
    this.sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
  }

  /** Starts (or joins) the Spark session for {@code job}. */
  static RunContext start(JobConfig job, String output, String master, PrintWriter out) {
    return new RunContext(job, output, out, SparkSessions.create(job, master));
  }

  JobConfig job() {
    return job;
  }

  SparkSession spark() {
    return spark;
  }

  JavaSparkContext sc() {
    return sc;
  }

  PrintWriter out() {
    return out;
  }

  /** The output folder: --output, else the job's {@code output}, else {@code runs/<timestamp>}. */
  String outputUri() {
    if (output != null && !output.isBlank()) {
      return output;
    }
    if (!job.output().isBlank()) {
      return job.output();
    }
    return "runs/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
  }

  /** Loads, splits and scales the job's data; rejected records go under {@code quarantine}. */
  Splits load(String quarantine, DataLoader.Fixed fixed) {
    Splits data = DataLoader.load(spark, job.data(), job.data().seed(), quarantine, fixed);
    printRejected(data);
    return data;
  }

  void printf(String format, Object... args) {
    out.printf(Locale.ROOT, format, args);
    out.flush();
  }

  private void printRejected(Splits data) {
    for (Rejected r : data.rejected()) {
      out.printf(Locale.ROOT, "data: %d of %d records of %s rejected (%s), quarantined in %s%n", r.total(), r.records(),
          r.source(), r.byReason().entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
              .collect(Collectors.joining(", ")), r.quarantine());
    }
    out.flush();
  }
}
