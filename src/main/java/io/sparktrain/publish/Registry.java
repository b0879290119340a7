package io.sparktrain.publish;

import com.typesafe.config.Config;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.data.DataException;
import io.sparktrain.data.StorageException;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
  /** The file in a version folder that holds model.zip's SHA-256 (the format of {@code sha256sum}). */
  public static final String SHA_FILE = "model.zip.sha256";

  /** What the gate decided, and where the model went when it passed. */
  public record Published(String version, String uri, double accuracy, String previous, Double previousAccuracy,
      Kind kind) {}

  /** What publishing did. */
  public enum Kind {
    /** A new version, now the champion. */
    NEW_VERSION,
    /** The model was in the registry already (the same SHA-256) and is the champion again. */
    CHAMPION_AGAIN,
    /** The model is the champion already: nothing changed. */
    ALREADY_CHAMPION
  }

  static final String POINTER = "CHAMPION";
  private static final String STAGING = ".staging-";

  private final FileSystem fs;
  private final Path model;
  private final Duration lockWait;
  private final Duration lockStale;
  private final PrintStream warnings;

  /** A registry for reading (the lock's settings are the defaults). */
  public Registry(String root, String name, Configuration conf) throws IOException {
    this(root, name, conf, ConfigLoader.reference(), System.err);
  }

  /** A registry for publishing, with the lock's settings {@code registry.*} of {@code settings}. */
  public Registry(String root, String name, Configuration conf, Config settings, PrintStream warnings)
      throws IOException {
    Path rootPath = new Path(root);
    this.fs = rootPath.getFileSystem(conf);
    fs.setWriteChecksum(false);
    this.model = new Path(fs.makeQualified(rootPath), name);
    this.lockWait = duration(settings, "registry.lockWait");
    this.lockStale = duration(settings, "registry.lockStale");
    this.warnings = warnings;
  }

  private static Duration duration(Config settings, String key) {
    try {
      Duration d = settings.getDuration(key);
      if (d.isNegative() || d.isZero()) {
        throw new io.sparktrain.config.ConfigException(key, "expected a positive duration, found " + d);
      }
      return d;
    } catch (com.typesafe.config.ConfigException e) {
      throw new io.sparktrain.config.ConfigException(key, "expected a duration such as 10 minutes or 90s: "
          + e.getMessage(), e);
    }
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

  /**
   * Applies the gate, then publishes; throws {@link GateRefusedException} when the gate refuses. The run's
   * files are copied to a staging folder first; then, holding the model's {@link RegistryLock}, the gate
   * is applied against the champion of that moment, the next version number is taken, the staging folder
   * renamed to it and the pointer moved ({@link RunDirectory#write}: one atomic step on each file system,
   * so CHAMPION is never absent). A model already in the registry (the same SHA-256) is not copied again:
   * when it is the champion nothing changes; otherwise the gate decides whether the pointer moves back
   * to its version (a rollback, or a retry after a publisher stopped between its rename and its pointer).
   */
  public Published publish(String runUri, Configuration conf, double minAccuracy, double maxDrop) throws IOException {
    double accuracy = accuracy(runUri, conf);
    if (accuracy < minAccuracy) {
      throw new GateRefusedException(String.format(Locale.ROOT,
          "quality gate refused %s: test accuracy %.4f is below the required %.4f (--min-accuracy)",
          runUri, accuracy, minAccuracy));
    }
    Path run = new Path(runUri);
    // The time is in the name: S3 lists a folder without a modification time.
    Path staging = new Path(model, STAGING + System.currentTimeMillis() + "-" + UUID.randomUUID());
    try {
      String sha = stage(run, staging, conf);
      try (RegistryLock lock = RegistryLock.acquire(fs, model, lockWait, lockStale, warnings)) {
        String champion = champion();
        Double championAccuracy = champion == null ? null : accuracy(new Path(model, champion).toString(), conf);
        String existing = versionWith(sha);
        if (existing != null && existing.equals(champion)) {
          return new Published(existing, new Path(model, existing).toString(), accuracy, champion, championAccuracy,
              Kind.ALREADY_CHAMPION);
        }
        if (championAccuracy != null && accuracy < championAccuracy - maxDrop) {
          throw new GateRefusedException(String.format(Locale.ROOT,
              "quality gate refused %s: test accuracy %.4f is below the champion %s's %.4f by more than %.4f (--max-drop)",
              runUri, accuracy, champion, championAccuracy, maxDrop));
        }
        if (existing != null) {
          lock.check();
          RunDirectory.at(model.toString(), fs.getConf()).write(POINTER, existing + "\n");
          return new Published(existing, new Path(model, existing).toString(), accuracy, champion, championAccuracy,
              Kind.CHAMPION_AGAIN);
        }
        removeAbandoned();
        String version = "v" + (lastVersion() + 1);
        Path target = new Path(model, version);
        if (fs.exists(target)) {
          throw new StorageException(target + ": exists although this publisher holds the lock and took " + version
              + " as the next version; was it written by hand? Nothing was published", null);
        }
        lock.check();
        if (!fs.rename(staging, target)) {
          throw new StorageException("cannot rename " + staging + " to " + target, null);
        }
        lock.check();
        RunDirectory.at(model.toString(), fs.getConf()).write(POINTER, version + "\n");
        return new Published(version, target.toString(), accuracy, champion, championAccuracy, Kind.NEW_VERSION);
      }
    } finally {
      if (fs.exists(staging)) {
        fs.delete(staging, true);
      }
    }
  }

  /** Copies the run's files to {@code staging} and returns model.zip's SHA-256, checked there. */
  private String stage(Path run, Path staging, Configuration conf) throws IOException {
    String recorded = recordedSha(run.toString(), conf);
    fs.mkdirs(staging);
    FileSystem runFs = run.getFileSystem(conf);
    for (String name : FILES) {
      Path src = new Path(run, name);
      if (runFs.exists(src)) {
        try (InputStream in = runFs.open(src); OutputStream out = fs.create(new Path(staging, name), false)) {
          in.transferTo(out);
        }
      }
    }
    String sha = checkedCopy(staging, recorded, run);
    try (OutputStream out = fs.create(new Path(staging, SHA_FILE), false)) {
      out.write((sha + "  model.zip\n").getBytes(StandardCharsets.UTF_8));
    }
    return sha;
  }

  /** The version whose model.zip has this SHA-256, or null. */
  private String versionWith(String sha) throws IOException {
    for (String version : versions()) {
      if (sha.equalsIgnoreCase(recordedSha(new Path(model, version).toString()))) {
        return version;
      }
    }
    return null;
  }

  /** Staging folders of publishers that died before renaming them (older than registry.lockStale). */
  private void removeAbandoned() throws IOException {
    long now = System.currentTimeMillis();
    for (FileStatus s : fs.listStatus(model)) {
      String name = s.getPath().getName();
      if (!name.startsWith(STAGING)) {
        continue;
      }
      String[] parts = name.substring(STAGING.length()).split("-", 2);
      long started;
      try {
        started = Long.parseLong(parts[0]);
      } catch (NumberFormatException e) {
        continue;
      }
      if (now - started > lockStale.toMillis()) {
        fs.delete(s.getPath(), true);
      }
    }
  }

  /**
   * The SHA-256 of the copied model.zip, read back from the registry; fails (and removes the copy) when it
   * is not the one the run's summary.json recorded.
   */
  private String checkedCopy(Path tmp, String recorded, Path run) throws IOException {
    java.security.MessageDigest digest;
    try {
      digest = java.security.MessageDigest.getInstance("SHA-256");
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
    Path copy = new Path(tmp, "model.zip");
    if (!fs.exists(copy)) {
      fs.delete(tmp, true);
      throw new DataException(new Path(run, "model.zip") + ": no such file; is " + run + " a finished sparktrain run?");
    }
    try (InputStream in = fs.open(copy)) {
      byte[] buffer = new byte[1 << 16];
      for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
        digest.update(buffer, 0, n);
      }
    }
    String sha = java.util.HexFormat.of().formatHex(digest.digest());
    if (recorded != null && !recorded.equalsIgnoreCase(sha)) {
      fs.delete(tmp, true);
      throw new DataException(new Path(run, "model.zip") + ": the copy in the registry has SHA-256 " + sha
          + ", not the " + recorded + " that summary.json records; nothing was published");
    }
    return sha;
  }

  /** model.zip's SHA-256 as the run's summary.json records it; null for a run written before it did. */
  private static String recordedSha(String runUri, Configuration conf) {
    Path summary = new Path(runUri, "summary.json");
    try (InputStream in = summary.getFileSystem(conf).open(summary)) {
      SummaryFile s = RunJson.summary(new String(in.readAllBytes(), StandardCharsets.UTF_8), summary.toString());
      return s.model() == null ? null : s.model().sha256();
    } catch (IOException e) {
      throw new DataException(summary + ": cannot read: " + e.getMessage(), e);
    }
  }

  /**
   * A published version's folder: {@code version} ("v3", or null for the champion); fails naming what
   * is missing.
   */
  public String versionUri(String version) throws IOException {
    String v = version == null ? champion() : version;
    if (v == null) {
      throw new DataException(model + ": nothing is published under this name (no CHAMPION)");
    }
    Path folder = new Path(model, v);
    if (!fs.exists(folder)) {
      throw new DataException(folder + ": no such version; the champion is " + champion());
    }
    return folder.toString();
  }

  /** The SHA-256 a version folder records for its model.zip; null for one published before it did. */
  public String recordedSha(String versionUri) throws IOException {
    Path file = new Path(versionUri, SHA_FILE);
    if (!fs.exists(file)) {
      return null;
    }
    try (InputStream in = fs.open(file)) {
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return text.isEmpty() ? null : text.split("\\s+")[0];
    }
  }

  /** The champion's version folder name, or null when nothing is published yet. */
  public String champion() throws IOException {
    Path pointer = new Path(model, POINTER);
    if (!fs.exists(pointer)) {
      return null;
    }
    for (int attempt = 1; ; attempt++) {
      try (InputStream in = fs.open(pointer)) {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      } catch (IOException e) {
        // S3A opens an object by its ETag: a pointer replaced between the lookup and the read is read again.
        if (attempt == 5 || !e.getClass().getSimpleName().equals("RemoteFileChangedException")) {
          throw e;
        }
      }
    }
  }

  private int lastVersion() throws IOException {
    int last = 0;
    for (String v : versions()) {
      last = Math.max(last, Integer.parseInt(v.substring(1)));
    }
    return last;
  }

  /** The published versions' folder names ("v1", "v2", ...), in no particular order. */
  public List<String> versions() throws IOException {
    if (!fs.exists(model)) {
      return List.of();
    }
    List<String> out = new java.util.ArrayList<>();
    for (FileStatus s : fs.listStatus(model)) {
      String n = s.getPath().getName();
      if (s.isDirectory() && n.matches("v[0-9]+")) {
        out.add(n);
      }
    }
    return out;
  }
}
