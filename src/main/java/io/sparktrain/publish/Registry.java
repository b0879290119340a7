package io.sparktrain.publish;

import io.sparktrain.data.DataException;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A model registry on any Hadoop file system: {@code <root>/<name>/v<N>/} holds a published run's
 * model and summary, {@code <root>/<name>/CHAMPION} names the current version. A version folder is
 * filled under a temporary name and renamed into place; the pointer moves last.
 */
public final class Registry {
  static final List<String> FILES = List.of("model.zip", "summary.json", "config.resolved.conf", "metrics.jsonl");

  /** What the gate decided, and where the model went when it passed. */
  public record Published(String version, String uri, double accuracy, String previous, Double previousAccuracy) {}

  private final FileSystem fs;
  private final Path model;

  public Registry(String root, String name, Configuration conf) throws IOException {
    Path rootPath = new Path(root);
    this.fs = rootPath.getFileSystem(conf);
    fs.setWriteChecksum(false);
    this.model = new Path(fs.makeQualified(rootPath), name);
  }

  /**
   * Test accuracy of a run directory's summary.json: of what its model.zip predicts on its own, so the
   * accuracy without test-time augmentation when the run used it (a published model predicts one view).
   */
  public static double accuracy(String runUri, Configuration conf) {
    Path summary = new Path(runUri, "summary.json");
    String text;
    try (InputStream in = summary.getFileSystem(conf).open(summary)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (java.io.FileNotFoundException e) {
      throw new DataException(summary + ": no such file; is " + runUri + " a finished sparktrain run?", e);
    } catch (IOException e) {
      throw new DataException(summary + ": cannot read: " + e.getMessage(), e);
    }
    SummaryFile.Test test = RunJson.summary(text, summary.toString()).test();
    Double accuracy = test == null ? null
        : test.testTimeAugmentation() != null ? test.testTimeAugmentation().accuracyWithout() : test.accuracy();
    if (accuracy == null) {
      throw new DataException(summary + ": no test.accuracy; is this a finished sparktrain run?");
    }
    return accuracy;
  }

  /** Applies the gate, then publishes; throws {@link GateRefusedException} when the gate refuses. */
  public Published publish(String runUri, Configuration conf, double minAccuracy, double maxDrop) throws IOException {
    double accuracy = accuracy(runUri, conf);
    String champion = champion();
    Double championAccuracy = champion == null ? null : accuracy(new Path(model, champion).toString(), conf);
    if (accuracy < minAccuracy) {
      throw new GateRefusedException(String.format(Locale.ROOT,
          "quality gate refused %s: test accuracy %.4f is below the required %.4f (--min-accuracy)",
          runUri, accuracy, minAccuracy));
    }
    if (championAccuracy != null && accuracy < championAccuracy - maxDrop) {
      throw new GateRefusedException(String.format(Locale.ROOT,
          "quality gate refused %s: test accuracy %.4f is below the champion %s's %.4f by more than %.4f (--max-drop)",
          runUri, accuracy, champion, championAccuracy, maxDrop));
    }
    String version = "v" + (lastVersion() + 1);
    Path tmp = new Path(model, "." + version + ".tmp-" + UUID.randomUUID());
    fs.mkdirs(tmp);
    Path run = new Path(runUri);
    FileSystem runFs = run.getFileSystem(conf);
    for (String name : FILES) {
      Path src = new Path(run, name);
      if (runFs.exists(src)) {
        try (InputStream in = runFs.open(src); OutputStream out = fs.create(new Path(tmp, name), false)) {
          in.transferTo(out);
        }
      }
    }
    Path target = new Path(model, version);
    if (!fs.rename(tmp, target)) {
      fs.delete(tmp, true);
      throw new IOException("cannot rename " + tmp + " to " + target + " (published concurrently?)");
    }
    Path pointerTmp = new Path(model, ".CHAMPION.tmp-" + UUID.randomUUID());
    try (OutputStream out = fs.create(pointerTmp, false)) {
      out.write((version + "\n").getBytes(StandardCharsets.UTF_8));
    }
    fs.delete(new Path(model, "CHAMPION"), false);
    if (!fs.rename(pointerTmp, new Path(model, "CHAMPION"))) {
      throw new IOException("cannot move the champion pointer to " + version);
    }
    return new Published(version, target.toString(), accuracy, champion, championAccuracy);
  }

  /** The champion's version folder name, or null when nothing is published yet. */
  public String champion() throws IOException {
    Path pointer = new Path(model, "CHAMPION");
    if (!fs.exists(pointer)) {
      return null;
    }
    try (InputStream in = fs.open(pointer)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
  }

  private int lastVersion() throws IOException {
    if (!fs.exists(model)) {
      return 0;
    }
    int last = 0;
    for (FileStatus s : fs.listStatus(model)) {
      String n = s.getPath().getName();
      if (s.isDirectory() && n.matches("v[0-9]+")) {
        last = Math.max(last, Integer.parseInt(n.substring(1)));
      }
    }
    return last;
  }
}
