package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.DataConfig;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Parquet with array columns, one row per sequence: both layouts read, every kind of bad row quarantined. */
class SequenceParquetSourceTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();

  private DataConfig config(Path table, String... overrides) throws IOException {
    Path job = dir.resolve("job.conf");
    Files.writeString(job, "data { format = sequence-parquet, train = \"" + table + "\", numClasses = 2, "
        + "normalization = none, validationFraction = 0.2, testFraction = 0.2, maxRejectedFraction = 0.3, "
        + "sequence { id = name, label = y, maxLength = 6 } }\n"
        + "model.layers = [{ type = lstm, units = 4 }, { type = lasttimestep }, { type = output }]\n");
    return ConfigLoader.load(job.toFile(), List.of(overrides)).data();
  }

  private static final DataType DOUBLES = DataTypes.createArrayType(DataTypes.DoubleType, true);

  private static List<Double> doubles(Double... v) {
    return Arrays.asList(v);
  }

  /** 40 good rows (a = the steps 1..n plus a hundredth of the row's number, b = the label), one of each defect. */
  private Path columnsTable() {
    StructType schema = new StructType().add("name", DataTypes.StringType).add("a", DOUBLES).add("b", DOUBLES)
        .add("y", DataTypes.IntegerType);
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < 40; s++) {
      List<Double> a = new ArrayList<>();
      List<Double> b = new ArrayList<>();
      for (int t = 1; t <= 3 + s % 4; t++) {
        a.add(t + s / 100.0);
        b.add((double) (s % 2));
      }
      rows.add(RowFactory.create("s" + s, a.toArray(), b.toArray(), s % 2));
    }
    rows.add(RowFactory.create("ragged", doubles(1.0, 2.0, 3.0).toArray(), doubles(0.0, 0.0).toArray(), 0));
    rows.add(RowFactory.create("nan", doubles(1.0, Double.NaN).toArray(), doubles(0.0, 0.0).toArray(), 0));
    rows.add(RowFactory.create("hole", doubles(1.0, null).toArray(), doubles(0.0, 0.0).toArray(), 0));
    rows.add(RowFactory.create("none", null, doubles(0.0).toArray(), 0));
    Double[] seven = {1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0};
    rows.add(RowFactory.create("long", seven, seven, 0));
    rows.add(RowFactory.create("range", doubles(1.0).toArray(), doubles(0.0).toArray(), 7));
    rows.add(RowFactory.create("empty", new Double[0], new Double[0], 0));
    Path table = dir.resolve("columns.parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
    return table;
  }

  @Test
  void anArrayColumnPerFeature_becomesSequences_badRowsAreQuarantinedWithTheirReasonAndPlace() throws IOException {
    Path quarantine = dir.resolve("run/rejected");
    Splits data = DataLoader.load(spark, config(columnsTable()), 5, quarantine.toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(40);
    assertThat(data.shape()).isEqualTo(Shape.sequence(6, 2));
    assertThat(data.featureNames()).containsExactly("a", "b");
    List<Example> all = new ArrayList<>(data.train().collect());
    all.addAll(data.validation().collect());
    all.addAll(data.test().collect());
    assertThat(all).allSatisfy(e -> {
      int length = e.features().length / 2;
      assertThat(length).isBetween(3, 6);
      for (int t = 0; t < length; t++) {
        assertThat(e.features()[2 * t]).isCloseTo(t + 1, org.assertj.core.data.Offset.offset(0.5f));
        assertThat(e.features()[2 * t + 1]).isEqualTo((float) e.label());
      }
    });
    assertThat(data.rejected()).singleElement().satisfies(r -> {
      assertThat(r.records()).isEqualTo(47);
      assertThat(r.byReason()).containsEntry("feature lengths differ", 1L).containsEntry("non-finite value", 1L)
          .containsEntry("empty cell", 2L).containsEntry("label out of range", 1L)
          .containsEntry("empty sequence", 1L).containsEntry("sequence too long", 1L);
    });
    assertThat(QuarantineTest.quarantined(quarantine.resolve("train"))).extracting(l -> l.get("location").asText())
        .anySatisfy(l -> assertThat(l).contains("(name 'ragged'): column 'b' holds 2 steps where 'a' holds 3"))
        .anySatisfy(l -> assertThat(l).contains("(name 'nan'): step 1 of 'a' is NaN"))
        .anySatisfy(l -> assertThat(l).contains("(name 'hole'): step 1 of 'a' is null"))
        .anySatisfy(l -> assertThat(l).contains("(name 'none'): column 'a' is null"))
        .anySatisfy(l -> assertThat(l).contains("(name 'range'): label 7 is not a class in [0, 2)"))
        .anySatisfy(l -> assertThat(l).containsPattern("columns.parquet/part-.*: row id \\d+"));
  }

  @Test
  void arraysOfSteps_withALabelPerStep_andTruncation() throws IOException {
    StructType schema = new StructType().add("x", DataTypes.createArrayType(DOUBLES))
        .add("y", DataTypes.createArrayType(DataTypes.LongType));
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < 30; s++) {
      int length = 4 + s % 5;
      Object[] steps = new Object[length];
      Object[] labels = new Object[length];
      for (int t = 0; t < length; t++) {
        steps[t] = new Double[] {(double) t, s / 10.0, 1.0};
        labels[t] = (long) ((t + s) % 2);
      }
      rows.add(RowFactory.create(steps, labels));
    }
    rows.add(RowFactory.create(new Object[] {new Double[] {1.0, 2.0, 3.0}, new Double[] {1.0, 2.0}},
        new Object[] {0L, 0L}));
    rows.add(RowFactory.create(new Object[] {new Double[] {1.0, 2.0, 3.0}}, new Object[] {0L, 1L}));
    Path table = dir.resolve("nested.parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());

    Splits data = DataLoader.load(spark, config(table, "data.sequence.labels = step", "data.sequence.tooLong = truncate",
        "model.layers = [{ type = lstm, units = 4 }, { type = rnnoutput }]"), 5, dir.resolve("r2").toString());
    assertThat(data.shape()).isEqualTo(Shape.sequence(6, 3));
    assertThat(data.featureNames()).containsExactly("x[0]", "x[1]", "x[2]");
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(30);
    assertThat(data.train().collect()).allSatisfy(e -> {
      int length = e.features().length / 3;
      assertThat(length).isBetween(4, 6);
      assertThat(e.stepLabels()).hasSize(length);
      assertThat(e.features()[3 * (length - 1)]).isEqualTo(length - 1f);
    });
    assertThat(data.rejected().get(0).byReason()).containsEntry("wrong feature count", 1L)
        .containsEntry("label count", 1L);
  }

  @Test
  void aLabelColumnThatDisagreesWithTheLabelsSetting_isNamed() {
    Path table = columnsTable();
    assertThatThrownBy(() -> DataLoader.load(spark, config(table, "data.sequence.labels = step",
        "model.layers = [{ type = lstm, units = 4 }, { type = rnnoutput }]"), 5, null))
        .isInstanceOf(DataException.class)
        .hasMessageContaining("label column 'y' holds one integer per row")
        .hasMessageContaining("set it to sequence");
  }
}
