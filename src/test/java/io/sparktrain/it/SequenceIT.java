package io.sparktrain.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The recurrent demonstrations in conf/diagnostics/ on a real local Spark: a simple RNN on a 100-step
 * recall fails and is told why (vanishing through time), an LSTM learns it and hears nothing; a simple RNN
 * started with large recurrent weights explodes through time, and trains with the default clipping.
 */
class SequenceIT {
  @org.junit.jupiter.api.io.TempDir
  static java.nio.file.Path dir;

  private static TrainingHealthIT.Run train(String name, io.sparktrain.config.JobConfig job) {
    return TrainingHealthIT.train(dir, name, job);
  }

  private static List<String> kinds(TrainingHealthIT.Run run) throws Exception {
    List<String> out = new ArrayList<>();
    run.summary().get("health").get("diagnoses").forEach(d -> out.add(d.get("kind").asText()));
    return out;
  }

  @Test
  void simpleRnn_onA100StepRecall_staysAtChance_andReportsVanishingThroughTime() throws Exception {
    TrainingHealthIT.Run run = train("rnn-vanishing", TrainingHealthIT.job("rnn-vanishing"));
    assertThat(run.failure()).as(run.console()).isNull();
    assertThat(run.result().testAccuracy()).as(run.console()).isLessThan(0.33);
    JsonNode d = null;
    for (JsonNode n : run.summary().get("health").get("diagnoses")) {
      if (n.get("kind").asText().equals("vanishing-through-time")) {
        d = n;
      }
    }
    assertThat(d).as(run.console()).isNotNull();
    assertThat(d.get("layers").get(0).asInt()).isEqualTo(1);
    assertThat(d.get("value").asDouble()).isLessThan(1e-6);
    assertThat(d.get("message").asText()).startsWith("layer 1 (simplernn): gradients vanish through time: the "
        + "gradient at step 1 is ").contains("of that at step 100", "cannot learn dependencies longer than about",
        "Use lstm");
    assertThat(run.console()).contains("health: layer 1 (simplernn): gradients vanish through time");
    List<JsonNode> steps = run.metrics("stepGradient");
    assertThat(steps).isNotEmpty().allSatisfy(s -> {
      assertThat(s.get("layerType").asText()).isEqualTo("simplernn");
      assertThat(s.get("steps")).hasSize(100);
    });
    String report = Files.readString(run.dir().resolve("report.html"));
    assertThat(report).contains("id=\"chart-step-gradient\"", "gradients vanish through time");
  }

  /** The test windows' labels, and whether each window's last week rose (what persistence predicts next). */
  private static List<int[]> co2TestWindows() throws Exception {
    java.util.Map<String, int[]> windows = new java.util.LinkedHashMap<>();
    try (var in = new java.io.BufferedReader(new java.io.InputStreamReader(new java.util.zip.GZIPInputStream(
        Files.newInputStream(java.nio.file.Path.of("sample-data/co2/co2-test.csv.gz")))))) {
      in.readLine();
      for (String line = in.readLine(); line != null; line = in.readLine()) {
        String[] c = line.split(",");
        windows.put(c[0], new int[] {Integer.parseInt(c[4]), Double.parseDouble(c[2]) > 0 ? 1 : 0});
      }
    }
    return new ArrayList<>(windows.values());
  }

  @Test
  void co2Job_realSequences_beatsTheMajorityAndPersistenceBaselines() throws Exception {
    List<int[]> test = co2TestWindows();
    double rises = test.stream().filter(w -> w[0] == 1).count() / (double) test.size();
    double majority = Math.max(rises, 1 - rises);
    double persistence = test.stream().filter(w -> w[0] == w[1]).count() / (double) test.size();
    TrainingHealthIT.Run run = train("co2-direction", io.sparktrain.config.ConfigLoader.load(
        new java.io.File("conf/co2-direction.conf"), List.of("spark.conf.spark.ui.enabled=false")));
    assertThat(run.failure()).as(run.console()).isNull();
    JsonNode s = run.summary();
    assertThat(s.get("data").get("sizes").get("test").asInt()).isEqualTo(test.size());
    assertThat(persistence).isGreaterThan(majority);
    assertThat(run.result().testAccuracy()).as(run.console() + " majority " + majority + " persistence " + persistence)
        .isGreaterThan(persistence + 0.05);
  }

