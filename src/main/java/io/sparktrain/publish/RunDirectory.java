package io.sparktrain.publish;

import io.sparktrain.config.ConfigException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The folder a run writes to (local, HDFS or S3). Every file appears atomically: it is written under a
 * hidden temporary name and renamed into place, so a reader never sees half a model.
 */
public final class RunDirectory {
  /** Writes a file's content to a stream. */
  @FunctionalInterface
  public interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private final FileSystem fs;
  private final Path root;

  private RunDirectory(FileSystem fs, Path root) {
    this.fs = fs;
    this.root = root;
  }

  /** Creates the folder; refuses one that already holds a finished run, so no result is overwritten. */
  public static RunDirectory create(String uri, Configuration conf) {
    try {
      RunDirectory dir = at(uri, conf);
      FileSystem fs = dir.fs;
      Path qualified = dir.root;
      if (fs.exists(new Path(qualified, "summary.json")) || fs.exists(new Path(qualified, "model.zip"))) {
        throw new ConfigException("--output", uri + " already holds a run (summary.json or model.zip); "
            + "choose a new folder so no result is overwritten");
      }
      if (fs.exists(qualified) && !fs.getFileStatus(qualified).isDirectory()) {
        throw new ConfigException("--output", uri + " is a file; expected a folder for the run");
      }
      if (!fs.mkdirs(qualified)) {
        throw new ConfigException("--output", "cannot create the folder " + uri);
      }
      return dir;
    } catch (IOException e) {
      throw new ConfigException("--output", "cannot create the run folder " + uri + ": " + e.getMessage(), e);
    }
  }

  /** An existing run folder, to add or replace files in (e.g. a rebuilt report). */
  public static RunDirectory open(String uri, Configuration conf) {
    try {
      RunDirectory dir = at(uri, conf);
      if (!dir.fs.exists(dir.root) || !dir.fs.getFileStatus(dir.root).isDirectory()) {
        throw new ConfigException("RUN_DIR", uri + " is not a folder");
      }
      return dir;
    } catch (IOException e) {
      throw new ConfigException("RUN_DIR", "cannot open " + uri + ": " + e.getMessage(), e);
    }
  }

  private static RunDirectory at(String uri, Configuration conf) throws IOException {
    Path path = new Path(uri);
    FileSystem fs = path.getFileSystem(conf);
    // No .crc side files next to the run's files (Hadoop's local file system writes them by default).
    fs.setWriteChecksum(false);
    return new RunDirectory(fs, fs.makeQualified(path));
  }

  /** The run folder as a fully qualified URI. */
  public String uri() {
    return root.toString();
  }

  public String resolve(String name) {
    return new Path(root, name).toString();
  }

  public void write(String name, String text) {
    write(name, out -> out.write(text.getBytes(StandardCharsets.UTF_8)));
  }

  /**
   * Object stores where one PUT is atomic (an object appears whole or not at all) and a rename is a copy
   * plus a delete: files are written in place there.
   */
  static final java.util.Set<String> OBJECT_STORES = java.util.Set.of("s3a", "s3", "s3n", "gs", "oss", "cos");

  /**
   * Writes {@code name} atomically: to a temporary name first, then renamed over any older version; on
   * an object store ({@link #OBJECT_STORES}) with one PUT, which is atomic there.
   */
  public void write(String name, Writer writer) {
    Path target = new Path(root, name);
    if (OBJECT_STORES.contains(String.valueOf(root.toUri().getScheme()))) {
      try (OutputStream out = fs.create(target, true)) {
        writer.write(out);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
      }
      return;
    }
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      fs.mkdirs(target.getParent());
      try (OutputStream out = fs.create(tmp, false)) {
        writer.write(out);
      }
      if (fs.exists(target) && !fs.delete(target, false)) {
        throw new IOException("cannot replace " + target);
      }
      if (!fs.rename(tmp, target)) {
        throw new IOException("cannot rename " + tmp + " to " + target);
      }
    } catch (IOException e) {
      try {
        fs.delete(tmp, false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new UncheckedIOException("cannot write " + target + ": " + e.getMessage(), e);
    }
  }

  /** Removes a folder inside the run (e.g. exported minibatches); missing folders are fine. */
  public void deleteQuietly(String uri) {
    try {
      Path path = new Path(uri);
      path.getFileSystem(fs.getConf()).delete(path, true);
    } catch (IOException e) {
      System.err.println("warning: could not delete " + uri + ": " + e.getMessage());
    }
  }
}
