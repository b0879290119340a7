package io.sparktrain.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.sparktrain.config.ConfigLoader;
import io.sparktrain.config.JobConfig;
import io.sparktrain.data.FeatureScaler;
import io.sparktrain.data.Rejected;
import io.sparktrain.data.Shape;
import io.sparktrain.data.Splits;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.lrfind.LrCurve;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.Recovery;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.StallEvent;
import io.sparktrain.train.TrainingHealth;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.nd4j.evaluation.classification.Evaluation;

/**
 * The writer side of summary.json: {@link Summary}'s records, as {@link Json#pretty} writes them, parse back
 * into the same records, and for the fixed run of {@link #imageRun} and {@link #divergedRun} they are
 * {@code golden/summary.json} and {@code golden/summary-diverged.json} to the byte. After a deliberate change
 * to what summary.json holds, rewrite those two files with
 * {@code mvn -o -B -Dtest=SummaryTest -Dgolden.update=true test}, review the diff, and update README's "The
 * run directory" with it ({@code SchemaTest} lists every golden file).
 */
class SummaryTest {
  static final Path GOLDEN = Path.of("src/test/resources/golden");
  private static final List<String> CLASSES = List.of("bag", "coat", "shirt");

  @Test
  void build_imageRunWithEveryOptionalPart_isTheGoldenFile() throws IOException {
    SummaryFile summary = Summary.build(imageRun());
    assertThat(RunJson.summary(Json.pretty(summary), "written")).isEqualTo(summary);
    assertGolden("summary.json", Json.pretty(summary));
  }

  @Test
  void diverged_withTheTrainersFindings_isTheGoldenFile() throws IOException {
    SummaryFile summary = divergedRun();
    assertThat(RunJson.summary(Json.pretty(summary), "written")).isEqualTo(summary);
    assertGolden("summary-diverged.json", Json.pretty(summary));
  }

  @Test
  void diverged_beforeTheTrainerReported_hasNoHealth() {
    String json = Json.pretty(Summary.diverged("job", "diverged", "2026-12-01T20:10:40Z", "2026-12-01T20:10:41Z",
        null));
    assertThat(json).doesNotContain("health").doesNotContain("test").contains("\"status\" : \"diverged\"");
    assertThat(RunJson.summary(json, "written").health()).isNull();
  }

  private static void assertGolden(String name, String written) throws IOException {
    if (Boolean.getBoolean("golden.update")) {
      Files.writeString(GOLDEN.resolve(name), written);
    }
    assertThat(written).isEqualTo(Files.readString(GOLDEN.resolve(name)));
  }

