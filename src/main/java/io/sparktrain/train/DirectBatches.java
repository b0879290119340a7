package io.sparktrain.train;

import io.sparktrain.augment.AugmentPipeline;
import io.sparktrain.data.Batches;
import io.sparktrain.data.Example;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Minibatches kept in Spark's memory; dl4j-spark's {@code fit} runs a whole epoch's averaging rounds, so
 * the loop sees each epoch as one round (and checkpoints at epoch ends). Without augmentation the
 * minibatches are made once and cached; with it, each epoch's are made on the executors from the
 * indexed split with that epoch's randomness, through the same grouping and pipeline as the exported
 * files. Each epoch gets a training master seeded from (seed, epoch), so a resumed run splits the epoch
 * into rounds as the uninterrupted run did.
 */
final class DirectBatches implements RoundSource {
  private final JavaRDD<DataSet> plain;
  private final JavaPairRDD<Example, Long> indexed;
  private final AugmentPipeline augment;
  private final int batchSize;
  private final int numClasses;
  private final long seed;
  private final int averagingRounds;

  DirectBatches(JavaRDD<Example> train, long trainCount, AugmentPipeline augment, int batchSize, int numClasses,
      io.sparktrain.data.Shape shape, long seed, int workers, int averagingFrequency) {
    this.augment = augment;
    this.batchSize = batchSize;
    this.numClasses = numClasses;
    this.seed = seed;
    this.plain = augment.isEmpty()
        ? Batches.of(train, batchSize, numClasses, shape).persist(StorageLevel.MEMORY_AND_DISK_SER()) : null;
    this.indexed = augment.isEmpty() ? null : train.zipWithIndex().persist(StorageLevel.MEMORY_AND_DISK());
    long minibatches = (trainCount + batchSize - 1) / batchSize;
    long perRound = (long) workers * averagingFrequency;
    this.averagingRounds = (int) Math.max(1, (minibatches + perRound - 1) / perRound);
  }

  @Override
  public int rounds(int epoch) {
    return 1;
  }

  @Override
  public int averagingRounds(int epoch) {
    return averagingRounds;
  }

  @Override
  public void fit(SparkNetwork net, int epoch, int round) {
    net.reseed(seed * 1_000_003L + epoch);
    if (plain != null) {
      net.fit(plain);
      return;
    }
    JavaRDD<DataSet> epochData = augment.epoch(indexed, epoch, batchSize, numClasses)
        .persist(StorageLevel.MEMORY_AND_DISK_SER());
    try {
      net.fit(epochData);
    } finally {
      epochData.unpersist(false);
    }
  }

  @Override
  public void close() {
    if (plain != null) {
      plain.unpersist(false);
    }
    if (indexed != null) {
      indexed.unpersist(false);
    }
  }
}
