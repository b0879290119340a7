package io.sparktrain.report;

import io.sparktrain.config.DataConfig;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.TrainConfig;
import io.sparktrain.config.UpdaterSpec;
import io.sparktrain.data.Splits;
import io.sparktrain.report.schema.RunJson;
import io.sparktrain.report.schema.SummaryFile;
import io.sparktrain.train.EpochMetrics;
import io.sparktrain.train.TrainedModel;
import io.sparktrain.train.StallEvent;
import io.sparktrain.train.TrainingHealth;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.nd4j.evaluation.classification.ConfusionMatrix;
import org.nd4j.evaluation.classification.Evaluation;

/** Builds summary.json: the test result, per-class metrics, confusion matrix, timings, data sizes and provenance. */
public final class Summary {
  public static final String FILE = "summary.json";

  private Summary() {}

  /** Everything about the run besides the model: the inputs of {@link #build}. */
  public record Context(JobConfig job, Splits data, TrainedModel model, Map<String, Object> timings,
      Map<String, Object> spark, Map<String, String> versions, String gitCommit, String startedAt, String finishedAt) {}

  public static SummaryFile build(Context c) {
    Map<String, Double> timings = new LinkedHashMap<>();
    c.timings().forEach((k, v) -> timings.put(k, Json.num(((Number) v).doubleValue())));
    return SummaryFile.completed(c.job().name(), c.job().seed(), c.startedAt(), c.finishedAt(),
        test(c.model(), c.job().data()), epochs(c.model().epochs()), timings, data(c.job().data(), c.data()),
        training(c.job().train(), c.job().model().updater()), health(c.model().health()), augmentation(c),
        RunJson.convert(c.spark(), SummaryFile.Spark.class), c.versions(), c.gitCommit());
  }

  /** The summary of a run a signal stopped. */
  public static SummaryFile interrupted(String name, String message, SummaryFile.Reached reached, String checkpoint,
      String startedAt, String finishedAt, TrainingHealth health) {
    return SummaryFile.interrupted(name, message, reached, checkpoint, startedAt, finishedAt,
        health == null ? null : health(health));
  }

  /** The summary of a run that diverged: the message and, when known, what the trainer found until then. */
  public static SummaryFile diverged(String name, String message, String startedAt, String finishedAt,
      TrainingHealth health) {
    return SummaryFile.stopped(name, SummaryFile.Status.DIVERGED, message, startedAt, finishedAt,
        health == null ? null : health(health));
  }

