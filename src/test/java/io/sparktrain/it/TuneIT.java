package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.Main;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.testing.Chromium;
import io.sparktrain.tune.TrialRecord;
import io.sparktrain.tune.TrialsCsv;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code sparktrain tune} on local[2] and the committed sample (1,000 training images, 100 per class): 9
 * trials over 2 rungs (1 and 3 epochs), two trials at a time, then best.conf trained by {@code train}.
 */
class TuneIT {
  static final List<String> SAMPLE_1K = List.of("--set", "data.trainPerClass=100", "--set",
      "data.validationFraction=0.2", "--set", "spark.conf.spark.ui.enabled=false");

  @TempDir
  static Path dir;

  static Path search;
  static String console;
  static int exit;
  static List<TrialRecord> trials;

  @BeforeAll
  static void search() throws Exception {
    search = dir.resolve("search");
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    List<String> args = new java.util.ArrayList<>(List.of("tune", "--config", "conf/fashion-mnist-sample.conf",
        "--space", "src/test/resources/tune/it-space.conf", "--output", search.toString(), "--master", "local[2]"));
    args.addAll(SAMPLE_1K);
    exit = Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new));
    console = out + "\n" + err;
    trials = TrialsCsv.read(Files.readString(search.resolve("trials.csv")));
  }

  @Test
  void nineTrialsOverTwoRungs_everyOneFinished_andAshaStoppedMostEarly() {
    assertThat(exit).as(console).isZero();
    assertThat(trials).as(console).hasSize(9);
    assertThat(trials).allMatch(t -> t.status() == TrialRecord.Status.COMPLETED
        || t.status() == TrialRecord.Status.STOPPED);
    assertThat(trials.stream().filter(t -> t.rung() == 1).count()).as("promoted to 3 epochs").isBetween(2L, 6L);
    assertThat(trials).filteredOn(t -> t.rung() == 0).allMatch(t -> t.epochs() == 1)
        .allMatch(t -> t.reason().startsWith("stopped early by ASHA at rung 0"));
    assertThat(trials).filteredOn(t -> t.rung() == 1).allMatch(t -> t.epochs() == 3
        && t.status() == TrialRecord.Status.COMPLETED);
    int epochs = trials.stream().mapToInt(TrialRecord::epochs).sum();
    assertThat(epochs).isLessThan(9 * 3);
    assertThat(console).contains("rungs at [1, 3] epochs", "2 at a time", "best: trial", "test accuracy");
  }

  @Test
  void everyOutputIsWritten_andCurvesCoverEveryEpochTrained() throws Exception {
    for (String f : List.of("trials.csv", "curves.csv", "best.conf", "tune.html", "search-job.conf",
        "search-space.conf")) {
      assertThat(search.resolve(f)).as(f).isRegularFile();
    }
    List<TrialsCsv.Epoch> curves = TrialsCsv.readCurves(Files.readString(search.resolve("curves.csv")));
    assertThat(curves).hasSize(trials.stream().mapToInt(TrialRecord::epochs).sum());
    for (TrialRecord t : trials) {
      assertThat(search.resolve(String.format("trials/trial-%04d-e%03d.zip", t.number(), t.epochs())))
          .as("each trial's checkpoint at its epochs, the older ones removed").isRegularFile();
      try (var files = Files.list(search.resolve("trials"))) {
        assertThat(files.filter(p -> p.getFileName().toString().startsWith(String.format("trial-%04d-", t.number()))))
            .hasSize(1);
      }
      assertThat(t.seed()).isEqualTo(io.sparktrain.tune.Search.trialSeed(42, t.number()));
    }
  }

  @Test
  void bestConf_trainsToTheAccuracyTheSearchReportedForIt() throws Exception {
    TrialRecord best = io.sparktrain.tune.Search.best(trials,
        io.sparktrain.config.TuneConfig.Metric.VALIDATION_ACCURACY).orElseThrow();
    JobConfig job = ConfigLoader.load(search.resolve("best.conf").toFile(), List.of());
    assertThat(job.seed()).isEqualTo(best.seed());
    assertThat(job.data().seed()).as("the search's split").isEqualTo(42);
    assertThat(job.train().workers()).isEqualTo(1);
    assertThat(job.train().epochs()).isEqualTo(3);
    Path run = dir.resolve("best-run");
    TrainRun.Result r = new TrainRun(job, run.toString(), "local[2]", new PrintWriter(new StringWriter(), true))
        .execute();
    JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    double validation = summary.get("epochs").get("finalValidationAccuracy").asDouble();
    assertThat(summary.get("data").get("sizes").get("validation").asInt()).as("the search's validation split")
        .isEqualTo(1200);
    assertThat(validation).as("best.conf's validation accuracy against trial %d's %.4f", best.number(), best.metric())
        .isCloseTo(best.metric(), org.assertj.core.api.Assertions.within(0.05));
    assertThat(r.testAccuracy()).isGreaterThan(0.7);
  }

  @Test
  void tuneHtml_inChromium_showsTheTableTheChartsAndWhatMattered() throws Exception {
    Chromium.Page page = Chromium.render(search.resolve("tune.html"), Files.createDirectories(dir.resolve("browser")));
    assertThat(page.dom()).contains("Best trial", "Which dimensions mattered", "Method:", "Rung survival",
        "Learning curves", "architecture.denseUnits", "stopped early by ASHA");
    assertThat(page.dom().split("<svg", -1).length - 1).as("the curves and one chart per dimension").isEqualTo(1 + 6);
    assertThat(page.log()).doesNotContain("CONSOLE").doesNotContain("Failed to load");
    assertThat(Files.size(page.screenshot())).isGreaterThan(20_000);
    Files.copy(page.screenshot(), Path.of("target", "tune-screenshot.png"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
  }

  @Test
  void anotherSearchIntoTheSameFolderIsRefused_andResumeOfAFinishedSearchRerunsNothing() throws Exception {
    StringWriter err = new StringWriter();
    List<String> args = new java.util.ArrayList<>(List.of("tune", "--config", "conf/fashion-mnist-sample.conf",
        "--space", "src/test/resources/tune/it-space.conf", "--output", search.toString(), "--master", "local[2]"));
    args.addAll(SAMPLE_1K);
    assertThat(Main.run(new PrintWriter(new StringWriter(), true), new PrintWriter(err, true),
        args.toArray(String[]::new))).isEqualTo(2);
    assertThat(err.toString()).contains("already holds a search", "--resume");
    String before = Files.readString(search.resolve("trials.csv"));
    StringWriter out = new StringWriter();
    args.add("--resume");
    assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(err, true), args.toArray(String[]::new)))
        .as(out + "\n" + err).isZero();
    assertThat(out.toString()).contains("9 trials recorded (9 finished, 0 to continue)").doesNotContain("started:");
    assertThat(TrialsCsv.read(Files.readString(search.resolve("trials.csv")))).isEqualTo(TrialsCsv.read(before));
  }

  @Test
  void autoLearningRate_theRangeTestRunsOnceForTheSearch_andEveryTrialStartsFromItsSuggestion() throws Exception {
    Path other = dir.resolve("auto-rate");
    StringWriter out = new StringWriter();
    List<String> args = new java.util.ArrayList<>(List.of("tune", "--config", "conf/fashion-mnist-sample.conf",
        "--space", "src/test/resources/tune/it-space-no-rate.conf", "--output", other.toString(), "--master",
        "local[2]", "--max-epochs", "1", "--set", "train.learningRate=auto", "--set", "lrFind.iterations=60"));
    args.addAll(SAMPLE_1K);
    assertThat(Main.run(new PrintWriter(out, true), new PrintWriter(out, true), args.toArray(String[]::new)))
        .as(out.toString()).isZero();
    assertThat(out.toString()).contains("train.learningRate = auto: suggested learning rate", "every trial starts from it",
        "grid (2 points)");
    double suggestion = new ObjectMapper().readTree(other.resolve("lr-find.json").toFile()).get("suggestion").asDouble();
    assertThat(other.resolve("lr-find.png")).isRegularFile();
    JobConfig best = ConfigLoader.load(other.resolve("best.conf").toFile(), List.of());
    assertThat(best.train().learningRate(best.model().updater())).isEqualTo(suggestion);
    assertThat(TrialsCsv.read(Files.readString(other.resolve("trials.csv")))).hasSize(2);
  }
}
