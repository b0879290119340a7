package io.sparktrain.report;

import io.sparktrain.config.DataConfig;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.TrainConfig;
import io.sparktrain.data.Splits;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.TrainingHealth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.nd4j.evaluation.classification.ConfusionMatrix;
import org.nd4j.evaluation.classification.Evaluation;

/** Builds summary.json: the test result, per-class metrics, confusion matrix, timings, data sizes and provenance. */
public final class Summary {
  public static final String FILE = "summary.json";

  private Summary() {}

  /** Everything about the run besides the model, as a JSON-ready tree. */
  public record Context(JobConfig job, Splits data, TrainedModel model, Map<String, Object> timings,
      Map<String, Object> spark, Map<String, String> versions, String gitCommit, String startedAt, String finishedAt) {}

  public static Map<String, Object> build(Context c) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", c.job().name());
    out.put("status", "completed");
    out.put("seed", c.job().seed());
    out.put("startedAt", c.startedAt());
    out.put("finishedAt", c.finishedAt());
    Map<String, Object> test = test(c.model().test(), c.model().testLoss(), c.job().data());
    TrainedModel.TestTime tta = c.model().testTime();
    if (tta != null) {
      test.put("testTimeAugmentation", Map.of("views", tta.views(), "accuracyWithout",
          Json.num(tta.withoutViews().accuracy()), "note", "accuracy and the per-class figures average the "
              + "views' predictions; loss and model.zip are of the plain images"));
    }
    out.put("test", test);
    out.put("epochs", epochs(c.model().epochs()));
    out.put("timings", c.timings());
    out.put("data", data(c.job().data(), c.data()));
    out.put("training", training(c.job().train(), c.job().model().updater()));
    out.put("health", health(c.model().health()));
    out.put("augmentation", augmentation(c));
    out.put("spark", c.spark());
    out.put("versions", c.versions());
    out.put("gitCommit", c.gitCommit());
    return out;
  }

  static Map<String, Object> test(Evaluation eval, double loss, DataConfig data) {
    int k = data.numClasses();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("accuracy", Json.num(eval.accuracy()));
    out.put("loss", Json.num(loss));
    out.put("examples", eval.getNumRowCounter());
    out.put("macroPrecision", Json.num(eval.precision()));
    out.put("macroRecall", Json.num(eval.recall()));
    out.put("macroF1", Json.num(eval.f1()));
    ConfusionMatrix<Integer> cm = eval.getConfusionMatrix();
    List<Map<String, Object>> perClass = new ArrayList<>();
    List<List<Integer>> counts = new ArrayList<>();
    List<String> names = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("class", i);
      row.put("name", data.className(i));
      row.put("precision", Json.num(eval.precision(i)));
      row.put("recall", Json.num(eval.recall(i)));
      row.put("f1", Json.num(eval.f1(i)));
      row.put("support", cm == null ? 0 : cm.getActualTotal(i));
      perClass.add(row);
      names.add(data.className(i));
      List<Integer> countRow = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        countRow.add(cm == null ? 0 : cm.getCount(i, j));
      }
      counts.add(countRow);
    }
    out.put("perClass", perClass);
    Map<String, Object> matrix = new LinkedHashMap<>();
    matrix.put("rows", "actual class");
    matrix.put("columns", "predicted class");
    matrix.put("labels", names);
    matrix.put("counts", counts);
    out.put("confusionMatrix", matrix);
    return out;
  }

  private static Map<String, Object> augmentation(Context c) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<String> pipeline = c.job().augment().isEmpty() ? List.of()
        : io.sparktrain.augment.AugmentPipeline.of(c.job().augment(), c.data().shape(), c.job().seed(), null).describe();
    out.put("pipeline", pipeline);
    if (!pipeline.isEmpty()) {
      out.put("randomness", "per example from (seed, epoch, example index); per minibatch from (seed, epoch, "
          + "index of its first example)");
      if (c.data().shape().image()) {
        out.put("preview", ReportFiles.AUGMENTATION);
      }
    }
    return out;
  }

  /** What the trainer found and did: diagnoses, guard recoveries, stopping, learning rate. */
  public static Map<String, Object> health(TrainingHealth h) {
    Map<String, Object> out = new LinkedHashMap<>();
    List<Map<String, Object>> diagnoses = new ArrayList<>();
    h.diagnoses().forEach(d -> {
      Map<String, Object> line = MetricsLog.diagnosisLine(d);
      line.remove("type");
      line.put("rounds", h.roundsFlagged().getOrDefault(d.kind(), 1));
      diagnoses.add(line);
    });
    out.put("diagnoses", diagnoses);
    out.put("samples", h.healthSamples());
    List<Map<String, Object>> recoveries = new ArrayList<>();
    h.recoveries().forEach(r -> {
      Map<String, Object> line = MetricsLog.recoveryLine(r);
      line.remove("type");
      recoveries.add(line);
    });
    Map<String, Object> guard = new LinkedHashMap<>();
    guard.put("recoveries", recoveries.size());
    guard.put("events", recoveries);
    out.put("guard", guard);
    Map<String, Object> stop = new LinkedHashMap<>();
    stop.put("stoppedBy", h.stoppedBy());
    stop.put("reason", h.stopReason());
    stop.put("chosenEpoch", h.bestEpoch());
    out.put("stopping", stop);
    Map<String, Object> lr = new LinkedHashMap<>();
    lr.put("source", h.learningRateSource());
    lr.put("initial", Json.num(h.initialLearningRate()));
    lr.put("final", Json.num(h.finalLearningRate()));
    if (h.lrFind() != null) {
      lr.put("lrFind", LrFindFiles.summary(h.lrFind()));
    }
    out.put("learningRate", lr);
    return out;
  }

  private static Map<String, Object> epochs(List<EpochMetrics> epochs) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("completed", epochs.size());
    if (!epochs.isEmpty()) {
      EpochMetrics last = epochs.get(epochs.size() - 1);
      out.put("finalTrainLoss", Json.num(last.trainLoss()));
      out.put("finalValidationLoss", Json.num(last.validationLoss()));
      out.put("finalValidationAccuracy", Json.num(last.validationAccuracy()));
      out.put("meanExamplesPerSecond",
          Json.num(epochs.stream().mapToDouble(EpochMetrics::examplesPerSecond).average().orElse(Double.NaN)));
    }
    return out;
  }

  private static Map<String, Object> data(DataConfig config, Splits data) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("format", config.format());
    Map<String, Object> sources = new LinkedHashMap<>();
    sources.put("train", config.train());
    if (!config.trainLabels().isBlank()) {
      sources.put("trainLabels", config.trainLabels());
    }
    if (config.hasTestSet()) {
      sources.put("test", config.test());
      if (!config.testLabels().isBlank()) {
        sources.put("testLabels", config.testLabels());
      }
    }
    out.put("sources", sources);
    out.put("shape", data.shape().toString());
    out.put("numClasses", config.numClasses());
    List<String> names = new ArrayList<>();
    for (int i = 0; i < config.numClasses(); i++) {
      names.add(config.className(i));
    }
    out.put("classNames", names);
    Map<String, Object> sizes = new LinkedHashMap<>();
    sizes.put("train", data.trainCount());
    sizes.put("validation", data.validationCount());
    sizes.put("test", data.testCount());
    out.put("sizes", sizes);
    out.put("trainClassCounts", data.trainClassCounts());
    out.put("split", config.hasTestSet()
        ? Map.of("validationFraction", config.validationFraction(), "test", "separate test set")
        : Map.of("validationFraction", config.validationFraction(), "testFraction", config.testFraction()));
    out.put("normalization", data.scaler().describe());
    Map<String, Object> rejected = new LinkedHashMap<>();
    long rejectedTotal = 0;
    List<Map<String, Object>> sourcesRejected = new ArrayList<>();
    for (io.sparktrain.data.Rejected r : data.rejected()) {
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("source", r.source());
      one.put("records", r.records());
      one.put("rejected", r.total());
      one.put("byReason", r.byReason());
      one.put("quarantine", r.quarantine());
      sourcesRejected.add(one);
      rejectedTotal += r.total();
    }
    rejected.put("total", rejectedTotal);
    rejected.put("maxRejectedFraction", config.maxRejectedFraction());
    rejected.put("sources", sourcesRejected);
    out.put("rejected", rejected);
    if (config.trainPerClass() > 0) {
      out.put("trainPerClass", config.trainPerClass());
    }
    if (!data.featureNames().isEmpty()) {
      out.put("featureNames", data.featureNames());
    }
    return out;
  }

  private static Map<String, Object> training(TrainConfig t, io.sparktrain.config.UpdaterSpec updater) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("updater", updater.type());
    out.put("learningRate", updater.learningRate());
    out.put("method", "parameter averaging (dl4j-spark ParameterAveragingTrainingMaster)");
    out.put("epochs", t.epochs());
    out.put("batchSizePerWorker", t.batchSizePerWorker());
    out.put("averagingFrequency", t.averagingFrequency());
    out.put("saveUpdater", t.saveUpdater());
    out.put("approach", t.approach());
    out.put("schedule", t.schedule().type());
    out.put("guard", t.guard().enabled());
    out.put("earlyStopping", t.earlyStopping().enabled()
        ? t.earlyStopping().metric() + ", patience " + t.earlyStopping().patience() : "off");
    return out;
  }
}