  /**
   * 400 sequences of 12 to 40 steps whose label at each step is whether the sum of the feature over the last 3
   * steps is positive (a second feature is noise), and one sequence with a gap.
   */
  private static java.nio.file.Path perStepCsv(String name) throws Exception {
    java.util.Random r = new java.util.Random(5);
    StringBuilder csv = new StringBuilder("id,t,x,noise,y\n");
    for (int s = 0; s < 400; s++) {
      int length = 12 + r.nextInt(29);
      double[] x = new double[length];
      for (int t = 0; t < length; t++) {
        x[t] = r.nextGaussian();
        double recent = x[t] + (t > 0 ? x[t - 1] : 0) + (t > 1 ? x[t - 2] : 0);
        csv.append("q").append(s).append(',').append(t).append(',').append(String.format(java.util.Locale.ROOT,
            "%.4f,%.4f,%d", x[t], r.nextGaussian(), recent > 0 ? 1 : 0)).append('\n');
      }
    }
    csv.append("gap,0,1,1,1\ngap,2,1,1,1\n");
    return Files.writeString(dir.resolve(name), csv.toString());
  }

  /**
   * Per-step labels, truncated backpropagation through time and early stopping together (an LSTM with
   * early stopping crashed in DL4J 1.0.0-M1): sequences of 12 to 40 steps whose label at each step is
   * whether the sum of the feature over the last 3 steps is positive, with a few bad sequences.
   */
  @Test
  void perStepLabels_withTbpttAndEarlyStopping_train_andBadSequencesAreQuarantined() throws Exception {
    java.nio.file.Path file = perStepCsv("steps.csv");
    java.nio.file.Path job = Files.writeString(dir.resolve("steps.conf"), "name = per-step\n"
        + "data { format = sequence-csv, train = \"" + file + "\", numClasses = 2, normalization = standardize\n"
        + "  sequence { id = id, step = t, label = y, labels = step, maxLength = 40 } }\n"
        + "model { layers = [{ type = lstm, units = 16 }, { type = rnnoutput }], tbpttLength = 10\n"
        + "  updater { type = adam, learningRate = 0.01 } }\n"
        + "train { epochs = 6, earlyStopping { enabled = true, metric = validationLoss, patience = 1, "
        + "minDelta = 0.05 } }\n");
    TrainingHealthIT.Run run = train("per-step", io.sparktrain.config.ConfigLoader.load(job.toFile(),
        List.of("spark.conf.spark.ui.enabled=false")));
    assertThat(run.failure()).as(run.console()).isNull();
    JsonNode s = run.summary();
    assertThat(s.get("data").get("rejected").toString()).contains("gap in steps");
    // Accuracy over every real time step of the test sequences (the masked padding left out).
    assertThat(run.result().testAccuracy()).as(run.console()).isGreaterThan(0.8);
    assertThat(run.console()).contains("epoch 1/6");
  }

  @Test
  void lstm_onTheSameTask_learnsIt_andReportsNothing() throws Exception {
    TrainingHealthIT.Run run = train("rnn-lstm", TrainingHealthIT.job("rnn-lstm"));
    assertThat(run.failure()).as(run.console()).isNull();
    assertThat(run.result().testAccuracy()).as(run.console()).isGreaterThan(0.45);
    assertThat(kinds(run)).as(run.console()).isEmpty();
  }

