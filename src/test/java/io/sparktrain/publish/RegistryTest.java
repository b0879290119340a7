package io.sparktrain.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigFactory;
import io.sparktrain.data.DataException;
import io.sparktrain.data.StorageException;
import io.sparktrain.report.Json;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.testing.Summaries;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryTest {
  @TempDir
  Path dir;

  private final Configuration conf = new Configuration();

  private String run(String name, double accuracy) throws IOException {
    Path run = Files.createDirectories(dir.resolve(name));
    Files.writeString(run.resolve("summary.json"), Json.pretty(Summaries.completed("a", accuracy, null)));
    Files.writeString(run.resolve("model.zip"), "model of " + name);
    return run.toString();
  }

  private Registry registry() throws IOException {
    return new Registry(dir.resolve("registry").toString(), "fmnist", conf);
  }

  @Test
  void publish_firstModel_becomesV1AndChampion() throws IOException {
    Registry.Published p = registry().publish(run("a", 0.86), conf, 0.8, 0);
    assertThat(p.version()).isEqualTo("v1");
    assertThat(p.previous()).isNull();
    Path v1 = dir.resolve("registry/fmnist/v1");
    assertThat(Files.readString(v1.resolve("model.zip"))).isEqualTo("model of a");
    assertThat(v1.resolve("summary.json")).isRegularFile();
    assertThat(Files.readString(dir.resolve("registry/fmnist/CHAMPION")).trim()).isEqualTo("v1");
    try (var names = Files.list(dir.resolve("registry/fmnist"))) {
      assertThat(names.map(n -> n.getFileName().toString())).containsExactlyInAnyOrder("v1", "CHAMPION", ".lock");
    }
    try (var entries = Files.list(dir.resolve("registry/fmnist/.lock"))) {
      assertThat(entries).as("the lock is released").isEmpty();
    }
  }

  @Test
  void publish_betterModel_becomesV2() throws IOException {
    registry().publish(run("a", 0.86), conf, 0, 0);
    Registry.Published p = registry().publish(run("b", 0.88), conf, 0, 0);
    assertThat(p.version()).isEqualTo("v2");
    assertThat(p.previous()).isEqualTo("v1");
    assertThat(p.previousAccuracy()).isEqualTo(0.86);
    assertThat(registry().champion()).isEqualTo("v2");
  }

  @Test
  void publish_belowMinimum_refusedAndNothingWritten() throws IOException {
    String a = run("a", 0.70);
    assertThatThrownBy(() -> registry().publish(a, conf, 0.8, 0))
        .isInstanceOf(GateRefusedException.class)
        .hasMessage("quality gate refused " + a + ": test accuracy 0.7000 is below the required 0.8000 (--min-accuracy)");
    assertThat(dir.resolve("registry/fmnist")).doesNotExist();
  }

  @Test
  void publish_worseThanChampion_refusedAndChampionStays() throws IOException {
    registry().publish(run("a", 0.86), conf, 0, 0);
    String b = run("b", 0.84);
    assertThatThrownBy(() -> registry().publish(b, conf, 0, 0.01))
        .isInstanceOf(GateRefusedException.class)
        .hasMessage("quality gate refused " + b + ": test accuracy 0.8400 is below the champion v1's 0.8600 by more"
            + " than 0.0100 (--max-drop)");
    assertThat(registry().champion()).isEqualTo("v1");
    assertThat(dir.resolve("registry/fmnist/v2")).doesNotExist();
  }

  @Test
  void publish_theChampionAgain_changesNothing() throws IOException {
    String a = run("a", 0.86);
    registry().publish(a, conf, 0, 0);
    Registry.Published again = registry().publish(a, conf, 0, 0);
    assertThat(again.kind()).isEqualTo(Registry.Kind.ALREADY_CHAMPION);
    assertThat(again.version()).isEqualTo("v1");
    assertThat(registry().versions()).containsExactly("v1");
  }

  /** A rollback, or a retry after a publisher stopped between its rename and its pointer: no new copy. */
  @Test
  void publish_anOlderVersionAgain_movesThePointerBackWhenTheGatePasses() throws IOException {
    String a = run("a", 0.86);
    registry().publish(a, conf, 0, 0);
    registry().publish(run("b", 0.87), conf, 0, 0);
    assertThatThrownBy(() -> registry().publish(a, conf, 0, 0)).isInstanceOf(GateRefusedException.class);
    assertThat(registry().champion()).isEqualTo("v2");
    Registry.Published back = registry().publish(a, conf, 0, 0.05);
    assertThat(back.kind()).isEqualTo(Registry.Kind.CHAMPION_AGAIN);
    assertThat(back.version()).isEqualTo("v1");
    assertThat(registry().champion()).isEqualTo("v1");
    assertThat(registry().versions()).containsExactlyInAnyOrder("v1", "v2");
  }

  @Test
  void publish_abandonedStagingFolder_removedByTheNameItsTimeIsIn() throws IOException {
    registry().publish(run("a", 0.86), conf, 0, 0);
    Path old = Files.createDirectories(dir.resolve("registry/fmnist/.staging-" + (System.currentTimeMillis() - 7_200_000)
        + "-dead"));
    Path fresh = Files.createDirectories(dir.resolve("registry/fmnist/.staging-" + System.currentTimeMillis() + "-live"));
    registry().publish(run("b", 0.87), conf, 0, 0);
    assertThat(old).doesNotExist();
    assertThat(fresh).as("another publisher's copy in progress").exists();
  }

  @Test
  void publish_lockHeldByAnother_waitsThenFailsNamingTheHolder() throws IOException {
    Path lock = Files.createDirectories(dir.resolve("registry/fmnist/.lock"));
    Files.writeString(lock.resolve("other"), "process 4242 on elsewhere");
    String a = run("a", 0.86);
    Registry registry = new Registry(dir.resolve("registry").toString(), "fmnist", conf,
        ConfigFactory.parseString("registry.lockWait = 1s, registry.lockStale = 1h"), System.err);
    assertThatThrownBy(() -> registry.publish(a, conf, 0, 0))
        .isInstanceOf(StorageException.class)
        .hasMessageContaining("another publisher holds the registry's lock (process 4242 on elsewhere, since ")
        .hasMessageContaining("waited 1 s (registry.lockWait)");
    try (var names = Files.list(dir.resolve("registry/fmnist"))) {
      assertThat(names.map(n -> n.getFileName().toString())).as("no version, no staging left")
          .containsExactly(".lock");
    }
    try (var entries = Files.list(lock)) {
      assertThat(entries.map(n -> n.getFileName().toString())).containsExactly("other");
    }
  }

  @Test
  void publish_staleLock_removedWithAWarning() throws IOException {
    Path lock = Files.createDirectories(dir.resolve("registry/fmnist/.lock"));
    Path stale = Files.writeString(lock.resolve("dead"), "process 4242 on elsewhere");
    Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() - 7_200_000));
    java.io.ByteArrayOutputStream warnings = new java.io.ByteArrayOutputStream();
    Registry registry = new Registry(dir.resolve("registry").toString(), "fmnist", conf,
        ConfigFactory.parseString("registry.lockWait = 1s, registry.lockStale = 1h"),
        new java.io.PrintStream(warnings, true, java.nio.charset.StandardCharsets.UTF_8));
    assertThat(registry.publish(run("a", 0.86), conf, 0, 0).version()).isEqualTo("v1");
    assertThat(warnings.toString(java.nio.charset.StandardCharsets.UTF_8))
        .contains("removed a stale publishing lock (process 4242 on elsewhere, ").contains("older than 3600 s");
    assertThat(lock.resolve("dead")).doesNotExist();
  }

  @Test
  void registry_badLockSetting_namesTheKey() {
    assertThatThrownBy(() -> new Registry(dir.resolve("registry").toString(), "fmnist", conf,
        ConfigFactory.parseString("registry.lockWait = soon, registry.lockStale = 1h"), System.err))
        .isInstanceOf(io.sparktrain.config.ConfigException.class)
        .hasMessageContaining("registry.lockWait");
  }

  @Test
  void publish_withinAllowedDrop_accepted() throws IOException {
    registry().publish(run("a", 0.86), conf, 0, 0);
    assertThat(registry().publish(run("b", 0.855), conf, 0, 0.01).version()).isEqualTo("v2");
  }

  @Test
  void accuracy_withTestTimeAugmentation_isThatOfTheModelAlone() throws IOException {
    Path run = Files.createDirectories(dir.resolve("tta"));
    Files.writeString(run.resolve("summary.json"), Json.pretty(Summaries.completed("a", 0.85,
        new SummaryFile.TestTimeAugmentation("2 views: the image and its mirror image", 0.84, "averaged"))));
    assertThat(Registry.accuracy(run.toString(), conf)).isEqualTo(0.84);
  }

  @Test
  void accuracy_divergedRun_saysItIsNoFinishedRun() throws IOException {
    Path run = Files.createDirectories(dir.resolve("diverged"));
    Files.writeString(run.resolve("summary.json"), Json.pretty(SummaryFile.stopped("job",
        SummaryFile.Status.DIVERGED, "training diverged", "2026-11-27T00:00:00Z", "2026-11-27T00:01:00Z", null)));
    assertThatThrownBy(() -> Registry.accuracy(run.toString(), conf))
        .isInstanceOf(DataException.class)
        .hasMessage(new org.apache.hadoop.fs.Path(run.toString(), "summary.json")
            + ": no test.accuracy; is this a finished sparktrain run?");
  }

  @Test
  void accuracy_summaryWithoutTestAccuracy_namesTheKey() throws IOException {
    Path run = Files.createDirectories(dir.resolve("renamed"));
    Files.writeString(run.resolve("summary.json"), Json.pretty(Summaries.completed("a", 0.85, null))
        .replace("\"accuracy\" :", "\"acc\" :"));
    assertThatThrownBy(() -> Registry.accuracy(run.toString(), conf))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("summary.json: not a sparktrain summary: Missing required creator property 'accuracy'")
        .hasMessageEndingWith("(at test.accuracy)");
  }

  @Test
  void accuracy_notARun_namesTheFile() {
    String missing = dir.resolve("nothing").toString();
    assertThatThrownBy(() -> Registry.accuracy(missing, conf))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("summary.json: no such file; is " + missing + " a finished sparktrain run?");
  }
}
