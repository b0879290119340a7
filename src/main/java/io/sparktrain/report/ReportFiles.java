package io.sparktrain.report;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.data.DataException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Reads a run directory's files back (any Hadoop file system) for {@link HtmlReport}. */
public final class ReportFiles {
  public static final String MISCLASSIFIED = "misclassified.png";
  public static final String AUGMENTATION = "augmentation.png";
  private static final ObjectMapper JSON = new ObjectMapper();

  private ReportFiles() {}

  public static HtmlReport.RunFiles read(String runUri, Configuration conf) {
    Path run = new Path(runUri);
    try {
      FileSystem fs = run.getFileSystem(conf);
      Path summary = new Path(run, Summary.FILE);
      if (!fs.exists(summary)) {
        throw new DataException(summary + ": no such file; is " + runUri + " a finished sparktrain run?");
      }
      List<JsonNode> metrics = new ArrayList<>();
      Path metricsFile = new Path(run, MetricsLog.FILE);
      if (fs.exists(metricsFile)) {
        for (String line : text(fs, metricsFile).split("\n")) {
          if (!line.isBlank()) {
            metrics.add(JSON.readTree(line));
          }
        }
      }
      Path config = new Path(run, "config.resolved.conf");
      Path png = new Path(run, MISCLASSIFIED);
      Path lrFind = new Path(run, LrFindFiles.PNG);
      Path augmentation = new Path(run, AUGMENTATION);
      return new HtmlReport.RunFiles(JSON.readTree(text(fs, summary)), metrics,
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
