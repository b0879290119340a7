package io.sparktrain.train;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.augment.TestTimeViews;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.TrainConfig;
import io.sparktrain.data.BatchFiles;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Splits;
import io.sparktrain.health.Diagnoser;
import io.sparktrain.health.HealthMonitor;
import io.sparktrain.health.StallRule;
import io.sparktrain.health.TimeRule;
import io.sparktrain.lrfind.LrCurve;
import io.sparktrain.lrfind.LrFinder;
import io.sparktrain.model.ModelFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Sets up a training run around dl4j-spark's parameter averaging and hands it to the
 * {@link TrainingLoop}: the network (new, or from a checkpointed {@link TrainingState}), the source of
 * each round's minibatches ({@link ExportedBatches} or {@link DirectBatches}), validation, the
 * policies and the checkpoint store. After the loop, it keeps the best epoch's weights when early
 * stopping says so and scores the test set.
 */
public final class Trainer {
  /**
   * Minibatch size for scoring; independent of training, only bounds memory per task. Scoring and
   * evaluation are asked for exactly this size: dl4j-spark re-batches to its own default (64) with
   * IteratorDataSetIterator, whose splitting produced an empty minibatch on the full Fashion-MNIST
   * validation split ("Invalid input: length 0" in ScoreFlatMapFunction); at the size the batches
   * already have, nothing is split.
   */
  static final int EVAL_BATCH = 256;

  /** How minibatches reach the workers ({@code train.approach}). */
  public sealed interface Approach permits Export, Direct {}

  /**
   * Written once as files under {@code folder}, which {@code cleanup} removes when training ends.
   */
  public record Export(String folder, Runnable cleanup) implements Approach {}

  /** Kept in Spark's memory. */
  public record Direct() implements Approach {}

  /**
   * What one run trains with.
   *
   * @param resume the checkpointed state to continue from, or null for a new run
   */
  public record Run(Splits data, AugmentPipeline augment, Approach approach, TrainingState resume,
      CheckpointStore checkpoints, TrainingEvents events, Interruption interruption) {}

  private final JavaSparkContext sc;
  private final JobConfig job;
  private final String uiUrl;

  /** @param uiUrl a DL4J UI server that receives the workers' statistics live, or null */
  public Trainer(JavaSparkContext sc, JobConfig job, String uiUrl) {
    this.sc = sc;
    this.job = job;
    this.uiUrl = uiUrl;
  }

  /** The job's augmentation pipeline for this data (empty when augment.ops is empty). */
  public static AugmentPipeline augmentPipeline(JobConfig job, Splits data) {
    return AugmentPipeline.of(job.augment(), data.shape(), job.seed(), featureStd(job, data));
  }

  /** The job's pipeline with the deviations a run recorded (a resumed run augments as the run it continues). */
  public static AugmentPipeline augmentPipeline(JobConfig job, Splits data, double[] featureStd) {
    return AugmentPipeline.of(job.augment(), data.shape(), job.seed(), featureStd);
  }

  private static double[] featureStd(JobConfig job, Splits data) {
    return AugmentPipeline.needsFeatureStd(job.augment())
        ? AugmentPipeline.featureStd(data.train(), data.shape().featureCount()) : null;
  }

  /** The number of workers a round uses. */
  int workers() {
    return job.train().workers() > 0 ? job.train().workers() : sc.defaultParallelism();
  }

