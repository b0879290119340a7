package io.sparktrain.report.schema;

import static com.fasterxml.jackson.annotation.JsonInclude.Include.NON_NULL;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * summary.json, key for key in the file's order. Every component is a required key except those marked
 * {@code @JsonInclude(NON_NULL)}, which are absent when null; a number that was NaN or infinite is a
 * null {@code Double}. A run that did not complete (status {@code diverged}) has only name, status,
 * message, startedAt, finishedAt and, when the trainer got that far, health.
 *
 * @param timings seconds per phase (loadSeconds, trainSeconds, testSeconds, totalSeconds)
 * @param versions of sparktrain and its stack, by component
 */
public record SummaryFile(
    String name,
    Status status,
    @JsonInclude(NON_NULL) String message,
    @JsonInclude(NON_NULL) Reached reached,
    @JsonInclude(NON_NULL) String checkpoint,
    @JsonInclude(NON_NULL) Long seed,
    String startedAt,
    String finishedAt,
    @JsonInclude(NON_NULL) Test test,
    @JsonInclude(NON_NULL) Epochs epochs,
    @JsonInclude(NON_NULL) Map<String, Double> timings,
    @JsonInclude(NON_NULL) Data data,
    @JsonInclude(NON_NULL) Training training,
    @JsonInclude(NON_NULL) Health health,
    @JsonInclude(NON_NULL) Augmentation augmentation,
    @JsonInclude(NON_NULL) Spark spark,
    @JsonInclude(NON_NULL) Map<String, String> versions,
    @JsonInclude(NON_NULL) String gitCommit,
    @JsonInclude(NON_NULL) Reliability reliability,
    @JsonInclude(NON_NULL) Model model) {

  public SummaryFile {
    if (status == null) {
      throw new IllegalArgumentException("status is null; one of " + List.of(Status.values()) + " is required");
    }
    if (status == Status.COMPLETED) {
      List<String> missing = new ArrayList<>();
      Object[] parts = {seed, test, epochs, timings, data, training, health, augmentation, spark, versions, gitCommit};
      String[] names = {"seed", "test", "epochs", "timings", "data", "training", "health", "augmentation", "spark",
          "versions", "gitCommit"};
      for (int i = 0; i < parts.length; i++) {
        if (parts[i] == null) {
          missing.add(names[i]);
        }
      }
      if (!missing.isEmpty()) {
        throw new IllegalArgumentException("a completed run's summary needs " + String.join(", ", missing));
      }
    }
  }

  /** A completed run: name, status, seed, times and the sections that only a completed run has. */
  public static SummaryFile completed(String name, long seed, String startedAt, String finishedAt, Test test,
      Epochs epochs, Map<String, Double> timings, Data data, Training training, Health health,
      Augmentation augmentation, Spark spark, Map<String, String> versions, String gitCommit) {
    return new SummaryFile(name, Status.COMPLETED, null, null, null, seed, startedAt, finishedAt, test, epochs, timings,
        data, training, health, augmentation, spark, versions, gitCommit, null, null);
  }

  /** This summary with what the run survived: resumes, lost executors and tasks, checkpoint settings. */
  public SummaryFile withReliability(Reliability r) {
    return new SummaryFile(name, status, message, reached, checkpoint, seed, startedAt, finishedAt, test, epochs,
        timings, data, training, health, augmentation, spark, versions, gitCommit, r, model);
  }

  /** This summary with the model file it produced. */
  public SummaryFile withModel(Model m) {
    return new SummaryFile(name, status, message, reached, checkpoint, seed, startedAt, finishedAt, test, epochs,
        timings, data, training, health, augmentation, spark, versions, gitCommit, reliability, m);
  }

  /**
   * The model the run produced.
   *
   * @param file its name in the run directory
   * @param sha256 the SHA-256 of its bytes (checked by publish, predict and evaluate before it is used)
   * @param bytes its size
   */
  public record Model(String file, String sha256, long bytes) {}

  /**
   * A run a signal stopped: where it stood, the checkpoint to continue from (null if none), and the
   * trainer's findings up to then (null if training had not begun).
   */
  public static SummaryFile interrupted(String name, String message, Reached reached, String checkpoint,
      String startedAt, String finishedAt, Health health) {
    return new SummaryFile(name, Status.INTERRUPTED, message, reached, checkpoint, null, startedAt, finishedAt, null,
        null, null, null, null, health, null, null, null, null, null, null);
  }

  /** A run that stopped without a model: why, when, and the trainer's findings up to then (may be null). */
  public static SummaryFile stopped(String name, Status status, String message, String startedAt, String finishedAt,
      Health health) {
    return new SummaryFile(name, status, message, null, null, null, startedAt, finishedAt, null, null, null, null, null,
        health, null, null, null, null, null, null);
  }

  /** How the run ended; written in lower case. */
  public enum Status {
    COMPLETED,
    /** Training diverged and could not be recovered (exit code 4). */
    DIVERGED,
    /** A signal stopped the run at a round boundary (exit code 143 or 130); {@code train --resume} continues it. */
    INTERRUPTED;

    @JsonValue
    public String json() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The test set's result.
   *
   * @param accuracy with test-time augmentation, of the averaged views (so are the per-class figures)
   * @param loss of the plain images
   */
  public record Test(Double accuracy, Double loss, long examples, Double macroPrecision, Double macroRecall,
      Double macroF1, List<PerClass> perClass, ConfusionMatrix confusionMatrix,
      @JsonInclude(NON_NULL) TestTimeAugmentation testTimeAugmentation) {}

  /**
   * @param index the class's label, written as {@code class}
   */
  // Jackson 2.15 writes a renamed record component first unless the order is given.
  @JsonPropertyOrder({"class", "name", "precision", "recall", "f1", "support"})
  public record PerClass(@JsonProperty("class") int index, String name, Double precision, Double recall, Double f1,
      long support) {}

  /** @param counts rows = actual class, columns = predicted class, in label order */
  public record ConfusionMatrix(String rows, String columns, List<String> labels, List<List<Long>> counts) {}

  /** @param accuracyWithout of the plain images, what model.zip predicts on its own */
  public record TestTimeAugmentation(String views, Double accuracyWithout, String note) {}

  /** The last epoch's figures and the mean throughput; a completed run has at least one epoch. */
  public record Epochs(int completed, Double finalTrainLoss, Double finalValidationLoss,
      Double finalValidationAccuracy, Double meanExamplesPerSecond) {}

  /**
   * @param trainClassCounts training examples per class, in label order
   * @param trainPerClass present when data.trainPerClass capped the training examples per class
   * @param featureNames present for tabular data with named columns
   */
  public record Data(String format, Sources sources, String shape, int numClasses, List<String> classNames,
      Sizes sizes, List<Long> trainClassCounts, Split split, Normalization normalization, Rejected rejected,
      @JsonInclude(NON_NULL) Integer trainPerClass, @JsonInclude(NON_NULL) List<String> featureNames) {}

  /** The input URIs; the labels files are IDX's, test ones only with a separate test set. */
  public record Sources(String train, @JsonInclude(NON_NULL) String trainLabels, @JsonInclude(NON_NULL) String test,
      @JsonInclude(NON_NULL) String testLabels) {}

  public record Sizes(long train, long validation, long test) {}

  /** @param test "separate test set" when there is one; else {@code testFraction} was held out */
  public record Split(double validationFraction, @JsonInclude(NON_NULL) String test,
      @JsonInclude(NON_NULL) Double testFraction) {}

  /**
   * @param kind scale, standardize or none
   * @param factor with scale: what every value is multiplied by
   * @param features with standardize: how many features have their own mean and deviation
   */
  public record Normalization(String kind, @JsonInclude(NON_NULL) Float factor,
      @JsonInclude(NON_NULL) Integer features) {}

  /** @param sources only the sources that had bad records */
  public record Rejected(long total, double maxRejectedFraction, List<RejectedSource> sources) {}

  /** @param quarantine where the rejected records were written as JSON lines */
  public record RejectedSource(String source, long records, long rejected, Map<String, Long> byReason,
      String quarantine) {}

  /**
   * @param earlyStopping "off", or the metric and the patience
   * @param stall train.stall.action: none, boost or restart (absent in runs from before the stall policy)
   */
  public record Training(String updater, double learningRate, String method, int epochs, int batchSizePerWorker,
      int averagingFrequency, boolean saveUpdater, String approach, String schedule, boolean guard,
      String earlyStopping, @JsonInclude(NON_NULL) String stall) {}

  /**
   * @param samples the number of gradient-health samples taken on the workers
   * @param stall absent in runs from before the stall policy
   */
  public record Health(List<Diagnosis> diagnoses, int samples, Guard guard, @JsonInclude(NON_NULL) Stall stall,
      Stopping stopping,
      LearningRate learningRate) {}

  /**
   * The stall policy (train.stall): every event, as in metrics.jsonl.
   *
   * @param actions boosts and restarts that ran
   */
  public record Stall(int actions, List<StallEvent> events) {}

  /** Something the stall policy did or reported. */
  public record StallEvent(int epoch, int round, String event, String finding, Double learningRateBefore,
      Double learningRateAfter, Double loss, String detail) {}

  /** A finding, as in metrics.jsonl, with the number of rounds it held. */
  public record Diagnosis(String kind, int epoch, int round, List<Integer> layers, String measure, Double value,
      String message, int rounds) {}

  public record Guard(int recoveries, List<Recovery> events) {}

  /** A round the divergence guard undid. */
  public record Recovery(int epoch, int round, String reason, Double learningRateBefore, Double learningRateAfter) {}

  /**
   * @param stoppedBy "epochs" or "early stopping"
   * @param chosenEpoch the epoch whose parameters the model has
   */
  public record Stopping(String stoppedBy, String reason, int chosenEpoch) {}

  /**
   * @param last the rate of the last round, written as {@code final}
   * @param lrFind present when train.learningRate = auto ran the range test
   */
  @JsonPropertyOrder({"source", "initial", "final", "lrFind"})
  public record LearningRate(String source, Double initial, @JsonProperty("final") Double last,
      @JsonInclude(NON_NULL) LrFind lrFind) {}

  /** The range test's suggestion; {@code curve} and {@code chart} name its files in the run directory. */
  public record LrFind(Double suggestion, String rule, Double minimumLossLearningRate, int points, int workers,
      String curve, String chart) {}

  /**
   * @param pipeline the operations in order; empty without augmentation
   * @param preview the preview image's file, for image data with augmentation
   */
  public record Augmentation(List<String> pipeline, @JsonInclude(NON_NULL) String randomness,
      @JsonInclude(NON_NULL) String preview) {}

  /** @param taskCpus spark.task.cpus as Spark's configuration holds it (text) */
  public record Spark(String master, int defaultParallelism, int executors, String applicationId, String taskCpus) {}

  /**
   * Where an interrupted run stood.
   *
   * @param epoch the epoch in progress
   * @param round the rounds of it done
   * @param epochsCompleted epochs done
   */
  public record Reached(int epoch, int round, int epochsCompleted) {}

  /**
   * What a completed run survived, over every attempt at it.
   *
   * @param resumes each time the run was resumed, as its metrics.jsonl {@code resume} line says
   * @param faults executors lost and task attempts that failed and were run again
   */
  public record Reliability(List<MetricsLine.Resume> resumes, Faults faults, Checkpoints checkpoint) {}

  /**
   * @param lostTaskSeconds seconds the failed attempts had run (work done again)
   */
  public record Faults(List<ExecutorLost> executorsLost, int failedTasks, Double lostTaskSeconds) {}

  /** One executor removed while training, as Spark reported it. */
  public record ExecutorLost(String executorId, String reason, String time) {}

  /**
   * The checkpoint settings the run had, and what saving them cost the run's last attempt.
   *
   * @param saved checkpoints saved
   * @param seconds seconds spent saving them (writing, syncing, publishing)
   */
  public record Checkpoints(int everyRounds, int keep, int saved, Double seconds) {}
}
