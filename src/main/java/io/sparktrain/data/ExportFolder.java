package io.sparktrain.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.function.Consumer;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * The folder a run exports its minibatches to. Its name follows from the run directory, so a resumed
 * run finds (and replaces) what its killed predecessor left; an {@code _owner} file names the process
 * (pid and host) and is rewritten at every checkpoint, so the next run that exports to the same base
 * folder removes leftovers whose process is gone (same host) or that have not been touched for
 * {@link #STALE_HOURS} hours (another host). Removed when training ends, whichever way.
 */
public final class ExportFolder {
  /** Hours after the last heartbeat at which another host's export folder counts as abandoned. */
  public static final int STALE_HOURS = 6;
  static final String PREFIX = "sparktrain-export-";
  static final String OWNER = "_owner";

  private final Path folder;
  private final Configuration conf;

  private ExportFolder(Path folder, Configuration conf) {
    this.folder = folder;
    this.conf = conf;
  }

  /** The export folder of the run in {@code runUri}, under {@code base}. */
  public static ExportFolder forRun(String base, String runUri, Configuration conf) {
    String id = Long.toHexString(StableSplit.mix(runUri.hashCode() * 0x9E3779B97F4A7C15L + runUri.length()));
    return new ExportFolder(new Path(base, PREFIX + id), conf);
  }

  /** An export folder at exactly this place (under the run directory). */
  public static ExportFolder at(String uri, Configuration conf) {
    return new ExportFolder(new Path(uri), conf);
  }

  public String uri() {
    return folder.toString();
  }

  /** Removes what an earlier attempt left here, creates the folder and claims it. */
  public ExportFolder create() {
    try {
      FileSystem fs = folder.getFileSystem(conf);
      fs.delete(folder, true);
      fs.mkdirs(folder);
      touch();
      return this;
    } catch (IOException e) {
      throw StorageException.writing(folder, e);
    }
  }

  /** Rewrites the owner file: the heartbeat that keeps the next run from taking the folder for abandoned. */
  public void touch() {
    Path owner = new Path(folder, OWNER);
    try (OutputStream out = owner.getFileSystem(conf).create(owner, true)) {
      out.write((ProcessHandle.current().pid() + "@" + host() + "\n").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw StorageException.writing(owner, e);
    }
  }

  /** Deletes the folder; a failure is only reported, the run's result does not depend on it. */
  public void delete(Consumer<String> warnings) {
    try {
      folder.getFileSystem(conf).delete(folder, true);
    } catch (IOException e) {
      warnings.accept(folder + ": could not remove the exported minibatches (" + e.getMessage() + ")");
    }
  }

  /** Removes export folders under {@code base} whose run is gone; returns how many. */
  public static int sweep(String base, Configuration conf, Consumer<String> warnings) {
    Path root = new Path(base);
    int removed = 0;
    try {
      FileSystem fs = root.getFileSystem(conf);
      if (!fs.exists(root)) {
        return 0;
      }
      for (FileStatus f : fs.listStatus(root, p -> p.getName().startsWith(PREFIX))) {
        if (f.isDirectory() && abandoned(fs, f.getPath())) {
          fs.delete(f.getPath(), true);
          removed++;
        }
      }
    } catch (IOException e) {
      warnings.accept(base + ": could not look for abandoned export folders (" + e.getMessage() + ")");
    }
    return removed;
  }

  private static boolean abandoned(FileSystem fs, Path folder) throws IOException {
    Path owner = new Path(folder, OWNER);
    long now = System.currentTimeMillis();
    if (!fs.exists(owner)) {
      return now - fs.getFileStatus(folder).getModificationTime() > STALE_HOURS * 3_600_000L;
    }
    String text;
    try (InputStream in = fs.open(owner)) {
      text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
    }
    int at = text.indexOf('@');
    if (at > 0 && text.substring(at + 1).equals(host())) {
      try {
        long pid = Long.parseLong(text.substring(0, at));
        return ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
      } catch (NumberFormatException e) {
        return true;
      }
    }
    return now - fs.getFileStatus(owner).getModificationTime() > STALE_HOURS * 3_600_000L;
  }

  private static String host() {
    try {
      return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
    } catch (IOException e) {
      return "localhost";
    }
  }
}
