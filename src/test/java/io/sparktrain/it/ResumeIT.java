package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.sparktrain.cli.Main;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigException;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.report.schema.MetricsLine;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.Interruption;
import io.sparktrain.train.TrainingEvents;
import io.sparktrain.train.TrainingState;
import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Exact resume on local[2]: a run stopped after a round in the middle of an epoch and resumed ends with
 * the same parameters as the same run uninterrupted, with the guard, a cosine schedule, early stopping,
 * dropout and augmentation (per example and mixup) on; and the resumed metrics.jsonl tells the same
 * story. Also: what a resume refuses, and that a plain train into a started folder changes nothing.
 * The tests run in order: first on the interrupted run, then on its resumption.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ResumeIT {
  /** 1,000 sample images, minibatches of 16, 4 per worker per round: 12 rounds an epoch, 3 epochs. */
  static final List<String> JOB = List.of("spark.conf.spark.ui.enabled=false", "data.trainPerClass=100",
      "train.epochs=3", "train.batchSizePerWorker=16", "train.averagingFrequency=4", "train.schedule.type=cosine",
      "train.schedule.warmupEpochs=0.5", "train.earlyStopping.enabled=true", "train.earlyStopping.patience=2",
      "train.earlyStopping.metric=validationAccuracy", "checkpoint.everyRounds=4",
      "augment.ops=[{type = flip}, {type = shift, pixels = 2}, {type = mixup, alpha = 0.2}]");
  static final TrainingState.Position STOP_AFTER = new TrainingState.Position(2, 7);

  @TempDir
  static Path dir;

  static Path straight;
  static Path resumed;
  static String firstAttempt;
  static RuntimeException interruption;
  static TrainRun.Result uninterrupted;
  static TrainRun.Result continued;

  static JobConfig job(String... more) {
    List<String> sets = new ArrayList<>(JOB);
    sets.addAll(List.of(more));
    return ConfigLoader.load(new File("conf/fashion-mnist-sample.conf"), sets);
  }

  @BeforeAll
  static void trainOnceStraightAndOnceInterruptedThenResumed() {
    straight = dir.resolve("straight");
    uninterrupted = new TrainRun(job(), straight.toString(), "local[2]", new PrintWriter(new StringWriter())).execute();

    resumed = dir.resolve("resumed");
    Interruption stop = new Interruption();
    TrainingEvents stopper = new TrainingEvents() {
      @Override
      public void roundJudged(TrainingState state) {
        if (state.position().equals(STOP_AFTER)) {
          stop.request("test");
        }
      }

      @Override
      public void epochDone(io.sparktrain.train.EpochMetrics metrics, int totalEpochs) {}

      @Override
      public void roundDone(io.sparktrain.train.RoundMetrics round) {}
    };
    StringWriter first = new StringWriter();
    try {
      new TrainRun(job(), resumed.toString(), "local[2]", new PrintWriter(first, true)).withInterruption(stop)
          .withListener(stopper).execute();
    } catch (RuntimeException e) {
      interruption = e;
    }
    firstAttempt = first.toString();
  }

  static TrainRun.Result resume() {
    if (continued == null) {
      continued = new TrainRun(job(), resumed.toString(), "local[2]", new PrintWriter(new StringWriter())).resuming()
          .execute();
    }
    return continued;
  }

  @Test
  @Order(1)
  void interrupted_summarySaysWhereItStoodAndTheCheckpointHoldsIt() throws IOException {
    assertThat(interruption).as(firstAttempt).isNotNull().hasMessageContaining("stopped by test at epoch 2, round 7")
        .hasMessageContaining("--resume");
    SummaryFile s = RunJson.summary(Files.readString(resumed.resolve("summary.json")), "summary.json");
    assertThat(s.status()).isEqualTo(SummaryFile.Status.INTERRUPTED);
    assertThat(s.reached()).isEqualTo(new SummaryFile.Reached(2, 7, 1));
    assertThat(s.checkpoint()).isEqualTo("checkpoint-0002-00007.zip");
    assertThat(resumed.resolve("checkpoints").resolve("checkpoint-0002-00007.zip")).isRegularFile();
    assertThat(resumed.resolve("model.zip")).doesNotExist();
  }

  @Test
  @Order(2)
  void plainTrain_intoTheStartedFolder_isRefusedAndChangesNothing() throws IOException {
    assertThat(interruption).isNotNull();
    Map<String, Long> before = listing(resumed);
    StringWriter err = new StringWriter();
    int code = Main.run(new PrintWriter(new StringWriter()), new PrintWriter(err), "train", "--config",
        "conf/fashion-mnist-sample.conf", "--output", resumed.toString(), "--master", "local[2]");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("already holds a run", "--resume " + resumed);
    assertThat(listing(resumed)).isEqualTo(before);
  }

  @Test
  @Order(3)
  void resume_withAChangedLearningKey_isRefusedNamingBothValues() {
    assertThat(interruption).isNotNull();
    JobConfig changed = job("model.l2=0.01", "train.epochs=5");
    assertThatThrownBy(() -> new TrainRun(changed, resumed.toString(), "local[2]", new PrintWriter(new StringWriter()))
        .resuming().execute())
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("model.l2: 0.0001 when the run started, 0.01 now")
        .hasMessageNotContaining("train.epochs:");
  }

  @Test
  @Order(4)
  void resumed_endsWithTheParametersOfTheUninterruptedRun() throws IOException {
    TrainRun.Result r = resume();
    MultiLayerNetwork a = ModelSerializer.restoreMultiLayerNetwork(straight.resolve("model.zip").toFile(), true);
    MultiLayerNetwork b = ModelSerializer.restoreMultiLayerNetwork(resumed.resolve("model.zip").toFile(), true);
    double maxDiff = a.params().sub(b.params()).amaxNumber().doubleValue();
    assertThat(maxDiff).as("largest parameter difference").isLessThanOrEqualTo(1e-6);
    assertThat(a.getUpdater().getStateViewArray().sub(b.getUpdater().getStateViewArray()).amaxNumber().doubleValue())
        .as("largest updater-state difference").isLessThanOrEqualTo(1e-6);
    assertThat(r.testAccuracy()).isEqualTo(uninterrupted.testAccuracy());
  }

  @Test
  @Order(5)
  void resumed_metricsTellTheSameStory_withOneResumeLine() throws IOException {
    resume();
    List<MetricsLine> a = lines(straight);
    List<MetricsLine> b = lines(resumed);
    List<MetricsLine.Resume> resumes = b.stream().filter(MetricsLine.Resume.class::isInstance)
        .map(MetricsLine.Resume.class::cast).toList();
    assertThat(resumes).hasSize(1);
    assertThat(resumes.get(0).epoch()).isEqualTo(2);
    assertThat(resumes.get(0).round()).isEqualTo(7);
    assertThat(resumes.get(0).checkpoint()).isEqualTo("checkpoint-0002-00007.zip");
    assertThat(comparable(b)).isEqualTo(comparable(a));
    SummaryFile s = RunJson.summary(Files.readString(resumed.resolve("summary.json")), "summary.json");
    assertThat(s.status()).isEqualTo(SummaryFile.Status.COMPLETED);
    assertThat(s.reliability().resumes()).hasSize(1);
  }

  @Test
  @Order(6)
  void completedRun_resumedAgain_isLeftAsItIs() throws IOException {
    resume();
    Map<String, Long> before = listing(resumed);
    TrainRun.Result again = new TrainRun(job(), resumed.toString(), "local[2]", new PrintWriter(new StringWriter()))
        .resuming().execute();
    assertThat(again.model()).isNull();
    assertThat(again.testAccuracy()).isEqualTo(continued.testAccuracy());
    assertThatThrownBy(() -> new TrainRun(job(), resumed.toString(), "local[2]", new PrintWriter(new StringWriter()))
        .execute()).isInstanceOf(ConfigException.class).hasMessageContaining("already holds a completed run")
        .hasMessageNotContaining("--resume");
    assertThat(listing(resumed)).isEqualTo(before);
  }

  /** Epoch and round lines without their times: what the run did, in order. */
  static List<String> comparable(List<MetricsLine> lines) {
    List<String> out = new ArrayList<>();
    for (MetricsLine m : lines) {
      if (m instanceof MetricsLine.Round r) {
        out.add("round " + r.epoch() + "/" + r.round() + " " + r.minibatches() + " " + r.examples() + " loss "
            + r.trainLoss() + " lr " + r.learningRate());
      } else if (m instanceof MetricsLine.Epoch e) {
        out.add("epoch " + e.epoch() + " val " + e.validationLoss() + " " + e.validationAccuracy() + " lr "
            + e.learningRate());
      } else if (m instanceof MetricsLine.Recovery r) {
        out.add("recovery " + r.epoch() + "/" + r.round());
      }
    }
    return out;
  }

  static List<MetricsLine> lines(Path run) throws IOException {
    return RunJson.metrics(Files.readString(run.resolve("metrics.jsonl")), "metrics.jsonl");
  }

  static Map<String, Long> listing(Path root) throws IOException {
    Map<String, Long> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.filter(Files::isRegularFile).toList()) {
        out.put(root.relativize(p).toString(), Files.getLastModifiedTime(p).toMillis() * 31 + Files.size(p));
      }
    }
    return out;
  }
}
