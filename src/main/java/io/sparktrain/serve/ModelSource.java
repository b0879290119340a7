package io.sparktrain.serve;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.DataException;
import io.sparktrain.publish.Registry;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Where a model comes from, as {@code --model} names it: a model.zip, a run directory (its model.zip,
 * checked against the SHA-256 its summary.json records), or {@code registry://NAME[@vN]} (the
 * registry's champion or version N, checked against the version folder's model.zip.sha256).
 */
public sealed interface ModelSource {
  String PREFIX = "registry://";

  /** The model.zip, read and checked. */
  ModelFile.Loaded load(Configuration conf);

  /** What {@code --model} names, in words, for messages. */
  String describe();

  /** A model.zip file, or a run directory holding one. */
  record Path(String uri) implements ModelSource {
    @Override
    public ModelFile.Loaded load(Configuration conf) {
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(uri);
      try {
        FileSystem fs = path.getFileSystem(conf);
        if (!fs.exists(path)) {
          throw new DataException(uri + ": no such file or folder; --model takes a model.zip, a run directory or "
              + PREFIX + "NAME[@vN]");
        }
        if (!fs.getFileStatus(path).isDirectory()) {
          // A run's model.zip named directly is checked against its run's summary.json all the same.
          boolean inRun = path.getName().equals(ModelFile.FILE) && path.getParent() != null;
          return ModelFile.read(uri, conf, inRun
              ? recordedSha(fs, new org.apache.hadoop.fs.Path(path.getParent(), "summary.json")) : null);
        }
        org.apache.hadoop.fs.Path zip = new org.apache.hadoop.fs.Path(path, ModelFile.FILE);
        if (!fs.exists(zip)) {
          throw new DataException(uri + ": a folder without " + ModelFile.FILE + "; is it a finished sparktrain run?");
        }
        return ModelFile.read(zip.toString(), conf, recordedSha(fs, new org.apache.hadoop.fs.Path(path, "summary.json")));
      } catch (IOException e) {
        throw new DataException(uri + ": cannot read: " + e.getMessage(), e);
      }
    }

    @Override
    public String describe() {
      return uri;
    }
  }

  /**
   * A published model.
   *
   * @param version "vN", or null for the champion
   */
  record Registered(String registry, String name, String version) implements ModelSource {
    @Override
    public ModelFile.Loaded load(Configuration conf) {
      try {
        Registry r = new Registry(registry, name, conf);
        String folder = r.versionUri(version);
        return ModelFile.read(folder + "/" + ModelFile.FILE, conf, r.recordedSha(folder));
      } catch (IOException e) {
        throw new DataException(registry + ": cannot read the registry: " + e.getMessage(), e);
      }
    }

    @Override
    public String describe() {
      return PREFIX + name + (version == null ? "" : "@" + version) + " in " + registry;
    }
  }

  /**
   * What {@code --model} names; {@code registry} is the registry root for {@code registry://} (from
   * --registry or SPARKTRAIN_REGISTRY), null when not given.
   */
  static ModelSource parse(String model, String registry) {
    if (!model.startsWith(PREFIX)) {
      return new Path(model);
    }
    String rest = model.substring(PREFIX.length());
    int at = rest.indexOf('@');
    String name = at < 0 ? rest : rest.substring(0, at);
    String version = at < 0 ? null : rest.substring(at + 1);
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new ConfigException("--model", "'" + model + "': expected " + PREFIX + "NAME or " + PREFIX
          + "NAME@vN, NAME of letters, digits, '.', '_' or '-'");
    }
    if (version != null && !version.matches("v[0-9]+")) {
      throw new ConfigException("--model", "'" + model + "': the version after '@' is v1, v2, ..., found '" + version
          + "'");
    }
    if (registry == null || registry.isBlank()) {
      throw new ConfigException("--registry", model + " needs the registry's root: --registry URI or the environment "
          + "variable SPARKTRAIN_REGISTRY");
    }
    return new Registered(registry, name, version);
  }

  private static String recordedSha(FileSystem fs, org.apache.hadoop.fs.Path summary) throws IOException {
    if (!fs.exists(summary)) {
      return null;
    }
    try (InputStream in = fs.open(summary)) {
      SummaryFile s = RunJson.summary(new String(in.readAllBytes(), StandardCharsets.UTF_8), summary.toString());
      return s.model() == null ? null : s.model().sha256();
    }
  }
}
