package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.DataConfig;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Long-form sequence CSV: sequences assembled in file order, every kind of bad sequence quarantined. */
class SequenceCsvSourceTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();

  private DataConfig config(String uri, String... overrides) throws IOException {
    Path job = dir.resolve("job.conf");
    Files.writeString(job, "data { format = sequence-csv, train = \"" + uri + "\", numClasses = 2, "
        + "normalization = standardize, validationFraction = 0.2, testFraction = 0.2, maxRejectedFraction = 0.2, "
        + "sequence { id = sid, step = t, label = y, maxLength = 6 } }\n"
        + "model.layers = [{ type = lstm, units = 4 }, { type = lasttimestep }, { type = output }]\n");
    return ConfigLoader.load(job.toFile(), List.of(overrides)).data();
  }

  /**
   * 60 good sequences of 3 to 6 steps (feature a = the step plus a hundredth of the sequence's number, so that
   * no two are alike; b = the sequence's label), then one of each defect.
   */
  private String file() throws IOException {
    StringBuilder rows = new StringBuilder("sid,t,a,b,y\n");
    for (int s = 0; s < 60; s++) {
      int length = 3 + s % 4;
      for (int t = 1; t <= length; t++) {
        rows.append("s").append(s).append(',').append(t).append(',').append(t + s / 100.0).append(',').append(s % 2)
            .append(',').append(s % 2).append('\n');
      }
    }
    rows.append("gap,1,1,0,0\ngap,2,2,0,0\ngap,4,4,0,0\n");
    rows.append("order,1,1,0,0\norder,3,3,0,0\norder,2,2,0,0\n");
    rows.append("flip,1,1,0,0\nflip,2,2,0,1\n");
    rows.append("long,1,1,0,0\nlong,2,1,0,0\nlong,3,1,0,0\nlong,4,1,0,0\nlong,5,1,0,0\nlong,6,1,0,0\nlong,7,1,0,0\n");
    rows.append("cell,1,1,0,0\ncell,2,x,0,0\n");
    return Files.writeString(dir.resolve("seq.csv"), rows.toString()).toString();
  }

  private static List<JsonNode> quarantined(Path folder) throws IOException {
    return QuarantineTest.quarantined(folder);
  }

  @Test
  void goodSequences_becomeExamples_badOnesAreQuarantinedWithTheirReasonAndPlace() throws IOException {
    String uri = file();
    Path quarantine = dir.resolve("run/rejected");
    Splits data = DataLoader.load(spark, config(uri), 5, quarantine.toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(60);
    assertThat(data.shape()).isEqualTo(Shape.sequence(6, 2));
    assertThat(data.featureNames()).containsExactly("a", "b");
    List<Example> all = new ArrayList<>(data.train().collect());
    all.addAll(data.validation().collect());
    assertThat(all).allSatisfy(e -> assertThat(e.features().length % 2).isZero())
        .extracting(e -> e.features().length / 2).contains(3, 4, 5, 6);
    assertThat(data.rejected()).singleElement().satisfies(r -> {
      assertThat(r.records()).isEqualTo(65);
      assertThat(r.byReason()).containsEntry("gap in steps", 1L).containsEntry("step out of order", 1L)
          .containsEntry("label changes within sequence", 1L).containsEntry("sequence too long", 1L)
          .containsEntry("non-numeric cell", 1L);
    });
    List<JsonNode> lines = quarantined(quarantine.resolve("train"));
    assertThat(lines).extracting(l -> l.get("location").asText()).anySatisfy(l -> assertThat(l)
        .contains("seq.csv: sequence 'gap': step 4 follows step 2 (steps 3..3 missing)"))
        .anySatisfy(l -> assertThat(l).contains("sequence 'order': step 3 follows step 1"))
        .anySatisfy(l -> assertThat(l).contains("sequence 'flip' step 2: label 1 where the sequence began with 0"))
        .anySatisfy(l -> assertThat(l).contains("sequence 'long' has 7 steps, more than data.sequence.maxLength = 6"))
        .anySatisfy(l -> assertThat(l).contains("sequence 'cell' step 2: column 'a' holds 'x'"));
  }

  @Test
  void standardisation_isPerFeatureOverAllTimeSteps() throws IOException {
    Splits data = DataLoader.load(spark, config(file()), 5, dir.resolve("r2").toString());
    FeatureScaler scaler = data.scaler();
    assertThat(scaler.offset()).hasSize(2);
    // Feature a is about the step (1 to 6): its mean over every step of the training sequences, about 3.
    assertThat(scaler.offset()[0]).isBetween(2.5f, 3.6f);
    List<Example> train = data.train().collect();
    double sum = 0;
    long steps = 0;
    for (Example e : train) {
      for (int t = 0; t < e.features().length / 2; t++) {
        sum += e.features()[2 * t];
        steps++;
      }
    }
    assertThat(sum / steps).isCloseTo(0.0, org.assertj.core.data.Offset.offset(1e-4));
  }

  @Test
  void tooLong_truncate_keepsTheFirstMaxLengthSteps() throws IOException {
    Splits data = DataLoader.load(spark, config(file(), "data.sequence.tooLong = truncate"), 5,
        dir.resolve("r3").toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(61);
  }

  @Test
  void perStepLabels_areKeptPerStep() throws IOException {
    Splits data = DataLoader.load(spark, config(file(), "data.sequence.labels = step",
        "model.layers = [{ type = lstm, units = 4 }, { type = rnnoutput }]"), 5,
        dir.resolve("r4").toString());
    assertThat(data.train().collect()).allSatisfy(e -> assertThat(e.stepLabels()).hasSize(e.features().length / 2));
    // Per step, the sequence whose label changes is no longer bad.
    assertThat(data.rejected().get(0).byReason()).doesNotContainKey("label changes within sequence");
  }
}
