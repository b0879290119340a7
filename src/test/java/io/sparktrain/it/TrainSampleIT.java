package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.IdxReader;
import io.sparktrain.testing.Chromium;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.evaluation.classification.Evaluation;

/** The default job, end to end on a real local Spark: accuracy, the run directory, and the model outside Spark. */
class TrainSampleIT {
  @TempDir
  static Path dir;

  static TrainRun.Result result;
  static Path run;
  static String console;

  @BeforeAll
  static void trainSampleJob() {
    JobConfig job = ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"),
        List.of("spark.conf.spark.ui.enabled=false"));
    run = dir.resolve("run");
    StringWriter out = new StringWriter();
    result = new TrainRun(job, run.toString(), "local[2]", new PrintWriter(out, true)).execute();
    console = out.toString();
  }

  @Test
  void healthyCnn_noDiagnosisNoRecovery_andHealthSampledEveryRound() throws Exception {
    JsonNode health = new ObjectMapper().readTree(run.resolve("summary.json").toFile()).get("health");
    assertThat(health.get("diagnoses")).as(console).isEmpty();
    assertThat(health.get("guard").get("recoveries").asInt()).isZero();
    assertThat(health.get("stall").get("events")).as("no stall on a healthy run").isEmpty();
    assertThat(health.get("samples").asInt()).isGreaterThan(8 * 10);
    assertThat(health.get("stopping").get("stoppedBy").asText()).isEqualTo("epochs");
    assertThat(health.get("learningRate").get("final").asDouble()).isEqualTo(0.001);
    assertThat(console).doesNotContain("health:", "guard:", "stall:");
    try (var files = Files.list(run.resolve("checkpoints"))) {
      assertThat(files.map(p -> p.getFileName().toString())).as("the newest checkpoint is kept, the others removed")
          .containsExactlyInAnyOrder("LATEST", "checkpoint-0009-00000.zip");
    }
  }

  @Test
  void sampleJob_reachesTestAccuracyOf080() {
    assertThat(result.testExamples()).isEqualTo(1000);
    assertThat(result.testAccuracy()).isGreaterThanOrEqualTo(0.80);
  }

  @Test
  void runDirectory_holdsEveryFile() {
    assertThat(run.resolve("model.zip")).isRegularFile();
    assertThat(run.resolve("metrics.jsonl")).isRegularFile();
    assertThat(run.resolve("summary.json")).isRegularFile();
    assertThat(run.resolve("config.resolved.conf")).isRegularFile();
    assertThat(run.resolve("report.html")).isRegularFile();
    try (var files = Files.list(run)) {
      assertThat(files.map(p -> p.getFileName().toString())).noneMatch(name -> name.contains(".tmp-"));
    } catch (java.io.IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void metrics_oneLinePerEpochAndPerRound() throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<JsonNode> lines = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      lines.add(json.readTree(line));
    }
    List<JsonNode> epochs = lines.stream().filter(l -> l.get("type").asText().equals("epoch")).toList();
    List<JsonNode> rounds = lines.stream().filter(l -> l.get("type").asText().equals("round")).toList();
    assertThat(epochs).hasSize(8);
    for (int i = 0; i < epochs.size(); i++) {
      JsonNode line = epochs.get(i);
      assertThat(line.get("epoch").asInt()).isEqualTo(i + 1);
      assertThat(line.get("trainLoss").asDouble()).isPositive();
      assertThat(line.get("validationLoss").asDouble()).isPositive();
      assertThat(line.get("validationAccuracy").asDouble()).isBetween(0.0, 1.0);
      assertThat(line.get("examplesPerSecond").asDouble()).isPositive();
      assertThat(line.get("seconds").asDouble()).isPositive();
    }
    // 5,400 examples, 2 workers x 32 x 5 per round: about 17 rounds an epoch, each fitting minibatches.
    assertThat(rounds.size()).isBetween(8 * 10, 8 * 30);
    assertThat(rounds).allMatch(r -> r.get("minibatches").asLong() > 0 && r.get("trainLoss").asDouble() > 0);
    long examples = rounds.stream().filter(r -> r.get("epoch").asInt() == 2).mapToLong(r -> r.get("examples").asLong()).sum();
    assertThat(examples).isBetween(5000L, 5500L);
    assertThat(console).contains("epoch 8/8");
  }

  @Test
  void summary_holdsResultDataAndProvenance() throws Exception {
    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    assertThat(s.at("/test/accuracy").asDouble()).isEqualTo(result.testAccuracy());
    assertThat(s.at("/test/perClass")).hasSize(10);
    assertThat(s.at("/test/perClass/1/name").asText()).isEqualTo("Trouser");
    assertThat(s.at("/test/perClass/1/support").asInt()).isEqualTo(100);
    JsonNode counts = s.at("/test/confusionMatrix/counts");
    int total = 0;
    int diagonal = 0;
    for (int i = 0; i < 10; i++) {
      for (int j = 0; j < 10; j++) {
        total += counts.get(i).get(j).asInt();
        diagonal += i == j ? counts.get(i).get(j).asInt() : 0;
      }
    }
    assertThat(total).isEqualTo(1000);
    assertThat(diagonal / 1000.0).isEqualTo(result.testAccuracy());
    assertThat(s.at("/data/sizes/train").asLong() + s.at("/data/sizes/validation").asLong()).isEqualTo(6000);
    assertThat(s.at("/data/sizes/test").asLong()).isEqualTo(1000);
    assertThat(s.at("/seed").asLong()).isEqualTo(42);
    assertThat(s.at("/versions/spark").asText()).startsWith("3.5");
    assertThat(s.at("/versions/dl4j").asText()).isEqualTo("1.0.0-M2.1");
    assertThat(s.at("/timings/totalSeconds").asDouble()).isPositive();
    assertThat(s.at("/gitCommit").asText()).isNotBlank();
  }

  @Test
  void report_rendersInChromium_chartsPresentNoErrorsNoRequests() throws Exception {
    Path html = run.resolve("report.html");
    assertThat(html).isRegularFile();
    assertThat(run.resolve("misclassified.png")).isRegularFile();
    Chromium.Page page = Chromium.render(html, Files.createDirectories(dir.resolve("browser")));
    assertThat(page.dom()).contains("id=\"confusion\"").contains("data:image/png;base64,").contains("Trouser");
    for (String chart : List.of("chart-loss", "chart-accuracy", "chart-lr", "chart-time", "chart-gradient-norm",
        "chart-update-ratio")) {
      int at = page.dom().indexOf("id=\"" + chart + "\"");
      assertThat(at).as(chart).isPositive();
      String svg = page.dom().substring(at, page.dom().indexOf("</svg>", at));
      assertThat(svg).as(chart + " has drawn paths").contains("<svg").contains("<path");
    }
    assertThat(page.log()).as("console errors or blocked requests")
        .doesNotContain("CONSOLE").doesNotContain("Failed to load").doesNotContain("Refused to");
    assertThat(Files.size(page.screenshot())).isGreaterThan(20_000);
    Files.copy(page.screenshot(), Path.of("target", "report-screenshot.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void report_classNameWithMarkup_showsEscapedTextInChromium() throws Exception {
    Path copy = Files.createDirectories(dir.resolve("xss-run"));
    for (String f : List.of("metrics.jsonl", "config.resolved.conf")) {
      Files.copy(run.resolve(f), copy.resolve(f));
    }
    Files.writeString(copy.resolve("summary.json"), Files.readString(run.resolve("summary.json"))
        .replace("\"Trouser\"", "\"<script>alert(1)</script>\""));
    assertThat(io.sparktrain.cli.Main.run("report", copy.toString())).isZero();
    Chromium.Page page = Chromium.render(copy.resolve("report.html"), Files.createDirectories(dir.resolve("xss")));
    assertThat(page.dom()).contains("&lt;script&gt;alert(1)&lt;/script&gt;").doesNotContain("<script>alert(1)");
    assertThat(page.log()).doesNotContain("alert");
  }

  @Test
  void reportCommand_rebuildsTheSamePage() throws Exception {
    String before = Files.readString(run.resolve("report.html"));
    Files.delete(run.resolve("report.html"));
    assertThat(io.sparktrain.cli.Main.run("report", run.toString())).isZero();
    assertThat(Files.readString(run.resolve("report.html"))).isEqualTo(before);
  }

  @Test
  void modelZip_loadsWithPlainDl4j_andGivesTheSameAccuracy() throws Exception {
    MultiLayerNetwork net = ModelSerializer.restoreMultiLayerNetwork(run.resolve("model.zip").toFile(), true);
    IdxReader.IdxImages test = IdxReader.read("sample-data/fashion-mnist/t10k-images-idx3-ubyte.gz",
        "sample-data/fashion-mnist/t10k-labels-idx1-ubyte.gz", 10, new Configuration());
    Evaluation eval = new Evaluation(10);
    List<Example> batch = new ArrayList<>();
    for (int i = 0; i < test.images().size(); i++) {
      float[] x = new float[784];
      byte[] pixels = test.images().get(i);
      for (int p = 0; p < 784; p++) {
        x[p] = (pixels[p] & 0xff) * (float) (1.0 / 255);
      }
      batch.add(new Example(x, test.labels()[i]));
      if (batch.size() == 100 || i == test.images().size() - 1) {
        var ds = Batches.toDataSet(batch, 10);
        eval.eval(ds.getLabels(), net.output(ds.getFeatures(), false));
        batch.clear();
      }
    }
    assertThat(eval.getNumRowCounter()).isEqualTo(1000);
    assertThat(eval.accuracy()).isEqualTo(result.testAccuracy());
  }
}
