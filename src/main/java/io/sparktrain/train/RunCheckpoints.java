package io.sparktrain.train;

import io.sparktrain.data.StorageException;
import io.sparktrain.publish.RunDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;

/**
 * The run directory's {@code checkpoints/} folder. A checkpoint is written under its own name
 * ({@code checkpoint-<epoch>-<round>.zip}, a {@link CheckpointFile}), then published by replacing the
 * small pointer {@code LATEST}, which lists the newest {@code keep} checkpoints with their SHA-256; the
 * replacement is one atomic step on every file system ({@link RunDirectory#write}). A checkpoint the
 * pointer does not name (a write cut short by a kill or a full disk) is ignored and deleted by the next
 * save; one whose bytes no longer match its SHA-256 is skipped for the one before it.
 */
public final class RunCheckpoints implements CheckpointStore {
  static final String FOLDER = "checkpoints";
  static final String POINTER = FOLDER + "/LATEST";

  /**
   * One published checkpoint, as the pointer lists it.
   *
   * @param metricsLines the lines of metrics.jsonl written when it was taken: a run resumed from it keeps
   *     those and drops the rest (the rounds it does again)
   */
  public record Entry(String file, String sha256, int epoch, int round, long bytes, long metricsLines, String time) {}

  /** A checkpoint read back and verified. */
  public record Checkpoint(Entry entry, TrainingState state) {}

  /** The pointer's content: newest first. */
  public record Pointer(List<Entry> checkpoints) {
    public Pointer {
      checkpoints = List.copyOf(checkpoints);
    }
  }

  private final RunDirectory run;
  private final int keep;
  private final Consumer<String> warnings;
  private final java.util.function.LongSupplier beforeSave;
  private int saved;
  private double saveSeconds;

  /**
   * @param beforeSave runs before each checkpoint is written and returns the lines of metrics.jsonl (the
   *     log is flushed there, so the lines a checkpoint counts are in the file before the checkpoint exists)
   */
  public RunCheckpoints(RunDirectory run, int keep, Consumer<String> warnings,
      java.util.function.LongSupplier beforeSave) {
    this.run = run;
    this.keep = keep;
    this.warnings = warnings;
    this.beforeSave = beforeSave;
  }

  static String fileName(TrainingState.Position p) {
    return String.format(Locale.ROOT, "checkpoint-%04d-%05d.zip", p.epoch(), p.round());
  }

  /** Checkpoints this process saved. */
  public synchronized int saved() {
    return saved;
  }

  /** Seconds this process spent saving checkpoints (writing, syncing, publishing, pruning). */
  public synchronized double saveSeconds() {
    return saveSeconds;
  }

  @Override
  public synchronized void save(TrainingState state, MultiLayerConfiguration conf) {
    long t0 = System.nanoTime();
    long metricsLines = beforeSave.getAsLong();
    String name = fileName(state.position());
    MessageDigest sha = sha256();
    long[] bytes = new long[1];
    run.write(FOLDER + "/" + name, out -> {
      CountingStream counted = new CountingStream(new DigestOutputStream(out, sha));
      CheckpointFile.write(state, conf, counted);
      counted.flush();
      bytes[0] = counted.count;
    });
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry(name, HexFormat.of().formatHex(sha.digest()), state.position().epoch(),
        state.position().round(), bytes[0], metricsLines, java.time.Instant.now().toString()));
    for (Entry e : pointer().checkpoints()) {
      if (entries.size() < keep && !e.file().equals(name)) {
        entries.add(e);
      }
    }
    try {
      byte[] json = CheckpointFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Pointer(entries));
      run.write(POINTER, out -> out.write(json));
    } catch (IOException e) {
      throw StorageException.writing(run.resolve(POINTER), e);
    }
    deleteUnlisted(entries);
    saved++;
    saveSeconds += (System.nanoTime() - t0) / 1e9;
  }

  /** The published checkpoints, newest first; none when there is no pointer yet. */
  public Pointer pointer() {
    if (!run.exists(POINTER)) {
      return new Pointer(List.of());
    }
    try {
      return CheckpointFile.JSON.readValue(run.read(POINTER), Pointer.class);
    } catch (IOException e) {
      throw new StorageException(run.resolve(POINTER) + ": not a checkpoint pointer (" + e.getMessage() + ")", e);
    }
  }

  /** The newest checkpoint that verifies. */
  public Optional<Checkpoint> load() {
    for (Entry e : pointer().checkpoints()) {
      Optional<CheckpointFile.Loaded> loaded = verified(e);
      if (loaded.isPresent()) {
        return Optional.of(new Checkpoint(e, loaded.get().state()));
      }
    }
    return Optional.empty();
  }

  /** Deletes every checkpoint but the newest (a completed run keeps one, to be extended with more epochs). */
  public void keepNewestOnly() {
    List<Entry> all = pointer().checkpoints();
    if (all.size() <= 1) {
      return;
    }
    try {
      byte[] json = CheckpointFile.JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new Pointer(all.subList(0, 1)));
      run.write(POINTER, out -> out.write(json));
    } catch (IOException e) {
      throw StorageException.writing(run.resolve(POINTER), e);
    }
    deleteUnlisted(all.subList(0, 1));
  }

  private Optional<CheckpointFile.Loaded> verified(Entry e) {
    Path path = new Path(run.path(), FOLDER + "/" + e.file());
    java.nio.file.Path local = null;
    try {
      local = Files.createTempFile("sparktrain-checkpoint", ".zip");
      MessageDigest sha = sha256();
      try (InputStream in = new DigestInputStream(run.fileSystem().open(path), sha);
          OutputStream out = Files.newOutputStream(local)) {
        in.transferTo(out);
      }
      String actual = HexFormat.of().formatHex(sha.digest());
      if (!actual.equals(e.sha256())) {
        warnings.accept(path + ": SHA-256 " + actual + " does not match the recorded " + e.sha256()
            + "; using the checkpoint before it");
        return Optional.empty();
      }
      try (InputStream in = Files.newInputStream(local)) {
        return Optional.of(CheckpointFile.read(in));
      }
    } catch (java.io.FileNotFoundException missing) {
      warnings.accept(path + ": listed in " + POINTER + " but missing; using the checkpoint before it");
      return Optional.empty();
    } catch (IOException ex) {
      throw StorageException.reading(path, ex);
    } finally {
      if (local != null) {
        local.toFile().delete();
      }
    }
  }

  /** Removes checkpoint files the pointer does not list: older ones, and partial writes. */
  private void deleteUnlisted(List<Entry> listed) {
    Set<String> keepNames = listed.stream().map(Entry::file).collect(Collectors.toSet());
    Path folder = new Path(run.path(), FOLDER);
    try {
      for (FileStatus f : run.fileSystem().listStatus(folder)) {
        String n = f.getPath().getName();
        if ((n.startsWith("checkpoint-") || n.startsWith(".checkpoint-")) && !keepNames.contains(n)) {
          run.fileSystem().delete(f.getPath(), false);
        }
      }
    } catch (IOException e) {
      warnings.accept(folder + ": could not remove old checkpoints (" + e.getMessage() + ")");
    }
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Counts the bytes written through it. */
  private static final class CountingStream extends java.io.FilterOutputStream {
    long count;

    CountingStream(OutputStream out) {
      super(out);
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }
  }
}
