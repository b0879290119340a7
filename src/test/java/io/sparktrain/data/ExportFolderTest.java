package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Export folders: named after the run, claimed by a process, and swept once their process is gone. */
class ExportFolderTest {
  @TempDir
  Path dir;

  private final Configuration conf = new Configuration();

  private static String host() throws IOException {
    return InetAddress.getLocalHost().getHostName().toLowerCase(Locale.ROOT);
  }

  /** The pid of a process that has exited. */
  private static long deadPid() throws Exception {
    Process p = new ProcessBuilder("true").start();
    p.waitFor();
    return p.pid();
  }

  @Test
  void forRun_sameRunSameFolder_otherRunOtherFolder() {
    String base = dir.toUri().toString();
    assertThat(ExportFolder.forRun(base, "hdfs://nn/runs/a", conf).uri())
        .isEqualTo(ExportFolder.forRun(base, "hdfs://nn/runs/a", conf).uri())
        .isNotEqualTo(ExportFolder.forRun(base, "hdfs://nn/runs/b", conf).uri())
        .contains("sparktrain-export-");
  }

  @Test
  void create_replacesWhatAnEarlierAttemptLeft_andClaimsTheFolder() throws IOException {
    ExportFolder f = ExportFolder.forRun(dir.toString(), "runs/a", conf);
    Path folder = Path.of(f.uri());
    Files.createDirectories(folder);
    Files.writeString(folder.resolve("batch-000000000000.bin"), "stale");
    f.create();
    assertThat(folder.resolve("batch-000000000000.bin")).doesNotExist();
    assertThat(Files.readString(folder.resolve("_owner")).trim())
        .isEqualTo(ProcessHandle.current().pid() + "@" + host());
  }

  @Test
  void sweep_removesFoldersWhoseProcessIsGone_keepsLiveOnesAndOtherFiles() throws Exception {
    Path dead = Files.createDirectories(dir.resolve("sparktrain-export-dead"));
    Files.writeString(dead.resolve("_owner"), deadPid() + "@" + host() + "\n");
    Path live = Files.createDirectories(dir.resolve("sparktrain-export-live"));
    Files.writeString(live.resolve("_owner"), ProcessHandle.current().pid() + "@" + host() + "\n");
    Path elsewhere = Files.createDirectories(dir.resolve("sparktrain-export-elsewhere"));
    Files.writeString(elsewhere.resolve("_owner"), "1@another-host\n");
    Path stale = Files.createDirectories(dir.resolve("sparktrain-export-stale"));
    Files.writeString(stale.resolve("_owner"), "1@another-host\n");
    assertThat(stale.resolve("_owner").toFile().setLastModified(System.currentTimeMillis()
        - (ExportFolder.STALE_HOURS + 1) * 3_600_000L)).isTrue();
    Path unrelated = Files.createDirectories(dir.resolve("my-data"));
    int removed = ExportFolder.sweep(dir.toString(), conf, w -> { throw new AssertionError(w); });
    assertThat(removed).isEqualTo(2);
    assertThat(dead).doesNotExist();
    assertThat(stale).doesNotExist();
    assertThat(live).exists();
    assertThat(elsewhere).as("another host's, touched recently").exists();
    assertThat(unrelated).exists();
  }
}
