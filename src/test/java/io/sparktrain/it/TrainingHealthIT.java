package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sparktrain.cli.ExitCode;
import io.sparktrain.cli.TrainRun;
import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.lrfind.LrCurve;
import java.io.File;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The demonstrations in conf/diagnostics/, run on a real local Spark: each failure mode is detected
 * and named, the guard recovers, and the healthy twins raise no alarm.
 */
class TrainingHealthIT {
  @TempDir
  static Path dir;

  private static final ObjectMapper JSON = new ObjectMapper();

  record Run(Path dir, String console, TrainRun.Result result, Throwable failure) {
    JsonNode summary() throws Exception {
      return JSON.readTree(dir.resolve("summary.json").toFile());
    }

    List<JsonNode> metrics(String type) throws Exception {
      List<JsonNode> out = new ArrayList<>();
      for (String line : Files.readAllLines(dir.resolve("metrics.jsonl"))) {
        JsonNode n = JSON.readTree(line);
        if (n.get("type").asText().equals(type)) {
          out.add(n);
        }
      }
      return out;
    }
  }

  static JobConfig job(String conf, String... overrides) {
    List<String> all = new ArrayList<>(List.of(overrides));
    all.add("spark.conf.spark.ui.enabled=false");
    return ConfigLoader.load(new File("conf/diagnostics/" + conf + ".conf"), all);
  }

  static Run train(String name, JobConfig job) {
    return train(dir, name, job);
  }

  /** Trains on local[2] into {@code base/name}, catching a failure to look at. */
  static Run train(Path base, String name, JobConfig job) {
    Path out = base.resolve(name);
    StringWriter console = new StringWriter();
    try {
      TrainRun.Result r = new TrainRun(job, out.toString(), "local[2]", new PrintWriter(console, true)).execute();
      return new Run(out, console.toString(), r, null);
    } catch (RuntimeException e) {
      return new Run(out, console.toString(), null, e);
    }
  }

  @Test
  void deepSigmoid_reportsVanishingGradientsInTheEarlyLayers() throws Exception {
    Run run = train("deep-sigmoid", job("deep-sigmoid"));
    assertThat(run.failure()).isNull();
    JsonNode diagnoses = run.summary().get("health").get("diagnoses");
    JsonNode vanishing = null;
    for (JsonNode d : diagnoses) {
      if (d.get("kind").asText().equals("vanishing")) {
        vanishing = d;
      }
    }
    assertThat(vanishing).as(run.console()).isNotNull();
    assertThat(vanishing.get("layers").get(0).asInt()).isEqualTo(1);
    assertThat(vanishing.get("layers").size()).isLessThan(10);
    assertThat(vanishing.get("message").asText()).startsWith("layers 1-")
        .contains("gradients vanish", "sigmoid with 10 hidden layers", "use ReLU with He initialisation");
    assertThat(run.console()).contains("health: layers 1-");
    assertThat(run.metrics("diagnosis")).extracting(n -> n.get("kind").asText()).contains("vanishing");
    assertThat(run.metrics("health")).isNotEmpty().allSatisfy(h -> assertThat(h.get("layers")).hasSize(11));
    assertThat(Files.readString(run.dir().resolve("report.html"))).contains("id=\"chart-gradient-norm\"",
        "<b>vanishing</b>", "gradients vanish");
  }

  @Test
  void deepReluWithBatchNorm_noDiagnosis() throws Exception {
    Run run = train("deep-relu", job("deep-relu"));
    assertThat(run.failure()).isNull();
    assertThat(run.summary().get("health").get("diagnoses")).as(run.console()).isEmpty();
    assertThat(run.result().testAccuracy()).isGreaterThan(0.5);
  }