  /** The learning-rate range test on the training split, as {@code train.learningRate = auto} and lr-find run it. */
  public LrCurve findLearningRate(Splits data) {
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), data.shape(), job.data().numClasses(), job.seed());
    JavaRDD<DataSet> batches = Batches.of(data.train(), job.train().batchSizePerWorker(), job.data().numClasses(),
        data.shape());
    sc.setJobGroup("lr-find", "learning-rate range test", false);
    try {
      return LrFinder.run(batches, conf, job.lrFind(), workers());
    } finally {
      sc.clearJobGroup();
    }
  }

  public TrainedModel train(Run run) {
    Splits data = run.data();
    TrainConfig t = job.train();
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), data.shape(), job.data().numClasses(), job.seed());
    MultiLayerNetwork network = new MultiLayerNetwork(conf);
    network.init();
    boolean direct = run.approach() instanceof Direct;
    RoundTracker tracker = new RoundTracker(sc, direct, job.seed());
    tracker.addListener(run.events());
    FaultLog faults = new FaultLog(sc);
    HealthMonitor monitor = job.health().enabled() ? new HealthMonitor(sc, job.health().sampleEvery()) : null;
    JavaRDD<DataSet> validation = Batches.of(data.validation(), EVAL_BATCH, job.data().numClasses(), data.shape())
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    RoundSource source = null;
    try {
      TrainingState start = run.resume() != null ? run.resume() : null;
      int workers = start != null ? start.facts().workers() : workers();
      SparkNetwork net = new SparkNetwork(sc, network, t, tracker, monitor, uiUrl, direct, workers, job.seed());
      if (start == null) {
        start = initial(data, net, validation, workers, run.augment());
      } else if (!Double.isFinite(start.stall().untrainedLoss()) && start.guard().floor() > 0) {
        // A checkpoint from before the stall policy: the guard's floor is a fixed fraction of that loss.
        start = start.withStall(start.stall().withUntrainedLoss(start.guard().floor() / DivergenceGuard.FLOOR_FRACTION),
            start.rollback());
      }
      net.restore(start.weights());
      net.setLearningRate(start.learningRate());
      source = source(run, data, workers);
      List<String> layerTypes = new ArrayList<>();
      job.model().layers().forEach(l -> layerTypes.add(l.type()));
      LrSchedule schedule = new LrSchedule(t.schedule(), start.facts().startRate(), t.epochs());
      TrainingLoop.Parts parts = new TrainingLoop.Parts(sc, t, net, source,
          new Validation(validation, labels(), data.trainCount()), tracker, monitor, layerTypes,
          new Diagnoser(job.health(), job.model(), t.guard().enabled(), start.facts().startRate()),
          new TimeRule(job.health(), job.model()), schedule,
          new DivergenceGuard(t.guard()), new EarlyStopping(t.earlyStopping()),
          new StallPolicy(t.stall(), new StallRule(job.health(), job.model()), job.health().stall()),
          new Checkpointer(job.checkpoint(), run.checkpoints(), conf, start.totals().rounds(), start.position()),
          run.events(), run.interruption(), faults, start.totals().faults());
      TrainingState end;
      try {
        end = new TrainingLoop(parts).run(start);
      } catch (Interruption.Interrupted e) {
        parts.checkpointer().saveIfNewer(e.state());
        throw e;
      }
      return finish(end, net, data);
    } finally {
      validation.unpersist(false);
      if (source != null) {
        source.close();
      } else if (run.approach() instanceof Export export) {
        export.cleanup().run();
      }
      tracker.close(sc);
      faults.close(sc);
      sc.clearJobGroup();
    }
  }

  /** A new run's first state: the initial weights, the rate (from the config or the LR range test), the guard's baseline. */
  private TrainingState initial(Splits data, SparkNetwork net, JavaRDD<DataSet> validation, int workers,
      AugmentPipeline augment) {
    TrainConfig t = job.train();
    LrCurve lrFind = t.autoLearningRate() ? findLearningRate(data) : null;
    double rate = lrFind != null ? lrFind.suggestion() : t.learningRate(job.model().updater());
    String source = lrFind != null ? "lr-find (" + lrFind.rule() + ")"
        : t.learningRate().isEmpty() ? "model.updater.learningRate" : "train.learningRate";
    DivergenceGuard guard = new DivergenceGuard(t.guard());
    DivergenceGuard.State guardState = DivergenceGuard.State.initial();
    sc.setJobGroup("baseline", "loss of the untrained network", false);
    double untrained = net.score(validation);
    if (t.guard().enabled()) {
      guardState = guard.baseline(guardState, untrained);
    }
    TrainingState.RunFacts facts = new TrainingState.RunFacts(rate, source, lrFind, workers, data.partitions(),
        data.identity(), data.scaler(), augment.featureStd());
    double startRate = new LrSchedule(t.schedule(), rate, t.epochs()).startRate();
    Diagnoser diagnoser = new Diagnoser(job.health(), job.model(), t.guard().enabled(), rate);
    return new TrainingState(new TrainingState.Position(1, 0), net.weights(), startRate, LrSchedule.State.initial(),
        guardState, EarlyStopping.State.initial(), null, diagnoser.state(), StallPolicy.State.initial(untrained), null,
        facts, List.of(),
        TrainingState.EpochProgress.START, TrainingState.Totals.START, null);
  }

  private RoundSource source(Run run, Splits data, int workers) {
    TrainConfig t = job.train();
    if (run.approach() instanceof Export export) {
      sc.setJobGroup("export", "exporting training minibatches", false);
      Broadcast<SerializableHadoopConfig> hadoop = sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
      List<String> files = BatchFiles.export(data.train().zipWithIndex(), t.batchSizePerWorker(),
          job.data().numClasses(), data.shape(), export.folder(), hadoop);
      return new ExportedBatches(sc, files, run.augment(), job.seed(), workers, t.averagingFrequency(),
          export.cleanup());
    }
    return new DirectBatches(data.train(), data.trainCount(), run.augment(), t.batchSizePerWorker(),
        job.data().numClasses(), data.shape(), job.seed(), workers, t.averagingFrequency());
  }

  private List<String> labels() {
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < job.data().numClasses(); i++) {
      labels.add(job.data().className(i));
    }
    return labels;
  }

  /** Keeps the best epoch's weights when early stopping says so, then scores the test set. */
  private TrainedModel finish(TrainingState end, SparkNetwork net, Splits data) {
    int chosen = end.epochs().size();
    String reason = end.stop().reason();
    if (end.best() != null && end.early().bestEpoch() != end.epochs().size()) {
      net.restore(end.best());
      chosen = end.early().bestEpoch();
      reason += "; kept the parameters of epoch " + chosen;
    }
    sc.setJobGroup("test", "test set evaluation", false);
    long t0 = System.nanoTime();
    JavaRDD<DataSet> test = Batches.of(data.test(), EVAL_BATCH, job.data().numClasses(), data.shape())
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      Evaluation eval;
      TrainedModel.TestTime testTime = null;
      if (job.testTime().enabled()) {
        TestTimeViews views = TestTimeViews.of(job.augment(), data.shape(), job.testTime().shiftPixels());
        ViewEvaluation.Result both = ViewEvaluation.evaluate(sc, net.network(), test, labels(), views);
        eval = both.averaged();
        testTime = new TrainedModel.TestTime(views.describe(), both.plain());
      } else {
        eval = net.evaluate(test, labels());
      }
      double testLoss = net.score(test);
      TrainingHealth health = health(end, end.stop().by(), reason, chosen);
      return new TrainedModel(net.network(), end.epochs(), eval, testLoss, end.totals().trainSeconds(),
          (System.nanoTime() - t0) / 1e9, health, testTime, end);
    } finally {
      test.unpersist(false);
    }
  }

  /** What the trainer noticed and did, from a state: for summary.json, also when training diverged or stopped. */
  public static TrainingHealth health(TrainingState s, String stoppedBy, String reason, int bestEpoch) {
    return new TrainingHealth(s.diagnoser().found(), s.diagnoser().rounds(), s.guard().recoveries(),
        s.stall().events(), stoppedBy, reason,
        bestEpoch, s.facts().rateSource(), s.facts().startRate(), s.learningRate(), s.facts().lrFind(),
        (int) s.totals().healthSamples());
  }
}
