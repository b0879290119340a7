package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Example;
import io.sparktrain.data.ImageFolderSource;
import io.sparktrain.data.StableSplit;
import io.sparktrain.serve.SparktrainModel;
import io.sparktrain.testing.TestSpark;
import java.awt.image.BufferedImage;
import java.io.DataInputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import javax.imageio.ImageIO;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A trained model used where the data is: {@code sparktrain predict} and {@code evaluate} on the sample
 * job's test images (IDX and an image folder) and on the CSV job's held-out rows, from a run directory
 * and from the registry, and the Spark ML transformer in a pipeline; each gives the training run's own
 * test accuracy. Broken models and inputs that do not fit exit with 3, naming what is wrong.
 */
class PredictIT {
  @TempDir
  static Path dir;

  static final String IMAGES = "sample-data/fashion-mnist/t10k-images-idx3-ubyte.gz";
  static final String LABELS = "sample-data/fashion-mnist/t10k-labels-idx1-ubyte.gz";
  static final String CSV = "sample-data/breast-cancer/breast_cancer.csv";

  static TrainRun.Result images;
  static TrainRun.Result table;
  static Path heldOut;
  static int heldOutRows;

  @BeforeAll
  static void trainBothJobs() throws IOException {
    images = train("conf/fashion-mnist-sample.conf", "images", "train.epochs=2");
    table = train("conf/breast-cancer-csv.conf", "table", "train.epochs=30");
    heldOut = heldOutRows(dir.resolve("held-out.csv"));
  }

  static TrainRun.Result train(String conf, String name, String epochs) {
    JobConfig job = ConfigLoader.load(new File(conf), List.of("spark.conf.spark.ui.enabled=false", epochs));
    return new TrainRun(job, dir.resolve(name).toString(), "local[2]", new PrintWriter(new StringWriter(), true))
        .execute();
  }

  /**
   * The CSV job's test rows, as the raw lines of the file: those whose identity (label and parsed
   * feature values) the run's seeded split put in the test part.
   */
  static Path heldOutRows(Path file) throws IOException {
    JsonNode summary = new ObjectMapper().readTree(dir.resolve("table").resolve("summary.json").toFile());
    StableSplit split = new StableSplit(summary.get("seed").asLong(), 0.15, 0.2);
    List<String> lines = Files.readAllLines(Path.of(CSV));
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    int labelColumn = Arrays.asList(lines.get(0).split(",")).indexOf("diagnosis");
    for (String line : lines.subList(1, lines.size())) {
      String[] cells = line.split(",");
      float[] features = new float[cells.length - 1];
      for (int c = 0, f = 0; c < cells.length; c++) {
        if (c != labelColumn) {
          features[f++] = (float) Double.parseDouble(cells[c].trim());
        }
      }
      Example e = new Example(features, (int) Double.parseDouble(cells[labelColumn].trim()));
      if (split.of(StableSplit.id(e)) == StableSplit.Part.TEST) {
        out.add(line);
      }
    }
    heldOutRows = out.size() - 1;
    return Files.write(file, out);
  }

