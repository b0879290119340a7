package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.DataConfig;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One file per sequence in DataVec's features/ + labels/ layout: pairs read, every kind of bad pair quarantined. */
class SequenceFilesSourceTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();

  private DataConfig config(Path root, String... overrides) throws IOException {
    Path job = dir.resolve("job.conf");
    Files.writeString(job, "data { format = sequence-files, train = \"" + root + "\", numClasses = 2, "
        + "normalization = none, validationFraction = 0.2, testFraction = 0.2, maxRejectedFraction = 0.3, "
        + "sequence { maxLength = 6 } }\n"
        + "model.layers = [{ type = lstm, units = 4 }, { type = lasttimestep }, { type = output }]\n");
    return ConfigLoader.load(job.toFile(), List.of(overrides)).data();
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }

  /**
   * 40 good sequences of 3 to 6 steps, two features (the step plus a hundredth of the sequence's number; the
   * label), one of them gzipped; then one of each defect.
   */
  private Path folder() throws IOException {
    Path root = dir.resolve("seq");
    for (int s = 0; s < 40; s++) {
      StringBuilder steps = new StringBuilder();
      for (int t = 1; t <= 3 + s % 4; t++) {
        steps.append(t + s / 100.0).append(',').append(s % 2).append('\n');
      }
      write(root.resolve("features/" + s + ".csv"), steps.toString());
      write(root.resolve("labels/" + s + ".csv"), (s % 2) + "\n");
    }
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(root.resolve("features/39.csv")))) {
      out.write("1.39,1\n2.39,1\n3.39,1\n".getBytes(StandardCharsets.UTF_8));
    }
    write(root.resolve("features/orphan.csv"), "1,0\n2,0\n");
    write(root.resolve("labels/lonely.csv"), "0\n");
    write(root.resolve("features/gap.csv"), "1,0\n\n3,0\n");
    write(root.resolve("labels/gap.csv"), "0\n");
    write(root.resolve("features/wide.csv"), "1,0\n2,0,7\n");
    write(root.resolve("labels/wide.csv"), "0\n");
    write(root.resolve("features/cell.csv"), "1,0\nx,0\n");
    write(root.resolve("labels/cell.csv"), "0\n");
    write(root.resolve("features/long.csv"), "1,0\n".repeat(7));
    write(root.resolve("labels/long.csv"), "0\n");
    write(root.resolve("features/flip.csv"), "1,0\n2,0\n");
    write(root.resolve("labels/flip.csv"), "0\n1\n");
    write(root.resolve("features/range.csv"), "1,0\n2,0\n");
    write(root.resolve("labels/range.csv"), "5\n");
    return root;
  }

  @Test
  void pairedFiles_becomeSequences_badPairsAreQuarantinedWithTheirReasonAndPlace() throws IOException {
    Path quarantine = dir.resolve("run/rejected");
    Splits data = DataLoader.load(spark, config(folder()), 5, quarantine.toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(40);
    assertThat(data.shape()).isEqualTo(Shape.sequence(6, 2));
    assertThat(data.featureNames()).containsExactly("c0", "c1");
    List<Example> all = new ArrayList<>(data.train().collect());
    all.addAll(data.validation().collect());
    all.addAll(data.test().collect());
    // Every sequence as written: feature 1 is its label at every step, feature 0 rises by one per step.
    assertThat(all).allSatisfy(e -> {
      int length = e.features().length / 2;
      assertThat(length).isBetween(3, 6);
      for (int t = 0; t < length; t++) {
        assertThat(e.features()[2 * t + 1]).isEqualTo((float) e.label());
        assertThat(e.features()[2 * t]).isCloseTo(t + 1, org.assertj.core.data.Offset.offset(0.5f));
      }
    });
    assertThat(all).anySatisfy(e -> assertThat(e.features()).containsExactly(1.39f, 1f, 2.39f, 1f, 3.39f, 1f));
    assertThat(data.rejected()).singleElement().satisfies(r -> {
      assertThat(r.records()).isEqualTo(48);
      assertThat(r.byReason()).containsEntry("no labels file", 1L).containsEntry("no features file", 1L)
          .containsEntry("gap in steps", 1L).containsEntry("wrong column count", 1L)
          .containsEntry("non-numeric cell", 1L).containsEntry("sequence too long", 1L)
          .containsEntry("label changes within sequence", 1L).containsEntry("label out of range", 1L);
    });
    List<JsonNode> lines = QuarantineTest.quarantined(quarantine.resolve("train"));
    assertThat(lines).extracting(l -> l.get("location").asText())
        .anySatisfy(l -> assertThat(l).contains("features/orphan.csv: no file 'orphan.csv' in the labels folder"))
        .anySatisfy(l -> assertThat(l).contains("labels/lonely.csv: no file 'lonely.csv' in the features folder"))
        .anySatisfy(l -> assertThat(l).contains("features/gap.csv line 2: a blank line between steps 1 and 2"))
        .anySatisfy(l -> assertThat(l).contains("features/wide.csv line 2: 3 values; every step has 2"))
        .anySatisfy(l -> assertThat(l).contains("features/cell.csv line 2: value 1 holds 'x'"))
        .anySatisfy(l -> assertThat(l).contains("features/long.csv has 7 steps, more than data.sequence.maxLength = 6"))
        .anySatisfy(l -> assertThat(l).contains("labels/flip.csv line 2: label 1 where the sequence began with 0"))
        .anySatisfy(l -> assertThat(l).contains("labels/range.csv line 1: label 5 is not a class in [0, 2)"));
  }

  @Test
  void perStepLabels_needOneLinePerStep_andSkipLinesDropsAHeader() throws IOException {
    Path root = dir.resolve("steps");
    for (int s = 0; s < 20; s++) {
      write(root.resolve("features/" + s + ".csv"), "a,b\n" + (s + 0.5) + ",1\n" + (s + 0.25) + ",2\n3,3\n");
      write(root.resolve("labels/" + s + ".csv"), "y\n0\n1\n" + (s % 2) + "\n");
    }
    write(root.resolve("features/short.csv"), "a,b\n1,1\n2,2\n");
    write(root.resolve("labels/short.csv"), "y\n0\n");
    Splits data = DataLoader.load(spark, config(root, "data.sequence.labels = step", "data.sequence.skipLines = 1",
        "model.layers = [{ type = lstm, units = 4 }, { type = rnnoutput }]"), 5, dir.resolve("r2").toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(20);
    assertThat(data.train().collect()).allSatisfy(e -> {
      assertThat(e.stepLabels()).hasSize(3).startsWith(0, 1);
      assertThat(e.features()[4]).isEqualTo(3f);
    });
    assertThat(data.rejected().get(0).byReason()).containsEntry("label count", 1L);
  }

  @Test
  void aFileAboveTheSizeLimit_isQuarantinedUnread_andAMissingLayoutIsNamed() throws IOException {
    Path root = folder();
    write(root.resolve("features/big.csv"), "1,0\n".repeat(100));
    write(root.resolve("labels/big.csv"), "0\n");
    Path quarantine = dir.resolve("r3");
    Splits data = DataLoader.load(spark, config(root, "data.limits.maxSequenceFileBytes = 100",
        "data.maxRejectedFraction = 0.5"), 5, quarantine.toString());
    assertThat(data.rejected().get(0).byReason()).containsEntry("sequence file too large", 1L);
    assertThat(QuarantineTest.quarantined(quarantine.resolve("train"))).extracting(l -> l.get("location").asText())
        .anySatisfy(l -> assertThat(l).contains("features/big.csv: larger than data.limits.maxSequenceFileBytes = 100"));

    Path flat = dir.resolve("flat");
    write(flat.resolve("0.csv"), "1,0\n");
    assertThatThrownBy(() -> DataLoader.load(spark, config(flat), 5, null)).isInstanceOf(DataException.class)
        .hasMessageContaining("no folder 'features'").hasMessageContaining("/features/<name>");
  }
}