  static SummaryFile.Test test(TrainedModel model, DataConfig data) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < data.numClasses(); i++) {
      names.add(data.className(i));
    }
    TrainedModel.TestTime tta = model.testTime();
    return test(model.test(), model.testLoss(), names,
        tta == null ? null : new SummaryFile.TestTimeAugmentation(tta.views(), Json.num(tta.withoutViews().accuracy()),
            "accuracy and the per-class figures average the views' predictions; loss and model.zip are of the"
                + " plain images"));
  }

  /** A test section (summary.json's, evaluation.json's) from a DL4J evaluation over {@code names}. */
  public static SummaryFile.Test test(Evaluation eval, double loss, List<String> names,
      SummaryFile.TestTimeAugmentation tta) {
    int k = names.size();
    ConfusionMatrix<Integer> cm = eval.getConfusionMatrix();
    List<SummaryFile.PerClass> perClass = new ArrayList<>();
    List<List<Long>> counts = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      perClass.add(new SummaryFile.PerClass(i, names.get(i), Json.num(eval.precision(i)),
          Json.num(eval.recall(i)), Json.num(eval.f1(i)), cm == null ? 0 : cm.getActualTotal(i)));
      List<Long> countRow = new ArrayList<>();
      for (int j = 0; j < k; j++) {
        countRow.add(cm == null ? 0L : cm.getCount(i, j));
      }
      counts.add(countRow);
    }
    return new SummaryFile.Test(Json.num(eval.accuracy()), Json.num(loss), eval.getNumRowCounter(),
        Json.num(eval.precision()), Json.num(eval.recall()), Json.num(eval.f1()), perClass,
        new SummaryFile.ConfusionMatrix("actual class", "predicted class", List.copyOf(names), counts), tta);
  }

  /** The rejected records of each source, for a summary. */
  public static SummaryFile.Rejected rejected(List<io.sparktrain.data.Rejected> sources, double maxFraction) {
    List<SummaryFile.RejectedSource> rejected = sources.stream().map(r -> new SummaryFile.RejectedSource(
        r.source(), r.records(), r.total(), new TreeMap<>(r.byReason()), r.quarantine())).toList();
    return new SummaryFile.Rejected(rejected.stream().mapToLong(SummaryFile.RejectedSource::rejected).sum(),
        maxFraction, rejected);
  }

  private static SummaryFile.Augmentation augmentation(Context c) {
    if (c.job().augment().isEmpty()) {
      return new SummaryFile.Augmentation(List.of(), null, null);
    }
    List<String> pipeline = io.sparktrain.augment.AugmentPipeline.of(c.job().augment(), c.data().shape(),
        c.job().seed(), null).describe();
    return new SummaryFile.Augmentation(pipeline, "per example from (seed, epoch, example index); per minibatch"
        + " from (seed, epoch, index of its first example)", c.data().shape().image() ? ReportFiles.AUGMENTATION : null);
  }

  /** What the trainer found and did: diagnoses, guard recoveries, stopping, learning rate. */
  private static SummaryFile.Health health(TrainingHealth h) {
    List<SummaryFile.Diagnosis> diagnoses = h.diagnoses().stream().map(d -> new SummaryFile.Diagnosis(d.kind(),
        d.epoch(), d.round(), d.layers(), d.measure(), Json.num(d.value()), d.message(),
        h.roundsFlagged().getOrDefault(d.kind(), 1))).toList();
    List<SummaryFile.Recovery> recoveries = h.recoveries().stream().map(r -> new SummaryFile.Recovery(r.epoch(),
        r.round(), r.reason(), Json.num(r.learningRateBefore()), Json.num(r.learningRateAfter()))).toList();
    List<SummaryFile.StallEvent> stall = h.stallEvents().stream().map(e -> new SummaryFile.StallEvent(e.epoch(),
        e.round(), e.type().key(), e.finding(), Json.num(e.learningRateBefore()), Json.num(e.learningRateAfter()),
        Json.num(e.loss()), e.detail())).toList();
    int actions = (int) h.stallEvents().stream().filter(e -> e.type() == StallEvent.Type.BOOST
        || e.type() == StallEvent.Type.RESTART).count();
    return new SummaryFile.Health(diagnoses, h.healthSamples(),
        new SummaryFile.Guard(recoveries.size(), recoveries), new SummaryFile.Stall(actions, stall),
        new SummaryFile.Stopping(h.stoppedBy(), h.stopReason(), h.bestEpoch()),
        new SummaryFile.LearningRate(h.learningRateSource(), Json.num(h.initialLearningRate()),
            Json.num(h.finalLearningRate()), h.lrFind() == null ? null : LrFindFiles.entry(h.lrFind())));
  }

  private static SummaryFile.Epochs epochs(List<EpochMetrics> epochs) {
    EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
    return new SummaryFile.Epochs(epochs.size(), last == null ? null : Json.num(last.trainLoss()),
        last == null ? null : Json.num(last.validationLoss()), last == null ? null : Json.num(last.validationAccuracy()),
        Json.num(epochs.stream().mapToDouble(EpochMetrics::examplesPerSecond).average().orElse(Double.NaN)));
  }

  private static SummaryFile.Data data(DataConfig config, Splits data) {
    SummaryFile.Sources sources = new SummaryFile.Sources(config.train(), blankToNull(config.trainLabels()),
        config.hasTestSet() ? config.test() : null, config.hasTestSet() ? blankToNull(config.testLabels()) : null);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < config.numClasses(); i++) {
      names.add(config.className(i));
    }
    SummaryFile.Split split = config.separateTestSet()
        ? new SummaryFile.Split(config.validationFraction(),
            config.hasTestSet() ? "separate test set" : "separate test set (generated)", null)
        : new SummaryFile.Split(config.validationFraction(), null, config.testFraction());
    return new SummaryFile.Data(config.format(), sources, data.shape().toString(), config.numClasses(), names,
        new SummaryFile.Sizes(data.trainCount(), data.validationCount(), data.testCount()), data.trainClassCounts(),
        split, RunJson.convert(data.scaler().describe(), SummaryFile.Normalization.class),
        rejected(data.rejected(), config.maxRejectedFraction()),
        config.trainPerClass() > 0 ? config.trainPerClass() : null,
        data.featureNames().isEmpty() ? null : data.featureNames());
  }

  private static String blankToNull(String s) {
    return s.isBlank() ? null : s;
  }

  private static SummaryFile.Training training(TrainConfig t, UpdaterSpec updater) {
    return new SummaryFile.Training(updater.type(), updater.learningRate(),
        "parameter averaging (dl4j-spark ParameterAveragingTrainingMaster)", t.epochs(), t.batchSizePerWorker(),
        t.averagingFrequency(), t.saveUpdater(), t.approach().key(), t.schedule().type(), t.guard().enabled(),
        t.earlyStopping().enabled() ? t.earlyStopping().metric() + ", patience " + t.earlyStopping().patience()
            : "off", t.stall().action().key());
  }
}