  @Test
  void predictIdx_givesTheRunsTestAccuracy_andOneRowPerImage() throws IOException {
    String[] r = run("predict", "--model", images.runDirectory(), "--input", IMAGES, "--labels", LABELS, "--output",
        dir.resolve("idx-out").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains(String.format("accuracy %.4f on the 1,000 labelled", images.testAccuracy()));
    List<Row> rows = spark().read().parquet(dir.resolve("idx-out").toString()).collectAsList();
    assertThat(rows).hasSize(1000);
    Row first = spark().read().parquet(dir.resolve("idx-out").toString()).orderBy("index").first();
    assertThat(first.schema().fieldNames()).containsExactly("index", "label", "predicted", "predictedIndex",
        "probabilities");
    List<Double> p = first.getList(first.fieldIndex("probabilities"));
    assertThat(p).hasSize(10);
    assertThat(p.stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-4));
    try (var files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.contains(".tmp-"));
    }
  }

  @Test
  void predictImageFolder_givesTheRunsTestAccuracy_keyedByPath() throws IOException {
    Path folder = imageFolder(dir.resolve("png"));
    String[] r = run("predict", "--model", images.runDirectory() + "/model.zip", "--input", folder.toString(),
        "--format", "images", "--output", dir.resolve("png-out").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains(String.format("accuracy %.4f on the 1,000 labelled", images.testAccuracy()));
    Row one = spark().read().parquet(dir.resolve("png-out").toString()).where("path like '%/Trouser/%'").first();
    assertThat(one.getString(one.fieldIndex("path"))).endsWith(".png");
    assertThat(one.getInt(one.fieldIndex("label"))).as("Trouser").isEqualTo(1);
  }

  @Test
  void predictCsvHeldOutRows_rawValuesStandardisedByTheModel_giveTheRunsTestAccuracy() throws IOException {
    assertThat(heldOutRows).as("the held-out rows are the run's test set").isEqualTo(table.testExamples());
    String[] r = run("predict", "--model", table.runDirectory(), "--input", heldOut.toString(), "--output",
        dir.resolve("csv-out").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains(String.format("accuracy %.4f on the %d labelled", table.testAccuracy(), heldOutRows));
    JsonNode manifest = manifest(dir.resolve("table").resolve("model.zip"));
    assertThat(manifest.at("/normalization/kind").asText()).isEqualTo("standardize");
    assertThat(manifest.at("/normalization/offset/3").asDouble()).as("mean_area is in the hundreds: the raw rows "
        + "only predict right when the statistics travel").isGreaterThan(100);
  }

  /** predict keeps the quarantine's promise: a bad row is counted, named and kept beside the predictions. */
  @Test
  void predictCsvWithABadRow_scoresTheRest_quarantinesIt() throws IOException {
    List<String> lines = new ArrayList<>(Files.readAllLines(heldOut));
    lines.add(2, "not,a,number" + ",1".repeat(lines.get(0).split(",").length - 3));
    Path input = Files.write(dir.resolve("held-out-bad.csv"), lines);
    Path out = dir.resolve("csv-bad-out");
    String[] r = run("predict", "--model", table.runDirectory(), "--input", input.toString(), "--output",
        out.toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("data: 1 of " + (heldOutRows + 1) + " records of " + input + " rejected (1 ");
    assertThat(spark().read().parquet(out.toString()).count()).isEqualTo(heldOutRows);
    List<String> kept = new ArrayList<>();
    try (var files = Files.walk(out.resolve("_rejected"))) {
      for (Path p : files.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
        kept.addAll(Files.readAllLines(p));
      }
    }
    assertThat(kept).singleElement().asString().contains("held-out-bad.csv");
  }

  @Test
  void predictParquet_heldOutRowsWithAnIdColumn_giveTheRunsTestAccuracy_idsKept() throws IOException {
    Path parquet = dir.resolve("held-out.parquet");
    spark().read().option("header", "true").option("inferSchema", "true").csv(heldOut.toString())
        .withColumn("patient", org.apache.spark.sql.functions.concat(org.apache.spark.sql.functions.lit("p-"),
            org.apache.spark.sql.functions.monotonically_increasing_id()))
        .write().parquet(parquet.toString());
    String[] r = run("predict", "--model", table.runDirectory(), "--input", parquet.toString(), "--format", "parquet",
        "--id", "patient", "--output", dir.resolve("parquet-out").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains(String.format("accuracy %.4f on the %d labelled", table.testAccuracy(), heldOutRows));
    Dataset<Row> out = spark().read().parquet(dir.resolve("parquet-out").toString());
    assertThat(out.columns()).startsWith("patient", "label", "predicted");
    assertThat(out.select("patient").distinct().count()).isEqualTo(heldOutRows);
  }

  @Test
  void registryChampion_predictsLikeItsRun_andTheTransformerInAPipelineToo() throws IOException {
    String registry = dir.resolve("registry").toString();
    String[] published = run("publish", "--run", table.runDirectory(), "--registry", registry, "--name", "cancer");
    assertThat(published[0]).as(published[2]).isEqualTo("0");
    assertThat(Path.of(registry, "cancer", "v1", "model.zip.sha256")).isRegularFile();

    String[] r = run("predict", "--model", "registry://cancer", "--registry", registry, "--input",
        heldOut.toString(), "--output", dir.resolve("registry-out").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    assertThat(r[1]).contains("registry://cancer in " + registry)
        .contains(String.format("accuracy %.4f", table.testAccuracy()));

    SparkSession spark = spark();
    Dataset<Row> df = spark.read().option("header", "true").option("inferSchema", "true").csv(heldOut.toString());
    SparktrainModel model = SparktrainModel.load("registry://cancer@v1", registry).setOutputCol("diagnosisName");
    List<String> features = Arrays.stream(df.columns()).filter(c -> !c.equals("diagnosis")).toList();
    VectorAssembler assembler = new VectorAssembler().setInputCols(features.toArray(String[]::new))
        .setOutputCol("features");
    Dataset<Row> scored = new Pipeline().setStages(new PipelineStage[] {assembler, model}).fit(df).transform(df)
        .withColumn("label", org.apache.spark.sql.functions.col("diagnosis").cast("double"));
    double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
    assertThat(accuracy).isEqualTo(table.testAccuracy());
    assertThat(scored.select("diagnosisName").distinct().count()).isEqualTo(2);
  }

  @Test
  void evaluateConfigOrLabelledInput_writesTheTestSectionAgain_withTheRunsAccuracy() throws IOException {
    Path out = dir.resolve("evaluation");
    String[] r = run("evaluate", "--model", images.runDirectory(), "--config", "conf/fashion-mnist-sample.conf",
        "--output", out.toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    JsonNode evaluation = new ObjectMapper().readTree(out.resolve("evaluation.json").toFile());
    assertThat(evaluation.at("/test/accuracy").asDouble()).isEqualTo(images.testAccuracy());
    assertThat(evaluation.at("/test/examples").asInt()).isEqualTo(1000);
    assertThat(evaluation.at("/modelSha256").asText()).hasSize(64);
    assertThat(out.resolve("evaluation.html")).isRegularFile();
    assertThat(out.resolve("misclassified.png")).isRegularFile();

    Path rows = dir.resolve("evaluation-csv");
    r = run("evaluate", "--model", table.runDirectory(), "--input", heldOut.toString(), "--output", rows.toString(),
        "--master", "local[2]");
    assertThat(r[0]).as(r[2]).isEqualTo("0");
    JsonNode csv = new ObjectMapper().readTree(rows.resolve("evaluation.json").toFile());
    assertThat(csv.at("/test/accuracy").asDouble()).isEqualTo(table.testAccuracy());
    assertThat(csv.at("/test/examples").asInt()).isEqualTo(heldOutRows);
    assertThat(csv.at("/input").asText()).contains(heldOut.toString());
  }

  @Test
  void corruptOrForeignZip_exit3NamingTheFile() throws IOException {
    Path corrupt = dir.resolve("corrupt.zip");
    byte[] real = Files.readAllBytes(dir.resolve("table").resolve("model.zip"));
    Files.write(corrupt, Arrays.copyOf(real, real.length / 2));
    String[] r = run("predict", "--model", corrupt.toString(), "--input", heldOut.toString(), "--output",
        dir.resolve("never-1").toString(), "--master", "local[2]");
    assertThat(r[0]).isEqualTo("3");
    assertThat(r[2]).contains(corrupt.toString());

    Path foreign = dir.resolve("foreign.zip");
    try (ZipOutputStream zip = new ZipOutputStream(Files.newOutputStream(foreign))) {
      zip.putNextEntry(new ZipEntry("readme.txt"));
      zip.write("not a model".getBytes(StandardCharsets.UTF_8));
    }
    r = run("predict", "--model", foreign.toString(), "--input", heldOut.toString(), "--output",
        dir.resolve("never-2").toString(), "--master", "local[2]");
    assertThat(r[0]).isEqualTo("3");
    assertThat(r[2]).contains(foreign.toString(), "not a DL4J model", "readme.txt");
    assertThat(dir.resolve("never-1")).doesNotExist();
    assertThat(dir.resolve("never-2")).doesNotExist();
  }

  @Test
  void inputThatDoesNotFitTheModel_exit3NamingBothShapes() {
    String[] r = run("predict", "--model", table.runDirectory(), "--input", IMAGES, "--format", "idx",
        "--output", dir.resolve("never-3").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("3");
    assertThat(r[2]).contains(IMAGES, "28x28x1", "30 features");
    assertThat(dir.resolve("never-3")).doesNotExist();

    r = run("predict", "--model", images.runDirectory(), "--input", heldOut.toString(), "--format",
        "csv", "--output", dir.resolve("never-4").toString(), "--master", "local[2]");
    assertThat(r[0]).as(r[1] + r[2]).isEqualTo("3");
    assertThat(r[2]).contains(heldOut.toString(), "31 fields", "28x28x1");
    assertThat(dir.resolve("never-4")).doesNotExist();
  }

  private static JsonNode manifest(Path zip) throws IOException {
    try (var in = new java.util.zip.ZipInputStream(Files.newInputStream(zip))) {
      for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
        if (e.getName().equals("sparktrain.json")) {
          return new ObjectMapper().readTree(in.readAllBytes());
        }
      }
    }
    throw new AssertionError(zip + " has no sparktrain.json");
  }

  /** The sample test images as PNG files in one folder per class (ImageFolder layout). */
  private static Path imageFolder(Path root) throws IOException {
    byte[] pixels = gunzip(IMAGES, 16);
    byte[] labels = gunzip(LABELS, 8);
    List<String> classes = List.of("T-shirt/top", "Trouser", "Pullover",
        "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot");
    for (int i = 0; i < labels.length; i++) {
      Path folder = Files.createDirectories(root.resolve(ImageFolderSource.folderName(classes.get(labels[i]))));
      BufferedImage img = new BufferedImage(28, 28, BufferedImage.TYPE_INT_RGB);
      for (int y = 0; y < 28; y++) {
        for (int x = 0; x < 28; x++) {
          int v = pixels[i * 784 + y * 28 + x] & 0xff;
          img.setRGB(x, y, (v << 16) | (v << 8) | v);
        }
      }
      ImageIO.write(img, "png", folder.resolve(String.format("img%04d.png", i)).toFile());
    }
    return root;
  }

  private static byte[] gunzip(String file, int header) throws IOException {
    try (InputStream in = new DataInputStream(new GZIPInputStream(Files.newInputStream(Path.of(file))))) {
      byte[] all = in.readAllBytes();
      return Arrays.copyOfRange(all, header, all.length);
    }
  }

  private static SparkSession spark() {
    return SparkSession.getActiveSession().isDefined() ? SparkSession.active() : TestSpark.session();
  }

  private static String[] run(String... args) {
    return io.sparktrain.testing.Cli.run(args);
  }

}
