package io.sparktrain.train;

import io.sparktrain.config.JobConfig;
import io.sparktrain.config.TrainConfig;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Splits;
import io.sparktrain.model.ModelFactory;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.core.storage.impl.RemoteUIStatsStorageRouter;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.ui.model.stats.StatsListener;
import org.nd4j.evaluation.classification.Evaluation;
import org.nd4j.linalg.dataset.DataSet;

/**
 * The epoch loop around dl4j-spark's {@link ParameterAveragingTrainingMaster}: every epoch trains on
 * the executors (rounds of broadcast, local minibatch SGD and averaging), then scores the averaged
 * network on the validation split; after the last epoch it evaluates the test set.
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

  public TrainedModel train(Splits data, EpochListener listener, RoundListener roundListener) {
    int numClasses = job.data().numClasses();
    MultiLayerConfiguration conf = ModelFactory.build(job.model(), data.shape(), numClasses, job.seed());
    RoundTracker rounds = new RoundTracker(sc);
    rounds.addListener(roundListener);
    try {
      SparkDl4jMultiLayer net = new SparkDl4jMultiLayer(sc, conf, trainingMaster(job.train(), job.seed(), rounds));
      if (uiUrl != null) {
        // Workers collect DL4J's statistics; the driver forwards them to the UI server over HTTP.
        net.setListeners(new RemoteUIStatsStorageRouter(uiUrl),
            List.<TrainingListener>of(new StatsListener(null)));
      }
      return train(data, listener, rounds, net);
    } finally {
      rounds.close(sc);
    }
  }

  private TrainedModel train(Splits data, EpochListener listener, RoundTracker rounds, SparkDl4jMultiLayer net) {
    int numClasses = job.data().numClasses();
    TrainConfig t = job.train();
    int workers = t.workers() > 0 ? t.workers() : sc.defaultParallelism();
    long minibatches = (data.trainCount() + t.batchSizePerWorker() - 1) / t.batchSizePerWorker();
    int expectedRounds = (int) Math.max(1, (minibatches + (long) workers * t.averagingFrequency() - 1)
        / ((long) workers * t.averagingFrequency()));
    JavaRDD<DataSet> train = Batches.of(data.train(), t.batchSizePerWorker(), numClasses)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    JavaRDD<DataSet> validation = Batches.of(data.validation(), EVAL_BATCH, numClasses)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    List<String> labels = new ArrayList<>();
    for (int i = 0; i < numClasses; i++) {
      labels.add(job.data().className(i));
    }
    List<EpochMetrics> epochs = new ArrayList<>();
    net.setCollectTrainingStats(true);
    TimeBreakdown breakdown = new TimeBreakdown();
    long started = System.nanoTime();
    for (int epoch = 1; epoch <= t.epochs(); epoch++) {
      sc.setJobGroup("epoch-" + epoch, "epoch " + epoch + "/" + t.epochs() + ": training", false);
      long t0 = System.nanoTime();
      rounds.startEpoch(epoch, expectedRounds);
      net.fit(train);
      double trainSeconds = seconds(t0);
      double trainLoss = net.getScore();
      sc.setJobGroup("epoch-" + epoch, "epoch " + epoch + "/" + t.epochs() + ": validation", false);
      long t1 = System.nanoTime();
      double validationLoss = net.calculateScore(validation, true, EVAL_BATCH);
      Evaluation eval = net.evaluate(validation, labels, EVAL_BATCH);
      EpochMetrics m = new EpochMetrics(epoch, trainLoss, validationLoss, eval.accuracy(),
          data.trainCount() / Math.max(trainSeconds, 1e-9), trainSeconds, seconds(t1),
          breakdown.next(net.getSparkTrainingStats(), workers));
      epochs.add(m);
      listener.epochDone(m, t.epochs());
    }
    double trainSeconds = seconds(started);
    sc.setJobGroup("test", "test set evaluation", false);
    long t2 = System.nanoTime();
    JavaRDD<DataSet> test = Batches.of(data.test(), EVAL_BATCH, numClasses).persist(StorageLevel.MEMORY_AND_DISK_SER());
    Evaluation eval = net.evaluate(test, labels, EVAL_BATCH);
    double testLoss = net.calculateScore(test, true, EVAL_BATCH);
    double testSeconds = seconds(t2);
    sc.clearJobGroup();
    train.unpersist(false);
    validation.unpersist(false);
    test.unpersist(false);
    return new TrainedModel(net.getNetwork(), List.copyOf(epochs), eval, testLoss, trainSeconds, testSeconds);
  }

  private ParameterAveragingTrainingMaster trainingMaster(TrainConfig t, long seed, RoundTracker rounds) {
    ParameterAveragingTrainingMaster.Builder b = t.workers() > 0
        ? new ParameterAveragingTrainingMaster.Builder(t.workers(), t.batchSizePerWorker())
        : new ParameterAveragingTrainingMaster.Builder(t.batchSizePerWorker());
    b.batchSizePerWorker(t.batchSizePerWorker())
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(t.workerPrefetchBatches())
        .saveUpdater(t.saveUpdater())
        // The level the minibatch RDD already has: Spark refuses to change it (direct approach).
        .storageLevel(StorageLevel.MEMORY_AND_DISK_SER())
        .rngSeed(seed)
        .trainingHooks(rounds.hook())
        .rddTrainingApproach(exportDirectory == null ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export);
    if (exportDirectory != null) {
      b.exportDirectory(exportDirectory);
    }
    return b.build();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