  @Test
  void largeRecurrentWeights_withoutClipping_explodeThroughTime_andWithTheDefaultClippingTrain() throws Exception {
    TrainingHealthIT.Run unclipped = train("rnn-exploding", TrainingHealthIT.job("rnn-exploding"));
    assertThat(unclipped.failure()).as(unclipped.console()).isNull();
    assertThat(kinds(unclipped)).as(unclipped.console()).contains("exploding-through-time");
    assertThat(unclipped.console()).contains("gradients explode through time", "recurrentGain, now 8.0",
        "clip gradients");
    TrainingHealthIT.Run clipped = train("rnn-exploding-clipped",
        TrainingHealthIT.job("rnn-exploding", "model.gradientNormalization=auto"));
    assertThat(clipped.failure()).as(clipped.console()).isNull();
    assertThat(unclipped.result().testAccuracy()).as(unclipped.console()).isLessThan(0.32);
    assertThat(clipped.result().testAccuracy()).as(clipped.console())
        .isGreaterThan(unclipped.result().testAccuracy() + 0.06);
  }

  /**
   * Sequence augmentation end to end: the per-step task trained with jitter, magnitude scaling, time shift
   * and window slicing (labels move and are cut with their steps) still learns it; the augment command writes
   * augmented sequences as Parquet that reads back as data.format = sequence-parquet.
   */
  @Test
  void augmentedSequences_train_andTheAugmentCommandWritesSequenceParquetThatReadsBack() throws Exception {
    java.nio.file.Path file = perStepCsv("augmented.csv");
    java.nio.file.Path job = Files.writeString(dir.resolve("augmented.conf"), "name = augmented\n"
        + "data { format = sequence-csv, train = \"" + file + "\", numClasses = 2, normalization = standardize\n"
        + "  sequence { id = id, step = t, label = y, labels = step, maxLength = 40 } }\n"
        + "model { layers = [{ type = lstm, units = 16 }, { type = rnnoutput }]\n"
        + "  updater { type = adam, learningRate = 0.01 } }\n"
        + "augment.ops = [{ type = jitter, scale = 0.05 }, { type = scaling, std = 0.1 }, { type = timeshift, steps = 2 },"
        + " { type = window, fraction = 0.8 }]\n"
        + "train { epochs = 4 }\n");
    io.sparktrain.config.JobConfig config = io.sparktrain.config.ConfigLoader.load(job.toFile(),
        List.of("spark.conf.spark.ui.enabled=false"));
    TrainingHealthIT.Run run = train("augmented", config);
    assertThat(run.failure()).as(run.console()).isNull();
    JsonNode pipeline = run.summary().get("augmentation").get("pipeline");
    assertThat(pipeline.toString()).contains("jitter").contains("magnitude scaling").contains("time shift")
        .contains("window slicing");
    assertThat(run.result().testAccuracy()).as(run.console()).isGreaterThan(0.8);

    java.nio.file.Path out = dir.resolve("augmented-out");
    java.io.StringWriter console = new java.io.StringWriter();
    long written = new io.sparktrain.cli.AugmentRun(config, "local[2]", new java.io.PrintWriter(console, true))
        .execute(1, out.toString());
    java.nio.file.Path back = Files.writeString(dir.resolve("back.conf"), "data { format = sequence-parquet, train = \""
        + out + "\", numClasses = 2, normalization = none, sequence { label = label, labels = step } }\n"
        + "model.layers = [{ type = lstm, units = 4 }, { type = rnnoutput }]\n");
    io.sparktrain.config.DataConfig data = io.sparktrain.config.ConfigLoader.load(back.toFile(), List.of()).data();
    io.sparktrain.data.Splits read = io.sparktrain.data.DataLoader.load(
        io.sparktrain.testing.TestSpark.session(), data, 1);
    assertThat(read.trainCount() + read.validationCount() + read.testCount()).isEqualTo(written);
    assertThat(read.rejected()).isEmpty();
    assertThat(read.featureNames()).containsExactly("features[0]", "features[1]");
    // The augmented copies are windows: 0.8 of their original length, so shorter than any original.
    assertThat(console.toString()).contains("window slicing");
  }
}
