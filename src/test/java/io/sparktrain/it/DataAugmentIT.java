package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.DataLoader;
import io.sparktrain.data.Splits;
import io.sparktrain.testing.TestSpark;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Augmentation in a real run, `augment` to Parquet, training from Parquet, and bad Parquet rows quarantined. */
class DataAugmentIT {
  @TempDir
  static Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  static JobConfig sample(String... overrides) {
    List<String> all = new ArrayList<>(List.of(overrides));
    all.add("spark.conf.spark.ui.enabled=false");
    return ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), all);
  }

  @Test
  void augmentedRun_listsThePipeline_writesThePreview_andTrains() throws Exception {
    JobConfig job = sample("data.trainPerClass=40", "train.epochs=2",
        "augment.ops=[{type = flip}, {type = shift, pixels = 2}, {type = erase}, {type = mixup}]",
        "augment.testTime.enabled=true");
    Path run = dir.resolve("augmented");
    StringWriter console = new StringWriter();
    TrainRun.Result r = new TrainRun(job, run.toString(), "local[2]", new PrintWriter(console, true)).execute();
    assertThat(console.toString()).contains("augmentation on the executors every epoch: horizontal flip (p = 0.5); "
        + "random shift/crop with 2 px padding; random erasing (p = 0.5, area 0.02-0.2); mixup (alpha 0.2), per minibatch");
    JsonNode s = JSON.readTree(run.resolve("summary.json").toFile());
    assertThat(s.at("/augmentation/pipeline")).hasSize(4);
    assertThat(s.at("/augmentation/preview").asText()).isEqualTo("augmentation.png");
    assertThat(s.at("/data/sizes/train").asLong()).isEqualTo(400);
    assertThat(run.resolve("augmentation.png")).isRegularFile();
    assertThat(Files.readString(run.resolve("report.html"))).contains("alt=\"training images and their augmented copies\"",
        "<li>mixup (alpha 0.2), per minibatch</li>");
    assertThat(r.testAccuracy()).as("two epochs on 400 images still learn").isGreaterThan(0.4);
    // Test-time augmentation: the headline accuracy averages 10 views; the plain one is kept beside it.
    String views = "10 views: the image and its mirror image, each also shifted 1 px right, left, down and up";
    assertThat(s.at("/test/testTimeAugmentation/views").asText()).isEqualTo(views);
    assertThat(s.at("/test/accuracy").asDouble()).isEqualTo(r.testAccuracy());
    double plain = s.at("/test/testTimeAugmentation/accuracyWithout").asDouble();
    assertThat(plain).isGreaterThan(0.4).isEqualTo(r.model().testTime().withoutViews().accuracy());
    assertThat(s.at("/test/examples").asLong()).isEqualTo(r.model().testTime().withoutViews().getNumRowCounter());
    assertThat(Files.readString(run.resolve("report.html"))).contains("(test-time augmentation, " + views);
  }

  @Test
  void augmentToParquet_thenTrainFromIt() throws Exception {
    JobConfig job = sample("data.trainPerClass=20", "augment.ops=[{type = flip, p = 1.0}, {type = noise, std = 0.1}]");
    Path out = dir.resolve("expanded.parquet");
    StringWriter console = new StringWriter();
    long rows = new io.sparktrain.cli.AugmentRun(job, "local[2]", new PrintWriter(console, true)).execute(2, out.toString());
    assertThat(rows).isEqualTo(3 * 200);
    assertThat(console.toString()).contains("200 training examples x (1 original + 2 augmented copies) = 600 rows");
    SparkSession spark = TestSpark.session();
    Dataset<Row> frame = spark.read().parquet(out.toString());
    assertThat(frame.count()).isEqualTo(600);
    assertThat(frame.columns()).containsExactly("copy", "index", "label", "features");
    List<Row> first = frame.where("index = 0").orderBy("copy").collectAsList();
    assertThat(first).hasSize(3);
    assertThat(first).extracting(row -> row.getInt(2)).containsOnly(first.get(0).getInt(2));
    assertThat(first.get(1).getList(3)).hasSize(784).isNotEqualTo(first.get(0).getList(3));
    assertThat(first.get(2).getList(3)).isNotEqualTo(first.get(1).getList(3));
    try (var left = Files.list(dir)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }

    JobConfig fromParquet = ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), List.of(
        "data.format=parquet", "data.train=" + out, "data.trainLabels=", "data.test=", "data.testLabels=",
        "data.parquet.features=[features]", "data.parquet.imageShape=[28, 28, 1]", "data.normalization=none",
        "train.epochs=1", "spark.conf.spark.ui.enabled=false"));
    Path run = dir.resolve("from-parquet");
    TrainRun.Result r = new TrainRun(fromParquet, run.toString(), "local[2]", new PrintWriter(new StringWriter()))
        .execute();
    JsonNode s = JSON.readTree(run.resolve("summary.json").toFile());
    assertThat(s.at("/data/format").asText()).isEqualTo("parquet");
    assertThat(s.at("/data/shape").asText()).isEqualTo("28x28x1");
    assertThat(r.testExamples()).isGreaterThan(50);
  }

  @Test
  void imageFolders_trainWithTheFolderNamesAsClasses() throws Exception {
    Path root = io.sparktrain.data.ImageFolderTest.imageFolders(dir.resolve("images"), 60);
    JobConfig job = ConfigLoader.load(new File("conf/breast-cancer-csv.conf"), List.of("data.format=images",
        "data.train=" + root, "data.numClasses=3", "data.classNames=[]", "data.normalization=scale",
        "train.epochs=8", "spark.conf.spark.ui.enabled=false"));
    Path run = dir.resolve("images-run");
    TrainRun.Result r = new TrainRun(job, run.toString(), "local[2]", new PrintWriter(new StringWriter()))
        .execute();
    JsonNode s = JSON.readTree(run.resolve("summary.json").toFile());
    assertThat(s.at("/data/format").asText()).isEqualTo("images");
    assertThat(s.at("/data/classNames")).extracting(JsonNode::asText).containsExactly("bag", "coat", "shirt");
    assertThat(s.at("/test/perClass/2/name").asText()).isEqualTo("shirt");
    assertThat(s.at("/data/shape").asText()).isEqualTo("8x8x1");
    assertThat(r.testAccuracy()).as("three easy patterns").isGreaterThan(0.8);
  }

  @Test
  void parquetBadRows_quarantinedPerReason() throws Exception {
    SparkSession spark = TestSpark.session();
    StructType schema = new StructType().add("a", DataTypes.DoubleType, true).add("b", DataTypes.DoubleType, true)
        .add("label", DataTypes.IntegerType, true);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      rows.add(RowFactory.create((double) (i % 7), (double) (i % 3), i % 2));
    }
    rows.add(RowFactory.create(Double.NaN, 1.0, 0));
    rows.add(RowFactory.create(1.0, null, 1));
    rows.add(RowFactory.create(1.0, 2.0, 5));
    Path table = dir.resolve("table.parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
    JobConfig job = ConfigLoader.load(new File("conf/breast-cancer-csv.conf"), List.of("data.format=parquet",
        "data.train=" + table, "data.numClasses=2", "data.maxRejectedFraction=0.02", "data.classNames=[]"));
    Path quarantine = dir.resolve("parquet-run/rejected");
    Splits data = DataLoader.load(spark, job.data(), 1, quarantine.toString());
    assertThat(data.shape().toString()).isEqualTo("2 features");
    assertThat(data.featureNames()).containsExactly("a", "b");
    assertThat(data.rejected()).singleElement().satisfies(r -> {
      assertThat(r.records()).isEqualTo(303);
      assertThat(r.byReason()).containsEntry("non-finite value", 1L).containsEntry("empty cell", 1L)
          .containsEntry("label out of range", 1L);
    });
    List<String> lines = new ArrayList<>();
    try (var parts = Files.list(quarantine.resolve("train"))) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        lines.addAll(Files.readAllLines(p));
      }
    }
    assertThat(lines).hasSize(3).allSatisfy(l -> assertThat(l).contains("table.parquet", "row id"));

    // augment keeps the same promise: the bad rows are counted, named and kept beside its output.
    JobConfig augment = ConfigLoader.load(new File("conf/breast-cancer-csv.conf"), List.of("data.format=parquet",
        "data.train=" + table, "data.numClasses=2", "data.maxRejectedFraction=0.02", "data.classNames=[]",
        "augment.ops=[{type = jitter}]"));
    Path out = dir.resolve("augmented-table.parquet");
    StringWriter console = new StringWriter();
    long written = new io.sparktrain.cli.AugmentRun(augment, "local[2]", new PrintWriter(console, true))
        .execute(1, out.toString());
    assertThat(console.toString()).contains("augment: 3 of 303 records of " + table)
        .contains("quarantined (").contains("in " + new org.apache.hadoop.fs.Path(out.toString(), "_rejected"));
    List<String> kept = new ArrayList<>();
    try (var parts = Files.list(out.resolve("_rejected/train"))) {
      for (Path p : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        kept.addAll(Files.readAllLines(p));
      }
    }
    assertThat(kept).hasSize(3);
    assertThat(written).isEqualTo(2 * spark.read().parquet(out.toString()).where("copy = 0").count());
  }
}
