package io.sparktrain.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.data.StorageException;
import io.sparktrain.publish.RunDirectory;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The checkpoint store on a local run directory: publish, keep, verify, and what a crash leaves. */
class RunCheckpointsTest {
  @TempDir
  Path dir;

  private final List<String> warnings = new ArrayList<>();
  private long metricsLines = 10;

  private RunCheckpoints store(int keep) {
    RunDirectory run = RunDirectory.create(dir.resolve("run").toString(), new Configuration());
    return new RunCheckpoints(run, keep, warnings::add, () -> metricsLines++);
  }

  private static TrainingState at(int epoch, int round) {
    return CheckpointFileTest.withNetwork().withPosition(new TrainingState.Position(epoch, round));
  }

  private List<String> files() throws IOException {
    try (Stream<Path> s = Files.list(dir.resolve("run/checkpoints"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void noPointer_noCheckpoint() {
    assertThat(store(2).load()).isEmpty();
  }

  @Test
  void save_publishesTheNewest_keepsK_andRecordsTheMetricsLines() throws IOException {
    RunCheckpoints c = store(2);
    c.save(at(1, 4), CheckpointFileTest.conf());
    c.save(at(2, 0), CheckpointFileTest.conf());
    c.save(at(2, 4), CheckpointFileTest.conf());
    assertThat(c.pointer().checkpoints()).extracting(RunCheckpoints.Entry::file)
        .containsExactly("checkpoint-0002-00004.zip", "checkpoint-0002-00000.zip");
    assertThat(files()).containsExactly("LATEST", "checkpoint-0002-00000.zip", "checkpoint-0002-00004.zip");
    RunCheckpoints.Checkpoint latest = c.load().orElseThrow();
    assertThat(latest.state().position()).isEqualTo(new TrainingState.Position(2, 4));
    assertThat(latest.entry().metricsLines()).isEqualTo(12);
    assertThat(latest.entry().sha256()).hasSize(64);
  }

  @Test
  void corruptedNewest_fallsBackToTheOneBefore() throws IOException {
    RunCheckpoints c = store(3);
    c.save(at(1, 4), CheckpointFileTest.conf());
    c.save(at(1, 8), CheckpointFileTest.conf());
    try (RandomAccessFile f = new RandomAccessFile(dir.resolve("run/checkpoints/checkpoint-0001-00008.zip").toFile(),
        "rw")) {
      f.seek(f.length() / 2);
      f.write(~f.read());
    }
    assertThat(c.load().orElseThrow().state().position()).isEqualTo(new TrainingState.Position(1, 4));
    assertThat(warnings).singleElement().asString().contains("checkpoint-0001-00008.zip: SHA-256", "does not match");
  }

  @Test
  void partialWrite_isIgnored_andRemovedByTheNextSave() throws IOException {
    RunCheckpoints c = store(2);
    c.save(at(1, 4), CheckpointFileTest.conf());
    // What a kill in the middle of the next write leaves: a temporary file, and a complete one never published.
    Files.write(dir.resolve("run/checkpoints/.checkpoint-0001-00008.zip.tmp-1234"), new byte[] {1, 2, 3});
    Files.write(dir.resolve("run/checkpoints/checkpoint-0001-00012.zip"), new byte[] {4, 5, 6});
    assertThat(c.load().orElseThrow().state().position()).isEqualTo(new TrainingState.Position(1, 4));
    c.save(at(1, 8), CheckpointFileTest.conf());
    assertThat(files()).containsExactly("LATEST", "checkpoint-0001-00004.zip", "checkpoint-0001-00008.zip");
  }

  @Test
  void listedButMissing_fallsBack() throws IOException {
    RunCheckpoints c = store(2);
    c.save(at(1, 4), CheckpointFileTest.conf());
    c.save(at(1, 8), CheckpointFileTest.conf());
    Files.delete(dir.resolve("run/checkpoints/checkpoint-0001-00008.zip"));
    assertThat(c.load().orElseThrow().state().position()).isEqualTo(new TrainingState.Position(1, 4));
    assertThat(warnings).singleElement().asString().contains("missing");
  }

  @Test
  void unwritable_isAStorageFailureNamingTheFile() throws IOException {
    RunCheckpoints c = store(2);
    // A file where the folder should be: the write fails however privileged the test runs.
    Files.write(dir.resolve("run/checkpoints"), new byte[] {1});
    assertThatThrownBy(() -> c.save(at(1, 8), CheckpointFileTest.conf()))
        .isInstanceOf(StorageException.class).hasMessageContaining("checkpoint-0001-00008.zip: cannot write (");
  }

  @Test
  void keepNewestOnly_leavesOne() throws IOException {
    RunCheckpoints c = store(3);
    c.save(at(1, 4), CheckpointFileTest.conf());
    c.save(at(2, 0), CheckpointFileTest.conf());
    c.keepNewestOnly();
    assertThat(files()).containsExactly("LATEST", "checkpoint-0002-00000.zip");
    assertThat(c.pointer().checkpoints()).hasSize(1);
  }
}
