package io.sparktrain.report;

import io.sparktrain.data.DataException;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads a run directory's files back (any Hadoop file system) for {@link HtmlReport}. */
public final class ReportFiles {
  public static final String MISCLASSIFIED = "misclassified.png";
  public static final String AUGMENTATION = "augmentation.png";

  private ReportFiles() {}

  public static HtmlReport.RunFiles read(String runUri, Configuration conf) {
    Path run = new Path(runUri);
    try {
      FileSystem fs = run.getFileSystem(conf);
      Path summary = new Path(run, Summary.FILE);
      if (!fs.exists(summary)) {
        throw new DataException(summary + ": no such file; is " + runUri + " a finished sparktrain run?");
      }
      SummaryFile parsed = RunJson.summary(text(fs, summary), summary.toString());
      if (parsed.status() != SummaryFile.Status.COMPLETED) {
        throw new DataException(summary + ": the run " + parsed.status().json() + ", so it has no report: "
            + parsed.message());
      }
      Path metricsFile = new Path(run, MetricsLog.FILE);
      List<MetricsLine> metrics = fs.exists(metricsFile)
          ? RunJson.metrics(text(fs, metricsFile), metricsFile.toString()) : List.of();
      Path config = new Path(run, "config.resolved.conf");
      Path png = new Path(run, MISCLASSIFIED);
      Path lrFind = new Path(run, LrFindFiles.PNG);
      Path augmentation = new Path(run, AUGMENTATION);
      return new HtmlReport.RunFiles(parsed, metrics,
          fs.exists(config) ? text(fs, config) : "(config.resolved.conf is missing)",
          fs.exists(png) ? bytes(fs, png) : null, fs.exists(lrFind) ? bytes(fs, lrFind) : null,
          fs.exists(augmentation) ? bytes(fs, augmentation) : null);
    } catch (IOException e) {
      throw new DataException(runUri + ": cannot read the run's files: " + e.getMessage(), e);
    }
  }

  private static String text(FileSystem fs, Path p) throws IOException {
    return new String(bytes(fs, p), StandardCharsets.UTF_8);
  }

  private static byte[] bytes(FileSystem fs, Path p) throws IOException {
    try (InputStream in = fs.open(p)) {
      return in.readAllBytes();
    }
  }
}
