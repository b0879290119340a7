package io.sparktrain.publish;

import io.sparktrain.data.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One publisher at a time per model, on any file system whose listing shows every finished write (HDFS,
 * local disks, S3 since 2020, GCS, ABFS); no atomic create-if-absent is needed, which S3A 3.3 lacks.
 *
 * <p>A contender writes an entry of its own (a new name each try) under {@code <model>/.lock/}, then
 * lists the folder, and holds the lock when it sees no other live entry. Of any two contenders the one
 * whose listing began later sees the other's entry, written before its own entry and so before that
 * listing: at most one sees only its own. Contenders that see each other withdraw their entries and try
 * again after a random pause.
 *
 * <p>An entry older than {@code stale}, by the file system's own clock (against the waiter's fresh
 * entry, so the machines' clocks do not matter), was left by a publisher that died holding the lock: it
 * is removed with a warning. A holder checks before each step that its entry is still there
 * ({@link #check()}), so one that was paused longer than {@code stale} stops instead of racing.
 */
final class RegistryLock implements AutoCloseable {
  static final String FOLDER = ".lock";

  private final FileSystem fs;
  private final Path entry;

  private RegistryLock(FileSystem fs, Path entry) {
    this.fs = fs;
    this.entry = entry;
  }

  /**
   * Takes the lock of the model folder {@code model}, waiting at most {@code wait}; a lock held longer
   * ends the wait with a {@link StorageException} naming the holder.
   */
  static RegistryLock acquire(FileSystem fs, Path model, Duration wait, Duration stale, PrintStream warnings)
      throws IOException {
    Path folder = new Path(model, FOLDER);
    String holder = holderDescription();
    long deadline = System.nanoTime() + wait.toNanos();
    for (int attempt = 0; ; attempt++) {
      Path mine = new Path(folder, UUID.randomUUID().toString());
      List<FileStatus> others;
      try {
        others = contenders(fs, folder, mine, holder, stale, model, warnings);
      } catch (IOException | RuntimeException e) {
        // Never leave an entry behind: it would hold everyone off until it is stale.
        try {
          fs.delete(mine, false);
        } catch (IOException suppressed) {
          e.addSuppressed(suppressed);
        }
        throw e;
      }
      if (others.isEmpty()) {
        return new RegistryLock(fs, mine);
      }
      fs.delete(mine, false);
      if (System.nanoTime() > deadline) {
        FileStatus first = others.get(0);
        throw new StorageException(model + ": another publisher holds the registry's lock (" + read(fs, first.getPath())
            + ", since " + Instant.ofEpochMilli(first.getModificationTime()) + "); waited " + wait.toSeconds()
            + " s (registry.lockWait). A lock older than registry.lockStale (" + stale.toSeconds()
            + " s) is removed as stale", null);
      }
      pause(attempt);
    }
  }

  /** Writes this contender's entry, then lists the others that are not stale (removing stale ones). */
  private static List<FileStatus> contenders(FileSystem fs, Path folder, Path mine, String holder, Duration stale,
      Path model, PrintStream warnings) throws IOException {
    try (OutputStream out = fs.create(mine, false)) {
      out.write(holder.getBytes(StandardCharsets.UTF_8));
    }
    long myTime = fs.getFileStatus(mine).getModificationTime();
    List<FileStatus> others = new ArrayList<>();
    for (FileStatus s : fs.listStatus(folder)) {
      if (s.getPath().getName().equals(mine.getName())) {
        continue;
      }
      if (myTime - s.getModificationTime() > stale.toMillis()) {
        String what = read(fs, s.getPath());
        if (fs.delete(s.getPath(), false)) {
          warnings.println("warning: " + model + ": removed a stale publishing lock (" + what + ", "
              + Instant.ofEpochMilli(s.getModificationTime()) + ", older than " + stale.toSeconds()
              + " s): its publisher stopped without releasing it");
        }
        continue;
      }
      others.add(s);
    }
    return others;
  }

  /** Fails when the entry is gone: another publisher took this one's lock as stale. */
  void check() throws IOException {
    if (!fs.exists(entry)) {
      throw new StorageException(entry.getParent().getParent() + ": this publisher's lock was removed as stale by"
          + " another publisher (registry.lockStale); nothing more is changed by this one", null);
    }
  }

  /** Releases the lock; a failure to delete the entry is a warning (it goes stale), not the publish's failure. */
  @Override
  public void close() {
    try {
      fs.delete(entry, false);
    } catch (IOException | RuntimeException e) {
      System.err.println("warning: could not release the registry's lock " + entry + " (" + e.getMessage()
          + "); other publishers take it once it is older than registry.lockStale");
    }
  }

  private static void pause(int attempt) {
    long ceiling = Math.min(1000, 50L << Math.min(attempt, 4));
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(10, ceiling));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StorageException("interrupted while waiting for the registry's lock", e);
    }
  }

  private static String holderDescription() {
    String host;
    try {
      host = java.net.InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      host = "unknown host";
    }
    return "process " + ProcessHandle.current().pid() + " on " + host;
  }

  private static String read(FileSystem fs, Path p) {
    try (InputStream in = fs.open(p)) {
      return new String(in.readNBytes(200), StandardCharsets.UTF_8).trim();
    } catch (IOException e) {
      return "a publisher that has just released it";
    }
  }
}
