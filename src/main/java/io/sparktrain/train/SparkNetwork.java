package io.sparktrain.train;

import io.sparktrain.config.TrainConfig;
import io.sparktrain.health.HealthMonitor;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.core.loader.DataSetLoader;
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
 * The driver's network and dl4j-spark's parameter averaging around it: the one place that calls
 * dl4j-spark's fit. Only the rounds' sources and the loop use it.
 */
final class SparkNetwork {
  private final JavaSparkContext sc;
  private final TrainConfig t;
  private final RoundTracker rounds;
  private final HealthMonitor monitor;
  private final String uiUrl;
  private final boolean direct;
  private final int workers;
  private SparkDl4jMultiLayer spark;

  SparkNetwork(JavaSparkContext sc, MultiLayerNetwork net, TrainConfig t, RoundTracker rounds, HealthMonitor monitor,
      String uiUrl, boolean direct, int workers, long seed) {
    this.workers = workers;
    this.sc = sc;
    this.t = t;
    this.rounds = rounds;
    this.monitor = monitor;
    this.uiUrl = uiUrl;
    this.direct = direct;
    wrap(net, seed);
  }

  int workers() {
    return workers;
  }

  MultiLayerNetwork network() {
    return spark.getNetwork();
  }

  /**
   * A new training master over the same network. dl4j-spark's master draws each fit's split of the
   * data from its own generator, seeded once; the direct approach makes a master per epoch, seeded from
   * (seed, epoch), so an epoch is split the same way whether or not the run was resumed before it.
   */
  void reseed(long masterSeed) {
    wrap(spark.getNetwork(), masterSeed);
  }

  private void wrap(MultiLayerNetwork net, long masterSeed) {
    spark = new SparkDl4jMultiLayer(sc, net, master(masterSeed));
    listeners();
    // dl4j-spark's statistics are not collected: PhaseClock measures the time in wall-clock terms.
    spark.setCollectTrainingStats(false);
  }

  /**
   * One averaging round over {@code paths}, in which each worker fits at most {@code minibatchesPerWorker}
   * minibatches. dl4j-spark adds averagingFrequency to the network's iteration count after every round,
   * whatever the workers fitted; a round that is shorter (an epoch's last) would then leave the count, and
   * with it Adam's bias correction and every iteration-based schedule, ahead of the minibatches trained.
   * The count is set to what was fitted (ParityTest holds one worker to plain DL4J across such rounds).
   */
  void fitPaths(JavaRDD<String> paths, DataSetLoader loader, int minibatchesPerWorker) {
    MultiLayerConfiguration conf = spark.getNetwork().getLayerWiseConfigurations();
    int before = conf.getIterationCount();
    spark.fitPaths(paths, loader);
    spark.getNetwork().getLayerWiseConfigurations().setIterationCount(before + minibatchesPerWorker);
  }

  void fit(JavaRDD<DataSet> minibatches) {
    spark.fit(minibatches);
  }

  /**
   * The mean loss per example over {@code data}, the same on every run: each partition's sum is
   * computed on the executors and the sums are added in partition order. (dl4j-spark's
   * {@code calculateScore} adds them in the order the tasks finish, so the last bits of the loss
   * depend on scheduling, and a resumed run would not repeat an uninterrupted one.)
   */
  double score(JavaRDD<DataSet> data) {
    MultiLayerNetwork net = spark.getNetwork();
    Broadcast<String> conf = sc.broadcast(net.getLayerWiseConfigurations().toJson());
    Broadcast<INDArray> params = sc.broadcast(net.params().dup());
    try {
      List<double[]> sums = data.mapPartitions((Iterator<DataSet> it) -> {
        double sum = 0;
        long n = 0;
        if (it.hasNext()) {
          MultiLayerNetwork local = new MultiLayerNetwork(MultiLayerConfiguration.fromJson(conf.value()));
          local.init(params.value().dup(), false);
          while (it.hasNext()) {
            DataSet batch = it.next();
            int examples = batch.numExamples();
            sum += local.score(batch, false) * examples;
            n += examples;
          }
        }
        return List.of(new double[] {sum, n}).iterator();
      }).collect();
      double sum = 0;
      double n = 0;
      for (double[] s : sums) {
        sum += s[0];
        n += s[1];
      }
      return n == 0 ? Double.NaN : sum / n;
    } finally {
      conf.unpersist(false);
      params.unpersist(false);
    }
  }

  Evaluation evaluate(JavaRDD<DataSet> data, List<String> labels) {
    return spark.evaluate(data, labels, Trainer.EVAL_BATCH);
  }

  void setLearningRate(double lr) {
    spark.getNetwork().setLearningRate(lr);
    rounds.learningRate(lr);
  }

  Weights weights() {
    return Weights.of(spark.getNetwork());
  }

  void restore(Weights w) {
    w.into(spark.getNetwork());
  }

  private void listeners() {
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
      spark.setListeners(router, listeners);
    }
  }

  private ParameterAveragingTrainingMaster master(long masterSeed) {
    // The run's own number of workers, not Spark's default parallelism at the time: a resumed run on a
    // cluster of another size still splits its rounds as the run it continues did.
    ParameterAveragingTrainingMaster.Builder b = new ParameterAveragingTrainingMaster.Builder(workers,
        t.batchSizePerWorker());
    b.batchSizePerWorker(t.batchSizePerWorker())
        .averagingFrequency(t.averagingFrequency())
        .workerPrefetchNumBatches(t.workerPrefetchBatches())
        .saveUpdater(t.saveUpdater())
        // The level the minibatch RDD already has: Spark refuses to change it (direct approach).
        .storageLevel(StorageLevel.MEMORY_AND_DISK_SER())
        .rngSeed(masterSeed)
        .trainingHooks(rounds.hook())
        // A round's paths arrive already spread over the workers: no shuffle per round.
        .repartionData(direct ? Repartition.Always : Repartition.Never)
        .rddTrainingApproach(direct ? RDDTrainingApproach.Direct : RDDTrainingApproach.Export);
    return b.build();
  }
}