  @Test
  void lrTooHigh_withoutTheGuard_lossGoesNanReportsExplodingAndExits4() throws Exception {
    Run run = train("lr-too-high-unguarded", job("lr-too-high", "train.guard.enabled=false"));
    assertThat(run.failure()).isNotNull();
    assertThat(ExitCode.of(run.failure())).isEqualTo(ExitCode.DIVERGED);
    assertThat(ExitCode.message(run.failure())).contains("parameters are NaN or Inf", "train.guard.enabled = false");
    JsonNode s = run.summary();
    assertThat(s.get("status").asText()).isEqualTo("diverged");
    JsonNode first = s.get("health").get("diagnoses").get(0);
    assertThat(first.get("kind").asText()).isEqualTo("exploding");
    assertThat(first.get("message").asText()).contains("NaN", "lower the learning rate (now 1.0e+00",
        "clip gradients", "divergence guard is off");
    assertThat(run.metrics("round")).anyMatch(r -> r.get("trainLoss").isNull());
  }

  @Test
  void lrTooHigh_withTheGuard_recoversAndEndsCloseToTheWellTunedRun() throws Exception {
    Run guarded = train("lr-too-high", job("lr-too-high"));
    Run sane = train("lr-sane", job("lr-sane"));
    assertThat(guarded.failure()).isNull();
    assertThat(sane.failure()).isNull();
    JsonNode guard = guarded.summary().get("health").get("guard");
    assertThat(guard.get("recoveries").asInt()).as(guarded.console()).isBetween(2, 5);
    // The first spike is undone at the same rate; the second, right after, also lowers it.
    JsonNode events = guard.get("events");
    assertThat(events.get(0).get("learningRateBefore").asDouble()).isEqualTo(1.0);
    assertThat(events.get(0).get("learningRateAfter").asDouble()).isEqualTo(1.0);
    assertThat(events.get(1).get("learningRateBefore").asDouble()).isEqualTo(1.0);
    assertThat(events.get(1).get("learningRateAfter").asDouble())
        .isEqualTo(0.2, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(guarded.console()).contains("guard: epoch 1, round 1 diverged");
    assertThat(guarded.metrics("recovery")).hasSize(guard.get("recoveries").asInt());
    assertThat(guarded.metrics("round").get(0).get("learningRate").asDouble()).isEqualTo(1.0);
    assertThat(guarded.metrics("epoch").get(0).get("learningRate").asDouble()).isLessThan(1.0);
    assertThat(Files.readString(guarded.dir().resolve("report.html"))).contains("<th>divergence</th>",
        "1 divergence recoveries".replace("1", String.valueOf(guard.get("recoveries").asInt())));
    assertThat(guarded.result().testAccuracy()).isGreaterThan(sane.result().testAccuracy() - 0.05);
    assertThat(sane.summary().get("health").get("diagnoses")).as(sane.console()).isEmpty();
    assertThat(sane.summary().get("health").get("stall").get("events")).as("no stall on the well-tuned run").isEmpty();
    assertThat(sane.summary().get("health").get("guard").get("recoveries").asInt()).isZero();
  }

  @Test
  void plateau_isReportedAsAStall_andTheBoostLeavesIt_whereWithoutThePolicyTheLossStaysHigh() throws Exception {
    Run without = train("plateau-none", job("plateau", "train.stall.action=none"));
    Run boosted = train("plateau", job("plateau"));
    assertThat(without.failure()).isNull();
    assertThat(boosted.failure()).isNull();
    for (Run run : List.of(without, boosted)) {
      JsonNode stall = null;
      for (JsonNode d : run.summary().get("health").get("diagnoses")) {
        if (d.get("kind").asText().equals("stall")) {
          stall = d;
        }
      }
      assertThat(stall).as(run.console()).isNotNull();
      assertThat(stall.get("epoch").asInt()).isEqualTo(1);
      assertThat(stall.get("message").asText()).startsWith("training has stalled on a plateau")
          .contains("of the untrained network's", "neither vanishing nor exploding", "saddle point or a poor start",
              "add batch normalisation", "model.weightInit = xavier", "use Adam instead of plain SGD");
      assertThat(run.console()).contains("health: training has stalled on a plateau");
      assertThat(run.metrics("diagnosis")).extracting(n -> n.get("kind").asText()).containsExactly("stall");
    }
    // Without the policy: reported, nothing changed, the loss still near the untrained 2.30.
    JsonNode quiet = without.summary().get("health").get("stall");
    assertThat(quiet.get("actions").asInt()).isZero();
    assertThat(quiet.get("events").get(0).get("event").asText()).isEqualTo("reported");
    assertThat(without.metrics("round")).allMatch(r -> r.get("learningRate").asDouble() == 0.03);
    double lossWithout = without.summary().get("epochs").get("finalValidationLoss").asDouble();
    assertThat(lossWithout).isGreaterThan(2.0);
    // With it: a boost to 0.3 for 10 rounds, kept because the loss fell, then the old rate again.
    JsonNode stall = boosted.summary().get("health").get("stall");
    assertThat(stall.get("actions").asInt()).isEqualTo(1);
    assertThat(stall.get("events")).extracting(e -> e.get("event").asText()).containsExactly("boost", "kept");
    assertThat(stall.get("events").get(0).get("learningRateAfter").asDouble()).isCloseTo(0.3,
        org.assertj.core.api.Assertions.within(1e-9));
    assertThat(boosted.metrics("stall")).hasSize(2);
    List<JsonNode> rounds = boosted.metrics("round");
    assertThat(rounds.stream().filter(r -> Math.abs(r.get("learningRate").asDouble() - 0.3) < 1e-9)).hasSize(10);
    assertThat(rounds.get(rounds.size() - 1).get("learningRate").asDouble()).isEqualTo(0.03);
    assertThat(boosted.console()).contains("stall: epoch 2", "the boost is kept");
    double lossBoosted = boosted.summary().get("epochs").get("finalValidationLoss").asDouble();
    assertThat(lossBoosted).isLessThan(lossWithout - 0.5);
    assertThat(boosted.result().testAccuracy()).isGreaterThan(without.result().testAccuracy() + 0.1);
    String report = Files.readString(boosted.dir().resolve("report.html"));
    assertThat(report).contains("<b>stall</b>", "id=\"stall\"", "stall policy boost (boosts or restarts: 1)",
        "<td>boost</td><td>stall</td><td>0.03 → 0.3", "the boost is kept");
  }

  @Test
  void plateauAtAFifthOfTheRate_isARateTooSmall_andAStallRestartsTheSgdrCycle() throws Exception {
    // A long first cycle (4 epochs): the rate is still near its peak when the stall is found.
    Run run = train("plateau-slow-sgdr", job("plateau", "model.updater.learningRate=0.006",
        "train.schedule.type=sgdr", "train.schedule.restartEpochs=4", "train.stall.action=restart"));
    assertThat(run.failure()).isNull();
    JsonNode d = run.summary().get("health").get("diagnoses").get(0);
    assertThat(d.get("kind").asText()).as(run.console()).isEqualTo("rate-too-small");
    assertThat(d.get("message").asText()).startsWith("training has stalled: the training loss stayed at")
        .contains("changes the weights by only", "is too small", "restarted the warm-restart cycle at its peak rate");
    JsonNode restart = run.summary().get("health").get("stall").get("events").get(0);
    assertThat(restart.get("event").asText()).isEqualTo("restart");
    assertThat(restart.get("learningRateBefore").asDouble()).isLessThan(0.006);
    assertThat(restart.get("learningRateAfter").asDouble()).isCloseTo(0.006,
        org.assertj.core.api.Assertions.within(1e-9));
    // The round after the restart runs at the cycle's peak (taken at the round's middle), then anneals again.
    List<JsonNode> rounds = run.metrics("round");
    int at = 0;
    while (!(rounds.get(at).get("epoch").asInt() == restart.get("epoch").asInt()
        && rounds.get(at).get("round").asInt() == restart.get("round").asInt() + 1)) {
      at++;
    }
    assertThat(rounds.get(at + 1).get("learningRate").asDouble()).isCloseTo(0.006,
        org.assertj.core.api.Assertions.within(1e-5));
    assertThat(rounds.get(at + 1).get("learningRate").asDouble()).isGreaterThan(
        rounds.get(at).get("learningRate").asDouble());
    assertThat(run.console()).contains("stall: epoch " + restart.get("epoch").asInt() + ", round "
        + restart.get("round").asInt() + ": restart on a rate-too-small");
  }

  @Test
  void maxRecoveriesExceeded_stopsWithExitCode4() throws Exception {
    Run run = train("lr-too-high-no-recoveries", job("lr-too-high", "train.guard.maxRecoveries=0"));
    assertThat(ExitCode.of(run.failure())).isEqualTo(ExitCode.DIVERGED);
    assertThat(ExitCode.message(run.failure())).contains("after 0 recoveries (train.guard.maxRecoveries = 0)");
    assertThat(run.summary().get("status").asText()).isEqualTo("diverged");
  }

  @Test
  void lrFind_writesTheCurveAndSuggestsARateThatTrains() throws Exception {
    JobConfig job = job("lr-sane", "lrFind.iterations=120");
    StringWriter console = new StringWriter();
    Path out = dir.resolve("lr-find");
    LrCurve curve = new io.sparktrain.cli.LrFindRun(job, out.toString(), "local[2]", new PrintWriter(console, true)).execute();
    assertThat(curve.suggestion()).isBetween(1e-4, 1.0);
    assertThat(curve.workers()).isEqualTo(2);
    assertThat(console.toString()).contains("suggested learning rate", curve.rule());
    assertThat(Files.readAllLines(out.resolve("lr-find.csv"))).hasSize(curve.learningRates().length + 1);
    assertThat(out.resolve("lr-find.png")).isRegularFile();
    assertThat(Files.readAllBytes(out.resolve("lr-find.png"))).startsWith(0x89, 'P', 'N', 'G');
    assertThat(JSON.readTree(out.resolve("lr-find.json").toFile()).get("suggestion").asDouble())
        .isEqualTo(curve.suggestion());
  }

  @Test
  void autoLearningRate_cosineSchedule_earlyStopping_recordedInSummary() throws Exception {
    Run run = train("auto", job("lr-sane", "train.learningRate=auto", "lrFind.iterations=120", "train.epochs=4",
        "train.schedule.type=cosine", "train.earlyStopping.enabled=true", "train.earlyStopping.patience=1",
        "train.earlyStopping.minDelta=0.5"));
    assertThat(run.failure()).isNull();
    JsonNode health = run.summary().get("health");
    JsonNode lr = health.get("learningRate");
    assertThat(lr.get("source").asText()).startsWith("lr-find (");
    assertThat(lr.get("lrFind").get("suggestion").asDouble()).isEqualTo(lr.get("initial").asDouble());
    assertThat(run.dir().resolve("lr-find.png")).isRegularFile();
    assertThat(Files.readString(run.dir().resolve("report.html"))).contains("Suggested learning rate",
        "alt=\"loss against learning rate\"", "Stopped by early stopping");
    // minDelta 0.5 on the validation loss: no epoch after the first improves that much.
    assertThat(health.get("stopping").get("stoppedBy").asText()).isEqualTo("early stopping");
    assertThat(health.get("stopping").get("chosenEpoch").asInt()).isEqualTo(1);
    assertThat(health.get("stopping").get("reason").asText()).contains("validationLoss did not improve",
        "kept the parameters of epoch 1");
    List<JsonNode> epochs = run.metrics("epoch");
    assertThat(epochs).hasSize(2);
    assertThat(epochs.get(1).get("learningRate").asDouble()).isLessThan(epochs.get(0).get("learningRate").asDouble());
  }
}
