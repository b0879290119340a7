package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.config.CsvOptions;
import io.sparktrain.config.DataConfig;
import io.sparktrain.testing.Idx;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad records of every kind, each in a file: counted per reason, quarantined with their location, judged. */
class QuarantineTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();

  private static DataConfig csvConfig(String uri, double maxRejected) {
    return new DataConfig("csv", uri, "", "", "", 0.2, 0.2, 2, List.of(), "none", 255, 2, 0, maxRejected,
        new CsvOptions(true, ',', "y"), CsvSourceTest.NO_PARQUET, CsvSourceTest.NO_IMAGES, 1, io.sparktrain.config.DataLimits.reference());
  }

  /** 400 good rows and one of each defect. */
  private String csvWithEveryDefect() throws IOException {
    StringBuilder rows = new StringBuilder("a,b,y\n");
    for (int i = 0; i < 400; i++) {
      rows.append(i % 7).append(',').append(i % 5).append(',').append(i % 2).append('\n');
    }
    rows.append("1,2\n");          // wrong column count
    rows.append("x,2,0\n");        // non-numeric cell
    rows.append("NaN,2,1\n");      // non-finite value
    rows.append("1,Infinity,0\n"); // non-finite value
    rows.append("1,2,7\n");        // label out of range
    return Files.writeString(dir.resolve("defects.csv"), rows.toString()).toString();
  }

  /** The JSON lines of the quarantine's part files in {@code folder}. */
  static List<JsonNode> quarantined(Path folder) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    ObjectMapper json = new ObjectMapper();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        for (String line : Files.readAllLines(part)) {
          out.add(json.readTree(line));
        }
      }
    }
    return out;
  }

  @Test
  void csvDefects_underTheLimit_quarantinedAndCountedPerReason_goodRowsTrain() throws IOException {
    String uri = csvWithEveryDefect();
    Path quarantine = dir.resolve("run/rejected");
    Splits data = DataLoader.load(spark, csvConfig(uri, 0.02), 3, quarantine.toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(400);
    assertThat(data.rejected()).singleElement().satisfies(r -> {
      assertThat(r.source()).isEqualTo(uri);
      assertThat(r.records()).isEqualTo(405);
      assertThat(r.total()).isEqualTo(5);
      assertThat(r.byReason()).containsEntry("non-finite value", 2L).containsEntry("wrong column count", 1L)
          .containsEntry("non-numeric cell", 1L).containsEntry("label out of range", 1L);
      assertThat(r.quarantine()).endsWith("rejected/train");
    });
    List<JsonNode> lines = quarantined(quarantine.resolve("train"));
    assertThat(lines).hasSize(5);
    assertThat(lines).extracting(l -> l.get("reason").asText()).containsExactlyInAnyOrder("wrong column count",
        "non-numeric cell", "non-finite value", "non-finite value", "label out of range");
    assertThat(lines).allSatisfy(l -> assertThat(l.get("location").asText()).contains("defects.csv"));
    try (Stream<Path> left = Files.list(quarantine)) {
      assertThat(left.map(p -> p.getFileName().toString())).containsExactly("train");
    }
  }

  @Test
  void csvDefects_aboveTheLimit_stopNamingTheCommonestReasonAndAnExample() throws IOException {
    String uri = csvWithEveryDefect();
    Path quarantine = dir.resolve("run2/rejected");
    assertThatThrownBy(() -> DataLoader.load(spark, csvConfig(uri, 0.01), 3, quarantine.toString()))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(uri + ": 5 of 405 records are bad (2 non-finite value, ")
        .hasMessageContaining("1.23%, above data.maxRejectedFraction = 0.01; e.g. ")
        .hasMessageContaining("defects.csv")
        .hasMessageEndingWith("; all of them are in " + quarantine.resolve("train"));
    assertThat(quarantined(quarantine.resolve("train"))).hasSize(5);
  }

  @Test
  void idxLabelOutsideTheClasses_quarantinedWithItsRecordNumber() throws IOException {
    int[] labels = new int[200];
    for (int i = 0; i < 200; i++) {
      labels[i] = i % 2;
    }
    labels[17] = 9;
    String images = Files.write(dir.resolve("i"), Idx.images(200, 2, 2)).toString();
    String labelFile = Files.write(dir.resolve("l"), Idx.labels(labels)).toString();
    DataConfig config = new DataConfig("idx", images, labelFile, "", "", 0.2, 0.2, 2, List.of(), "scale", 255, 2, 0,
        0.01, new CsvOptions(true, ',', "-1"), CsvSourceTest.NO_PARQUET, CsvSourceTest.NO_IMAGES, 1, io.sparktrain.config.DataLimits.reference());
    Path quarantine = dir.resolve("run3/rejected");
    Splits data = DataLoader.load(spark, config, 3, quarantine.toString());
    assertThat(data.trainCount() + data.validationCount() + data.testCount()).isEqualTo(199);
    assertThat(data.rejected()).singleElement().satisfies(r ->
        assertThat(r.byReason()).containsExactlyEntriesOf(java.util.Map.of("label out of range", 1L)));
    assertThat(quarantined(quarantine.resolve("train"))).singleElement().satisfies(l ->
        assertThat(l.get("location").asText()).isEqualTo(labelFile + ": record 17: label 9 is not a class in [0, 2)"
            + " (data.numClasses)"));
  }
}
