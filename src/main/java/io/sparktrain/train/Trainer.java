package io.sparktrain.train;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.augment.AugmentingLoader;
import io.sparktrain.augment.TestTimeViews;
import io.sparktrain.config.JobConfig;
import io.sparktrain.config.TrainConfig;
import io.sparktrain.data.BatchFiles;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import io.sparktrain.data.Splits;
import io.sparktrain.health.Diagnoser;
import io.sparktrain.health.Diagnosis;
import io.sparktrain.health.HealthMonitor;
import io.sparktrain.health.HealthSample;
import io.sparktrain.health.LayerHealth;
import io.sparktrain.lrfind.LrCurve;
import io.sparktrain.lrfind.LrFinder;
import io.sparktrain.model.ModelFactory;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.datavec.spark.util.SerializableHadoopConfig;
import org.deeplearning4j.core.storage.StatsStorageRouter;
import org.deeplearning4j.core.storage.impl.RemoteUIStatsStorageRouter;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The training loop around dl4j-spark's {@link ParameterAveragingTrainingMaster}. With the export
 * approach the trainer runs every averaging round itself (one {@code fitPaths} call over that round's
 * minibatches, exported once; augmentation runs as the workers load them), so between rounds it can set the scheduled learning rate, read the workers'
 * gradient health and loss, and undo a diverged round. With the direct approach dl4j-spark runs a
 * whole epoch's rounds and these checks act once per epoch. After every epoch the averaged network is
 * scored on the validation split (early stopping, reduce-on-plateau); after the last, on the test set.
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

  private final JavaSparkContext sc;
  private final JobConfig job;
  private final String exportDirectory;
  private final String uiUrl;
  private AugmentPipeline augmentation;

  /**
   * @param exportDirectory where minibatches are exported (the export approach), or null for the direct approach
   * @param uiUrl a DL4J UI server that receives the workers' statistics live, or null
   */
  public Trainer(JavaSparkContext sc, JobConfig job, String exportDirectory, String uiUrl) {
    this.sc = sc;
    this.job = job;
    this.exportDirectory = exportDirectory;
    this.uiUrl = uiUrl;
  }

  public TrainedModel train(Splits data, TrainingEvents events) {
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), data.shape(), job.data().numClasses(), job.seed());
    RoundTracker rounds = new RoundTracker(sc, exportDirectory == null);
    rounds.addListener(events);
    try {
      return new Run(data, events, rounds, conf).train();
    } finally {
      rounds.close(sc);
    }
  }

  /** Trains with this pipeline, already built by the caller, instead of building it again. */
  public Trainer withAugmentation(AugmentPipeline pipeline) {
    this.augmentation = pipeline;
    return this;
  }

  /** The job's augmentation pipeline for this data (empty when augment.ops is empty). */
  public static AugmentPipeline augmentPipeline(JobConfig job, Splits data) {
    double[] std = AugmentPipeline.needsFeatureStd(job.augment())
        ? AugmentPipeline.featureStd(data.train(), data.shape().size()) : null;
    return AugmentPipeline.of(job.augment(), data.shape(), job.seed(), std);
  }

  /** The number of workers a round uses. */
  int workers() {
    return job.train().workers() > 0 ? job.train().workers() : sc.defaultParallelism();
  }

  /** The learning-rate range test on the training split, as {@code train.learningRate = auto} and lr-find run it. */
  public LrCurve findLearningRate(Splits data) {
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), data.shape(), job.data().numClasses(), job.seed());
    JavaRDD<DataSet> batches = Batches.of(data.train(), job.train().batchSizePerWorker(), job.data().numClasses());
    sc.setJobGroup("lr-find", "learning-rate range test", false);
    try {
      return LrFinder.run(batches, conf, job.lrFind(), workers());
    } finally {
      sc.clearJobGroup();
    }
  }

  /** One training run's state. */
  private final class Run {
    private final Splits data;
    private final TrainingEvents events;
    private final RoundTracker rounds;
    private final MultiLayerConfiguration conf;
    private final TrainConfig t = job.train();
    private final int workers = workers();
    private final List<Recovery> recoveries = new ArrayList<>();
    private final DivergenceGuard guard = new DivergenceGuard(t.guard());
    private final HealthMonitor monitor;
    private final List<String> layerTypes = new ArrayList<>();
    private Diagnoser diagnoser;
    private LrSchedule schedule;
    private SparkDl4jMultiLayer net;
    private double guardScale = 1.0;
    private int roundsSinceRecovery = Integer.MAX_VALUE / 2;
    private double currentLr = Double.NaN;
    private INDArray goodParams;
    private INDArray goodUpdater;
    private int healthSamples;
    private double epochLossSum;
    private long epochLossBatches;

    Run(Splits data, TrainingEvents events, RoundTracker rounds, MultiLayerConfiguration conf) {
      this.data = data;
      this.events = events;
      this.rounds = rounds;
      this.conf = conf;
      this.monitor = job.health().enabled() ? new HealthMonitor(sc, job.health().sampleEvery()) : null;
      job.model().layers().forEach(l -> layerTypes.add(l.type()));
    }

    TrainedModel train() {
      int numClasses = job.data().numClasses();
      LrCurve lrFind = null;
      double baseLr = t.learningRate(job.model().updater());
      String lrSource = t.learningRate().isEmpty() ? "model.updater.learningRate" : "train.learningRate";
      if (t.autoLearningRate()) {
        lrFind = findLearningRate(data);
        baseLr = lrFind.suggestion();
        lrSource = "lr-find (" + lrFind.rule() + ")";
      }
      schedule = new LrSchedule(t.schedule(), baseLr, t.epochs());
      lrSourceUsed = lrSource;
      baseLearningRate = baseLr;
      diagnoser = new Diagnoser(job.health(), job.model(), t.guard().enabled(), baseLr);
      net = new SparkDl4jMultiLayer(sc, conf, trainingMaster());
      setListeners();
      net.setCollectTrainingStats(true);
      keepGood();

      JavaRDD<DataSet> validation = Batches.of(data.validation(), EVAL_BATCH, numClasses)
          .persist(StorageLevel.MEMORY_AND_DISK_SER());
      AugmentPipeline augment = augmentation != null ? augmentation : augmentPipeline(job, data);
      // Export: the training split is written once; augmentation, if any, happens as workers load it.
      // Direct: un-augmented minibatches are cached; augmented epochs are made from the indexed split.
      List<String> exported = exportDirectory == null ? null : export(data.train().zipWithIndex(), exportDirectory);
      JavaRDD<DataSet> train = exportDirectory != null || !augment.isEmpty() ? null
          : Batches.of(data.train(), t.batchSizePerWorker(), numClasses).persist(StorageLevel.MEMORY_AND_DISK_SER());
      JavaPairRDD<Example, Long> indexed = exportDirectory != null || augment.isEmpty() ? null
          : data.train().zipWithIndex().persist(StorageLevel.MEMORY_AND_DISK());
      if (t.guard().enabled()) {
        sc.setJobGroup("baseline", "loss of the untrained network", false);
        guard.baseline(net.calculateScore(validation, true, EVAL_BATCH));
      }
      List<String> labels = new ArrayList<>();
      for (int i = 0; i < numClasses; i++) {
        labels.add(job.data().className(i));
      }
      List<EpochMetrics> epochs = new ArrayList<>();
      TimeBreakdown breakdown = new TimeBreakdown();
      EarlyStopping early = new EarlyStopping(t.earlyStopping());
      INDArray bestParams = null;
      INDArray bestUpdater = null;
      String stoppedBy = "epochs";
      String stopReason = "all " + t.epochs() + " epochs ran";
      long started = System.nanoTime();
      for (int epoch = 1; epoch <= t.epochs(); epoch++) {
        sc.setJobGroup("epoch-" + epoch, "epoch " + epoch + "/" + t.epochs() + ": training", false);
        long t0 = System.nanoTime();
        epochLossSum = 0;
        epochLossBatches = 0;
        if (exported != null) {
          trainEpochInRounds(epoch, exported, augment.isEmpty() ? null : new AugmentingLoader(augment, epoch));
        } else if (indexed == null) {
          trainEpochDirect(epoch, train);
        } else {
          // Augmented, direct: this epoch's own minibatches, made on the executors with its randomness.
          JavaRDD<DataSet> epochData = augment.epoch(indexed, epoch, t.batchSizePerWorker(), numClasses)
              .persist(StorageLevel.MEMORY_AND_DISK_SER());
          trainEpochDirect(epoch, epochData);
          epochData.unpersist(false);
        }
        double trainSeconds = seconds(t0);
        if (!Double.isFinite(net.getNetwork().params().sumNumber().doubleValue())) {
          // Only reachable with the guard off: it never keeps non-finite parameters.
          throw new DivergedException(String.format(Locale.ROOT,
              "training diverged in epoch %d: the parameters are NaN or Inf, so the model cannot be evaluated "
                  + "(train.guard.enabled = false). Turn the divergence guard on, or lower the learning rate (now %.3g; "
                  + "sparktrain lr-find suggests one).", epoch, currentLr),
              health("diverged", "parameters NaN or Inf in epoch " + epoch, epoch - 1, null));
        }
        sc.setJobGroup("epoch-" + epoch, "epoch " + epoch + "/" + t.epochs() + ": validation", false);
        long t1 = System.nanoTime();
        double validationLoss = net.calculateScore(validation, true, EVAL_BATCH);
        Evaluation eval = net.evaluate(validation, labels, EVAL_BATCH);
        EpochMetrics m = new EpochMetrics(epoch, epochLossBatches > 0 ? epochLossSum / epochLossBatches : Double.NaN,
            validationLoss, eval.accuracy(), data.trainCount() / Math.max(trainSeconds, 1e-9), trainSeconds,
            seconds(t1), breakdown.next(net.getSparkTrainingStats(), workers), currentLr);
        epochs.add(m);
        events.epochDone(m, t.epochs());
        events.checkpoint(epoch, net.getNetwork());
        if (schedule.epochEnd(validationLoss)) {
          events.diagnosis(new Diagnosis("plateau", epoch, 0, List.of(), "validationLoss", validationLoss,
              String.format(Locale.ROOT, "validation loss has not improved for %d epochs: learning rate lowered to %.3g",
                  t.schedule().patience() + 1, schedule.rateAt(epoch))));
        }
        double metric = t.earlyStopping().maximise() ? eval.accuracy() : validationLoss;
        if (early.observe(epoch, metric) && t.earlyStopping().enabled() && t.earlyStopping().restoreBest()) {
          bestParams = net.getNetwork().params().dup();
          bestUpdater = updaterState();
        }
        if (early.shouldStop() && epoch < t.epochs()) {
          stoppedBy = "early stopping";
          stopReason = early.reason();
          break;
        }
      }
      int bestEpoch = epochs.size();
      if (bestParams != null && early.bestEpoch() != epochs.size()) {
        restore(bestParams, bestUpdater);
        bestEpoch = early.bestEpoch();
        stopReason += "; kept the parameters of epoch " + bestEpoch;
      }
      double trainSeconds = seconds(started);
      sc.setJobGroup("test", "test set evaluation", false);
      long t2 = System.nanoTime();
      JavaRDD<DataSet> test = Batches.of(data.test(), EVAL_BATCH, numClasses).persist(StorageLevel.MEMORY_AND_DISK_SER());
      Evaluation eval;
      TrainedModel.TestTime testTime = null;
      if (job.testTime().enabled()) {
        TestTimeViews views = TestTimeViews.of(job.augment(), data.shape(), job.testTime().shiftPixels());
        ViewEvaluation.Result both = ViewEvaluation.evaluate(sc, net.getNetwork(), test, labels, views);
        eval = both.averaged();
        testTime = new TrainedModel.TestTime(views.describe(), both.plain());
      } else {
        eval = net.evaluate(test, labels, EVAL_BATCH);
      }
      double testLoss = net.calculateScore(test, true, EVAL_BATCH);
      double testSeconds = seconds(t2);
      sc.clearJobGroup();
      if (train != null) {
        train.unpersist(false);
      }
      validation.unpersist(false);
      test.unpersist(false);
      if (indexed != null) {
        indexed.unpersist(false);
      }
      lrSourceUsed = lrSource;
      TrainingHealth health = health(stoppedBy, stopReason, bestEpoch, lrFind);
      return new TrainedModel(net.getNetwork(), List.copyOf(epochs), eval, testLoss, trainSeconds, testSeconds, health,
          testTime);
    }

    /** Every round of the epoch through {@code fitPaths}: this epoch's order of the exported minibatches, in slices. */
    private void trainEpochInRounds(int epoch, List<String> exported, AugmentingLoader loader) {
      List<String> order = new ArrayList<>(exported);
      Collections.shuffle(order, new Random(job.seed() * 1_000_003L + epoch));
      int perRound = workers * t.averagingFrequency();
      int roundsInEpoch = (order.size() + perRound - 1) / perRound;
      rounds.startEpoch(epoch, roundsInEpoch);
      for (int r = 0; r < roundsInEpoch; r++) {
        setLearningRate(schedule.rate(epoch, r, roundsInEpoch) * guardScale);
        List<String> slice = order.subList(r * perRound, Math.min(order.size(), (r + 1) * perRound));
        JavaRDD<String> paths = sc.parallelize(new ArrayList<>(slice), Math.min(workers, slice.size()));
        if (loader == null) {
          net.fitPaths(paths);
        } else {
          net.fitPaths(paths, loader);
        }
        RoundMetrics m = rounds.roundEnded();
        if (m != null) {
          afterRound(epoch, m.round(), m.meanLoss(), m.minibatches());
        }
      }
    }

    /** dl4j-spark runs the epoch's rounds; the checks see the epoch as one round. */
    private void trainEpochDirect(int epoch, JavaRDD<DataSet> train) {
      long minibatches = (data.trainCount() + t.batchSizePerWorker() - 1) / t.batchSizePerWorker();
      int expected = (int) Math.max(1, (minibatches + (long) workers * t.averagingFrequency() - 1)
          / ((long) workers * t.averagingFrequency()));
      rounds.startEpoch(epoch, expected);
      setLearningRate(schedule.rate(epoch, 0, 1) * guardScale);
      double[] before = rounds.totals();
      net.fit(train);
      double[] after = rounds.totals();
      double batches = after[0] - before[0];
      double loss = after[2] > before[2] || batches <= 0 ? Double.NaN : (after[1] - before[1]) / batches;
      afterRound(epoch, 0, loss, (long) batches);
    }

    private void afterRound(int epoch, int round, double loss, long minibatches) {
      roundsSinceRecovery++;
      List<HealthSample> samples = monitor == null ? List.of() : monitor.drain();
      healthSamples += samples.size();
      List<LayerHealth> layers = LayerHealth.merge(samples, layerTypes);
      if (!layers.isEmpty()) {
        events.roundHealth(epoch, round, layers);
      }
      boolean nonFinite = samples.stream().anyMatch(HealthSample::nonFinite);
      for (Diagnosis d : diagnoser.observe(epoch, round, layers, nonFinite, loss)) {
        events.diagnosis(d);
      }
      double paramSum = net.getNetwork().params().sumNumber().doubleValue();
      String diverged = guard.check(loss, Double.isFinite(paramSum));
      if (diverged == null || !t.guard().enabled()) {
        if (diverged == null) {
          guard.good(loss);
          keepGood();
        }
        if (Double.isFinite(loss)) {
          epochLossSum += loss * minibatches;
          epochLossBatches += minibatches;
        }
        return;
      }
      double before = currentLr;
      if (recoveries.size() >= t.guard().maxRecoveries()) {
        restore(goodParams, goodUpdater);
        throw new DivergedException(String.format(Locale.ROOT,
            "training diverged again in epoch %d, round %d (%s) after %d recoveries (train.guard.maxRecoveries = %d); "
                + "the learning rate is now %.3g, started at %.3g. Lower model.updater.learningRate (sparktrain lr-find "
                + "suggests one), clip gradients (model.gradientNormalization) or add batch normalisation.",
            epoch, round, diverged, recoveries.size(), t.guard().maxRecoveries(), before,
            schedule.rate(1, 0, 1)), health("diverged", diverged, epoch - 1, null));
      }
      restore(goodParams, goodUpdater);
      // NaN/Inf, or a second spike within guard.window rounds of the last recovery, lowers the rate; a
      // lone finite spike (a bad minibatch draw) is undone and training goes on at the same rate.
      boolean broken = !Double.isFinite(loss) || !Double.isFinite(paramSum);
      boolean repeated = roundsSinceRecovery <= t.guard().window();
      double after = before;
      if (broken || repeated) {
        guardScale *= t.guard().lrFactor();
        after = before * t.guard().lrFactor();
        setLearningRate(after);
        diagnoser.learningRate(after);
      }
      roundsSinceRecovery = 0;
      Recovery rec = new Recovery(epoch, round, diverged, before, after);
      recoveries.add(rec);
      events.recovery(rec);
    }

    private String lrSourceUsed = "";
    private double baseLearningRate;

    private TrainingHealth health(String stoppedBy, String reason, int bestEpoch, LrCurve lrFind) {
      return new TrainingHealth(diagnoser.diagnoses(), diagnoser.roundsFlagged(), recoveries, stoppedBy, reason,
          bestEpoch, lrSourceUsed, baseLearningRate, currentLr, lrFind, healthSamples);
    }

    private void setLearningRate(double lr) {
      if (lr != currentLr) {
        net.getNetwork().setLearningRate(lr);
        rounds.learningRate(lr);
        currentLr = lr;
        diagnoser.learningRate(lr);
      }
    }

    /** Keeps the current averaged parameters and updater state as the last good ones (for the guard). */
    private void keepGood() {
      if (!t.guard().enabled()) {
        return;
      }
      goodParams = net.getNetwork().params().dup();
      goodUpdater = updaterState();
    }

    private INDArray updaterState() {
      INDArray state = net.getNetwork().getUpdater() == null ? null : net.getNetwork().getUpdater().getStateViewArray();
      return state == null ? null : state.dup();
    }

    private void restore(INDArray params, INDArray updater) {
      MultiLayerNetwork n = net.getNetwork();
      n.params().assign(params);
      if (updater != null && n.getUpdater() != null && n.getUpdater().getStateViewArray() != null) {
        n.getUpdater().getStateViewArray().assign(updater);
      }
    }

    private void setListeners() {
      List<TrainingListener> listeners = new ArrayList<>();
      StatsStorageRouter router = null;
      if (monitor != null) {
        listeners.add(monitor.listener());
      }
      if (uiUrl != null) {
        // Workers collect DL4J's statistics; the driver forwards them to the UI server over HTTP.
        router = new RemoteUIStatsStorageRouter(uiUrl);
        listeners.add(new StatsListener(null));
      }
      if (!listeners.isEmpty()) {
        net.setListeners(router, listeners);
      }
    }

    /** Writes the training minibatches to {@code dir} once ({@link BatchFiles}); returns their paths. */
    private List<String> export(JavaPairRDD<Example, Long> indexed, String dir) {
      sc.setJobGroup("export", "exporting training minibatches", false);
      Broadcast<SerializableHadoopConfig> hadoop = sc.broadcast(new SerializableHadoopConfig(sc.hadoopConfiguration()));
      List<String> paths = BatchFiles.export(indexed, t.batchSizePerWorker(), job.data().numClasses(), dir, hadoop);
      sc.clearJobGroup();
      return paths;
    }

    private ParameterAveragingTrainingMaster trainingMaster() {
      ParameterAveragingTrainingMaster.Builder b = t.workers() > 0
          ? new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
          : new ParameterAveragingTrainingMaster.Builder(t.batchSizePerWorker());
      b.batchSizePerWorker(t.batchSizePerWorker())
          .averagingFrequency(t.averagingFrequency())
          .workerPrefetchNumBatches(t.workerPrefetchBatches())
          .saveUpdater(t.saveUpdater())
          // The level the minibatch RDD already has: Spark refuses to change it (direct approach).
          .storageLevel(StorageLevel.MEMORY_AND_DISK_SER())
          .rngSeed(job.seed())
          .trainingHooks(rounds.hook())
          // A round's paths arrive already spread over the workers: no shuffle per round.
          .repartionData(exportDirectory == null ? Repartition.Always : Repartition.Never)
          .rddTrainingApproach(exportDirectory == null ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export);
      if (exportDirectory != null) {
        b.exportDirectory(exportDirectory);
      }
      return b.build();
    }
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
