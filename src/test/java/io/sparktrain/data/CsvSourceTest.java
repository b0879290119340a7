package io.sparktrain.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.config.CsvOptions;
import io.sparktrain.testing.TestSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvSourceTest {
  @TempDir
  Path dir;

  private final SparkSession spark = TestSpark.session();
  private final CsvOptions byName = new CsvOptions(true, ',', "y");
  static final io.sparktrain.config.ParquetOptions NO_PARQUET =
      new io.sparktrain.config.ParquetOptions("label", List.of(), List.of());
  static final io.sparktrain.config.ImageOptions NO_IMAGES = new io.sparktrain.config.ImageOptions(0, 0, true);

  private String csv(String name, String content) throws IOException {
    return Files.writeString(dir.resolve(name), content).toString();
  }

  private List<Parsed> parse(String uri, CsvOptions options, int numClasses) {
    return CsvSource.read(spark, uri, options, numClasses).records().collect();
  }

  @Test
  void read_labelByName_featuresInColumnOrder() throws IOException {
    String uri = csv("ok.csv", "a,y,b\n1.5,1,2\n-3,0,4e1\n");
    CsvSource.CsvData data = CsvSource.read(spark, uri, byName, 2);
    assertThat(data.featureCount()).isEqualTo(2);
    assertThat(data.featureNames()).containsExactly("a", "b");
    List<Parsed> rows = data.records().collect();
    assertThat(rows).allMatch(Parsed::isOk);
    assertThat(rows.get(0).example().features()).containsExactly(1.5f, 2f);
    assertThat(rows.get(0).example().label()).isEqualTo(1);
    assertThat(rows.get(1).example().features()).containsExactly(-3f, 40f);
  }

  @Test
  void read_labelByIndexWithoutHeader_usesThatColumn() throws IOException {
    String uri = csv("noheader.csv", "2,7,8\n1,5,6\n");
    List<Parsed> rows = parse(uri, new CsvOptions(false, ',', "0"), 3);
    assertThat(rows).extracting(p -> p.example().label()).containsExactly(2, 1);
    assertThat(rows.get(0).example().features()).containsExactly(7f, 8f);
  }

  @Test
  void read_lastColumnDefault_andSemicolon() throws IOException {
    String uri = csv("semi.csv", "a;b;label\n1;2;1\n");
    List<Parsed> rows = parse(uri, new CsvOptions(true, ';', "-1"), 2);
    assertThat(rows.get(0).example().label()).isEqualTo(1);
  }

  @Test
  void read_wrongColumnCount_rejectedWithLocation() throws IOException {
    String uri = csv("arity.csv", "a,b,y\n1,2,0\n1,2\n1,2,3,4\n");
    List<Parsed> rows = parse(uri, byName, 5);
    assertThat(rows).hasSize(3);
    assertThat(rows.get(0).isOk()).isTrue();
    assertThat(rows.get(1).reason()).isEqualTo("wrong column count");
    assertThat(rows.get(1).location()).contains("arity.csv").contains("expected 3 fields, found 2: 1,2");
    assertThat(rows.get(2).reason()).isEqualTo("wrong column count");
    assertThat(rows.get(2).location()).contains("expected 3 fields, found 4: 1,2,3,4");
  }

  @Test
  void read_nonNumericCell_rejectedNamingColumn() throws IOException {
    String uri = csv("text.csv", "a,b,y\n1,abc,0\n1,,0\n1,NaN,0\n");
    List<Parsed> rows = parse(uri, byName, 2);
    assertThat(rows).extracting(Parsed::reason)
        .containsExactly("non-numeric cell", "empty cell", "non-finite value");
    assertThat(rows.get(0).location()).contains("column 'b' holds 'abc', not a number: 1,abc,0");
    assertThat(rows.get(1).location()).contains("column 'b' is empty");
  }

  @Test
  void read_labelOutOfRange_rejected() throws IOException {
    String uri = csv("labels.csv", "a,y\n1,2\n1,0.5\n1,-1\n");
    List<Parsed> rows = parse(uri, byName, 2);
    assertThat(rows).extracting(Parsed::reason).containsOnly("label out of range");
    assertThat(rows.get(0).location()).contains("label 2 is not a class in [0, 2)");
  }

  @Test
  void accepted_badRecords_failNamingCommonestReasonAndExample() throws IOException {
    String uri = csv("bad.csv", "a,y\n1,0\nx,1\ny,1\n1\n");
    CsvSource.CsvData data = CsvSource.read(spark, uri, byName, 2);
    assertThatThrownBy(() -> DataLoader.accepted(uri, data.records()))
        .isInstanceOf(DataException.class)
        .hasMessageStartingWith(uri + ": 3 of 4 records are bad (2 non-numeric cell, 1 wrong column count); e.g. ")
        .hasMessageContaining("column 'a' holds 'x'");
  }

  @Test
  void read_emptyFile_clearError() throws IOException {
    String uri = csv("empty.csv", "");
    assertThatThrownBy(() -> CsvSource.read(spark, uri, byName, 2))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": empty file; expected a header line and at least one row of comma-separated values");
  }

  @Test
  void read_headerOnly_clearError() throws IOException {
    String uri = csv("header.csv", "a,y\n");
    assertThatThrownBy(() -> CsvSource.read(spark, uri, byName, 2))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": has a header but no rows");
  }

  @Test
  void read_unknownLabelColumn_listsColumns() throws IOException {
    String uri = csv("cols.csv", "a,b\n1,0\n");
    assertThatThrownBy(() -> CsvSource.read(spark, uri, byName, 2))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": no column named 'y' (data.csv.label); the header has a, b");
  }

  @Test
  void read_labelIndexTooLarge_saysRange() throws IOException {
    String uri = csv("idx.csv", "a,b\n1,0\n");
    assertThatThrownBy(() -> CsvSource.read(spark, uri, new CsvOptions(true, ',', "5"), 2))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": data.csv.label = 5 but the file has 2 columns (0-based indexes 0..1)");
  }

  @Test
  void load_classWithoutExamples_clearError() throws IOException {
    StringBuilder rows = new StringBuilder("a,y\n");
    for (int i = 0; i < 40; i++) {
      rows.append(i).append(',').append(i % 2).append('\n');
    }
    String uri = csv("three.csv", rows.toString());
    io.sparktrain.config.DataConfig config = new io.sparktrain.config.DataConfig("csv", uri, "", "", "", 0.2, 0.2, 3,
        List.of("zero", "one", "two"), "none", 255, 2, 0, 0.0, byName, NO_PARQUET, NO_IMAGES, 1,
        io.sparktrain.config.DataLimits.reference());
    assertThatThrownBy(() -> DataLoader.load(spark, config, 1))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": class 2 (two) has no training examples; check data.numClasses, the labels, or the split"
            + " (data.validationFraction)");
  }

  @Test
  void read_missingFile_namesIt() {
    String uri = dir.resolve("missing.csv").toString();
    assertThatThrownBy(() -> CsvSource.read(spark, uri, byName, 2))
        .isInstanceOf(DataException.class)
        .hasMessage(uri + ": no such file or folder");
  }
}