  /** An image-folder job with everything optional on: rejected records, augmentation, lr-find, early stopping. */
  static Summary.Context imageRun() {
    JobConfig job = ConfigLoader.load(new File("conf/fashion-mnist-1k-augmented.conf"), List.of(
        "name=fashion-images-augmented", "data.format=images", "data.train=hdfs://namenode:8020/data/fashion/train",
        "data.trainLabels=", "data.test=hdfs://namenode:8020/data/fashion/test", "data.testLabels=",
        "data.numClasses=3", "data.classNames=[bag, coat, shirt]", "data.validationFraction=0.1",
        "data.trainPerClass=1000", "train.epochs=8", "train.learningRate=auto", "train.earlyStopping.patience=2"));
    Splits data = new Splits(null, null, null, 2700, 300, 300, Shape.image(28, 28, 1),
        FeatureScaler.fit(job.data(), null, 784), List.of(), List.of(900L, 900L, 900L),
        List.of(new Rejected("hdfs://namenode:8020/data/fashion/train", 3003,
            Map.of("undecodable image", 2L, "file outside a class folder", 1L),
            "hdfs://namenode:8020/runs/fashion/rejected/train")), CLASSES,
        new io.sparktrain.data.SplitIdentity(2700, 1, 300, 2, 300, 3), 2);
    double[][] figures = {{1.0954, 0.6765, 0.7691}, {0.6828, 0.5614, 0.7810}, {0.5755, 0.5418, 0.8065},
        {0.5294, 0.4919, 0.8336}, {0.4872, 0.4693, 0.8310}, {0.4415, 0.4704, 0.8301}};
    List<EpochMetrics> epochs = new ArrayList<>();
    for (double[] f : figures) {
      epochs.add(new EpochMetrics(epochs.size() + 1, f[0], f[1], f[2], 197.5, 12.5, 0.5, new io.sparktrain.train.TrainTime(9.0, 2.0, 0.5, 1.0),
          0.0035));
    }
    TrainingHealth health = new TrainingHealth(
        List.of(new Diagnosis("dead-relu", 2, 4, List.of(5), "deadFraction", 0.59375, "layer 5 (dense): 59% of the"
            + " ReLU units output 0 for every example (dead ReLU units no longer learn). Use leakyrelu or elu"
            + " (model.activation = leakyrelu), lower the learning rate (now 3.5e-03), or use He initialisation"
            + " (model.weightInit = relu).")),
        Map.of("dead-relu", 3),
        List.of(new Recovery(1, 2, "the training loss 9.712 is 4.3x the median 2.251 of the last 3 good rounds",
            0.0035, 0.0035)),
        List.of(new StallEvent(1, 14, StallEvent.Type.BOOST, "stall", 0.0035, 0.035, 2.2961, "sparktrain raised the "
            + "learning rate 10x to 0.0350 for 10 rounds (train.stall.action = boost)"),
            new StallEvent(2, 7, StallEvent.Type.KEPT, "stall", 0.035, 0.0035, 1.8432, "after 10 boosted rounds the "
                + "loss is 1.8432")),
        "early stopping", "validationAccuracy did not improve by more than 0.0 for 2 epochs (best 0.8400 at epoch 4);"
            + " kept the parameters of epoch 4", 4, "lr-find (" + LrCurve.STEEPEST + ")", 0.0035, 1.2e-4,
        new LrCurve(new double[200], new double[200], new double[200], 0.0035, LrCurve.STEEPEST, 0.042, 2), 132);
    TrainedModel model = new TrainedModel(null, epochs, evaluation(new long[][] {{98, 0, 2}, {4, 83, 13}, {2, 19, 79}}),
        0.41230912506580355, 75.2, 2.35, health, new TrainedModel.TestTime("10 views: the image and its mirror image,"
            + " each also shifted 1 px right, left, down and up", evaluation(new long[][] {{97, 0, 3}, {5, 80, 15},
            {3, 19, 78}})), null);
    Map<String, Object> timings = new LinkedHashMap<>();
    timings.put("loadSeconds", 23.695784097);
    timings.put("trainSeconds", 75.2);
    timings.put("testSeconds", 2.35);
    timings.put("totalSeconds", 104.1);
    Map<String, Object> spark = new LinkedHashMap<>();
    spark.put("master", "spark://10.0.0.5:7077");
    spark.put("defaultParallelism", 4);
    spark.put("executors", 2);
    spark.put("applicationId", "app-20261201211435-0000");
    spark.put("taskCpus", "1");
    Map<String, String> versions = new LinkedHashMap<>();
    versions.put("sparktrain", "0.1.0-SNAPSHOT");
    versions.put("java", "17.0.15");
    versions.put("spark", "3.5.7");
    versions.put("scala", "2.12.18");
    versions.put("dl4j", "1.0.0-M2.1");
    versions.put("dl4jSpark", "1.0.0-M2");
    versions.put("nd4jBackend", "CpuBackend");
    return new Summary.Context(job, data, model, timings, spark, versions, "532f06c33cad8090b79ff096270a5325bbb15b77",
        "2026-12-01T21:14:33.305006704Z", "2026-12-01T21:16:17.461853411Z");
  }

  /** conf/diagnostics/lr-too-high.conf with the guard off: the parameters went NaN in epoch 1. */
  static SummaryFile divergedRun() {
    TrainingHealth health = new TrainingHealth(
        List.of(new Diagnosis("exploding", 1, 3, List.of(), "nonFinite", Double.NaN, "gradients explode: the training"
            + " loss is NaN in epoch 1, round 3. Lower the learning rate (model.updater.learningRate), clip gradients"
            + " (model.gradientNormalization) or add batch normalisation.")),
        Map.of("exploding", 1), List.of(), List.of(), "diverged", "parameters NaN or Inf in epoch 1", 0,
        "model.updater.learningRate", 1.0, 1.0, null, 3);
    return Summary.diverged("lr-too-high", "training diverged in epoch 1: the parameters are NaN or Inf, so the model"
        + " cannot be evaluated (train.guard.enabled = false). Turn the divergence guard on, or lower the learning"
        + " rate (now 1.00; sparktrain lr-find suggests one).", "2026-12-01T20:10:40.010516604Z",
        "2026-12-01T20:10:58.774411263Z", health);
  }

  /** An evaluation whose confusion matrix is {@code counts} (rows: actual, columns: predicted). */
  private static Evaluation evaluation(long[][] counts) {
    Evaluation eval = new Evaluation(CLASSES);
    for (int actual = 0; actual < counts.length; actual++) {
      for (int predicted = 0; predicted < counts.length; predicted++) {
        for (long n = 0; n < counts[actual][predicted]; n++) {
          eval.eval(predicted, actual);
        }
      }
    }
    return eval;
  }
}
