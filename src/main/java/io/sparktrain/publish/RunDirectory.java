package io.sparktrain.publish;

import io.sparktrain.config.ConfigException;
import io.sparktrain.data.StorageException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FSError;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Options;
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

  /** Files and folders whose presence means a run has started in a folder. */
  public static final java.util.List<String> RUN_FILES = java.util.List.of("summary.json", "model.zip",
      "config.resolved.conf", "metrics.jsonl", "checkpoints");

  /**
   * Creates the folder; refuses one that already holds a run, finished or not, and changes nothing in
   * it: a crashed run's checkpoints are continued with {@code train --resume}, never overwritten.
   */
  public static RunDirectory create(String uri, Configuration conf) {
    try {
      RunDirectory dir = at(uri, conf);
      FileSystem fs = dir.fs;
      Path qualified = dir.root;
      if (fs.exists(qualified) && !fs.getFileStatus(qualified).isDirectory()) {
        throw new ConfigException("--output", uri + " is a file; expected a folder for the run");
      }
      String found = dir.runFile();
      if (found != null) {
        throw new ConfigException("--output", uri + " already holds a run (" + found + "); continue it with "
            + "`sparktrain train --resume " + uri + " --config JOB`, or choose a new folder so nothing is overwritten");
      }
      if (!fs.mkdirs(qualified)) {
        throw new ConfigException("--output", "cannot create the folder " + uri);
      }
      return dir;
    } catch (IOException e) {
      throw new ConfigException("--output", "cannot create the run folder " + uri + ": " + e.getMessage(), e);
    }
  }

  /** The first of {@link #RUN_FILES} present in the folder, or null when it holds no run. */
  public String runFile() throws IOException {
    for (String name : RUN_FILES) {
      if (fs.exists(new Path(root, name))) {
        return name;
      }
    }
    return null;
  }

  /**
   * Deletes the temporary files a killed process left in the run directory (written under a temporary
   * name, never renamed into place); returns how many.
   */
  public int removeTemporaries() {
    int removed = 0;
    try {
      for (org.apache.hadoop.fs.FileStatus f : fs.listStatus(root)) {
        if (f.isFile() && f.getPath().getName().startsWith(".") && f.getPath().getName().contains(".tmp-")) {
          fs.delete(f.getPath(), false);
          removed++;
        }
      }
    } catch (IOException e) {
      throw StorageException.reading(root, e);
    }
    return removed;
  }

  /** Whether {@code name} exists in the run directory. */
  public boolean exists(String name) {
    try {
      return fs.exists(new Path(root, name));
    } catch (IOException e) {
      throw StorageException.reading(new Path(root, name), e);
    }
  }

  /** The bytes of {@code name} in the run directory. */
  public byte[] readBytes(String name) {
    Path p = new Path(root, name);
    try (java.io.InputStream in = fs.open(p)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw StorageException.reading(p, e);
    }
  }

  /** The text of {@code name} in the run directory. */
  public String read(String name) {
    Path p = new Path(root, name);
    try (java.io.InputStream in = fs.open(p)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw StorageException.reading(p, e);
    }
  }

  /** A folder, which may or may not exist yet, to inspect before deciding to create or resume a run there. */
  public static RunDirectory of(String uri, Configuration conf) {
    try {
      return at(uri, conf);
    } catch (IOException e) {
      throw new ConfigException("--output", "cannot reach " + uri + ": " + e.getMessage(), e);
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

  static RunDirectory at(String uri, Configuration conf) throws IOException {
    Path path;
    try {
      path = new Path(uri);
    } catch (IllegalArgumentException e) {
      throw new IOException("not a location a Hadoop file system takes (" + e.getMessage()
          + "); a colon in a relative path needs the file: scheme or an absolute path", e);
    }
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
   * Writes {@code name} atomically: to a temporary name first, synced, then renamed over any older
   * version in one step ({@link #replace}); on an object store ({@link #OBJECT_STORES}) with one PUT,
   * which is atomic there. A failure is a {@link StorageException} naming the file; the older version,
   * if any, is left as it was.
   */
  public void write(String name, Writer writer) {
    Path target = new Path(root, name);
    if (objectStore()) {
      try (OutputStream out = fs.create(target, true)) {
        writer.write(out);
      } catch (IOException | RuntimeException | FSError e) {
        throw StorageException.writing(target, e);
      }
      return;
    }
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".tmp-" + UUID.randomUUID());
    try {
      fs.mkdirs(target.getParent());
      try (FSDataOutputStream out = fs.create(tmp, false)) {
        writer.write(out);
        out.hsync();
      }
      replace(tmp, target);
    } catch (IOException | RuntimeException | FSError e) {
      // FSError: Hadoop's local file system throws an Error for a full disk.
      try {
        fs.delete(tmp, false);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw StorageException.writing(target, e);
    }
  }

  /** Whether the run directory is on an object store, where one PUT is the atomic step. */
  public boolean objectStore() {
    return OBJECT_STORES.contains(String.valueOf(root.toUri().getScheme()));
  }

  /**
   * Moves {@code tmp} over {@code target} in one step: HDFS renames with OVERWRITE in the NameNode;
   * a local rename(2) replaces the target atomically. Elsewhere the target is deleted first.
   */
  private void replace(Path tmp, Path target) throws IOException {
    if ("hdfs".equals(root.toUri().getScheme())) {
      FileContext.getFileContext(fs.getUri(), fs.getConf()).rename(tmp, target, Options.Rename.OVERWRITE);
      return;
    }
    if (fs.rename(tmp, target)) {
      return;
    }
    if (fs.exists(target) && !fs.delete(target, false)) {
      throw new IOException("cannot replace " + target);
    }
    if (!fs.rename(tmp, target)) {
      throw new IOException("cannot rename " + tmp + " to " + target);
    }
  }

  /** The file system of the run directory. */
  public FileSystem fileSystem() {
    return fs;
  }

  /** The run directory as a Hadoop path. */
  public Path path() {
    return root;
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
